#include "daemon/master/cluster/verify/verify_report.h"

#include <map>

namespace gantry::daemon::master::verify {

std::string errorCodeObjectType(const std::string& code) {
  // Ganeti's cvE* descriptors (src/Ganeti/Constants.hs).
  static const std::map<std::string, std::string> kTypes = {
      {"ECLUSTERCFG", "cluster"},
      {"ECLUSTERCERT", "cluster"},
      {"ECLUSTERCLIENTCERT", "cluster"},
      {"ECLUSTERFILECHECK", "cluster"},
      {"ECLUSTERDANGLINGNODES", "node"},
      {"ECLUSTERDANGLINGINST", "node"},
      {"EGROUPDIFFERENTPVSIZE", "group"},
      {"EINSTANCEBADNODE", "instance"},
      {"EINSTANCEDOWN", "instance"},
      {"EINSTANCEFAULTYDISK", "instance"},
      {"EINSTANCELAYOUT", "instance"},
      {"EINSTANCEMISSINGCFGPARAMETER", "instance"},
      {"EINSTANCEMISSINGDISK", "instance"},
      {"EINSTANCEPOLICY", "instance"},
      {"EINSTANCESPLITGROUPS", "instance"},
      {"EINSTANCEUNSUITABLENODE", "instance"},
      {"EINSTANCEWRONGNODE", "instance"},
      {"ENODEDRBD", "node"},
      {"ENODEDRBDHELPER", "node"},
      {"ENODEDRBDVERSION", "node"},
      {"ENODEFILECHECK", "node"},
      {"ENODEFILESTORAGEPATHS", "node"},
      {"ENODEFILESTORAGEPATHUNUSABLE", "node"},
      {"ENODESHAREDFILESTORAGEPATHUNUSABLE", "node"},
      {"ENODEGLUSTERSTORAGEPATHUNUSABLE", "node"},
      {"ENODEHOOKS", "node"},
      {"ENODEHV", "node"},
      {"ENODELVM", "node"},
      {"ENODEN1", "node"},
      {"EEXTAGS", "node"},
      {"ENODENET", "node"},
      {"ENODEOOBPATH", "node"},
      {"ENODEORPHANINSTANCE", "node"},
      {"ENODEORPHANLV", "node"},
      {"ENODEOS", "node"},
      {"ENODERPC", "node"},
      {"ENODESETUP", "node"},
      {"ENODESSH", "node"},
      {"ENODETIME", "node"},
      {"ENODEUSERSCRIPTS", "node"},
      {"ENODEVERSION", "node"},
  };
  auto it = kTypes.find(code);
  return it == kTypes.end() ? std::string() : it->second;
}

Reporter::Reporter(const core::opcodes::Opcode& op, Sink sink) : sink_(std::move(sink)) {
  if (op.has("error_codes")) errorCodes_ = op.get("error_codes").get<bool>();
  if (op.has("ignore_errors")) {
    for (const auto& code : op.get("ignore_errors")) ignored_.insert(code.get<std::string>());
  }
}

void Reporter::error(const std::string& code, const std::string& object,
                     const std::string& message, bool warning) {
  if (ignored_.count(code) != 0) warning = true;
  const std::string severity = warning ? "WARNING" : "ERROR";
  const std::string type = errorCodeObjectType(code);
  std::string line;
  if (errorCodes_) {
    line = "  - " + severity + ":" + code + ":" + type + ":" +
           (object.empty() ? std::string("None") : object) + ":" + message;
  } else {
    line = "  - " + severity + ": " + type + " " + object + ": " + message;
  }
  sink_(line);
  if (!warning) ok_ = false;
}

}  // namespace gantry::daemon::master::verify
