#include "daemon/master/cluster/verify/file_check.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "core/query/engine.h"

namespace gantry::daemon::master::verify {
namespace {

// Ganeti's CommaJoin(NiceSort(names)).
std::string niceList(std::vector<std::string> names) {
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return core::query::naturalLess(a, b);
  });
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void checkFiles(Reporter& reporter, const std::vector<ReplicatedFile>& files,
                const std::vector<NodeFiles>& nodes) {
  for (const auto& file : files) {
    std::vector<std::string> missing, unexpected;
    std::map<std::string, std::vector<std::string>> variants;  // checksum -> nodes
    for (const auto& node : nodes) {
      const bool expected = !file.candidatesOnly || node.candidate;
      const auto it = node.checksums->find(file.name);
      const bool present = it != node.checksums->end() && it->is_string();
      if (present) variants[it->get<std::string>()].push_back(node.node);
      if (expected && !present) missing.push_back(node.node);
      if (!expected && present) unexpected.push_back(node.node);
    }
    if (!missing.empty()) {
      reporter.error("ECLUSTERFILECHECK", "",
                     "File " + file.shownPath + " is missing from node(s) " + niceList(missing));
    }
    if (!unexpected.empty()) {
      reporter.error("ECLUSTERFILECHECK", "",
                     "File " + file.shownPath + " should not exist on node(s) " +
                         niceList(unexpected));
    }
    if (variants.size() > 1) {
      std::string text;
      int index = 0;
      for (const auto& [checksum, names] : variants) {
        ++index;
        text += (index == 1 ? "" : "; ") + std::string("variant ") + std::to_string(index) +
                " on " + niceList(names);
      }
      reporter.error("ECLUSTERFILECHECK", "",
                     "File " + file.shownPath + " found with " +
                         std::to_string(variants.size()) + " different checksums (" + text + ")");
    }
  }
}

}  // namespace gantry::daemon::master::verify
