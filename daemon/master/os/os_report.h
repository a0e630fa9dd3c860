// What the cluster knows of one OS, merged from the nodes' os_diagnose
// answers as Ganeti's OS query merges them: an OS is valid only if every
// node that answered has it valid (its first, unshadowed entry); its
// variants, parameters and API versions are those all nodes share; it is
// trusted only if every node trusts it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::daemon::master {

struct OsReport {
  std::string name;
  bool valid = true;
  std::vector<std::string> variants;  // natural order
  nlohmann::json parameters = nlohmann::json::array();  // [[name, doc], ...], sorted
  std::vector<int> apiVersions;       // ascending
  bool trusted = true;
  /// Node UUID -> its entries for this OS, as os_diagnose gave them
  /// (without the name): [path, valid, diagnose, variants, params,
  /// api_versions, trusted]; an empty list where the node lacks it.
  nlohmann::json nodeStatus = nlohmann::json::object();
};

/// `answers`: node UUID -> os_diagnose answer of each node that answered.
/// Reports in natural order of OS name.
std::vector<OsReport> mergeOsDiagnose(const std::map<std::string, nlohmann::json>& answers);

/// The OP_OS_DIAGNOSE fields.
const std::vector<std::string>& osDiagnoseFields();

/// One field of a report; `cluster` is config.data's cluster object (for
/// hidden, blacklisted, os_hvp, osparams).
nlohmann::json osReportField(const OsReport& report, const std::string& field,
                             const nlohmann::json& cluster);

}  // namespace gantry::daemon::master
