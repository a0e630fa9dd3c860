#include "daemon/master/os/os_report.h"

#include <algorithm>
#include <set>

#include "core/query/engine.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

template <typename T>
std::vector<T> intersect(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  for (const auto& x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) out.push_back(x);
  }
  return out;
}

bool listed(const json& cluster, const char* key, const std::string& name) {
  const auto it = cluster.find(key);
  if (it == cluster.end() || !it->is_array()) return false;
  return std::find(it->begin(), it->end(), name) != it->end();
}

}  // namespace

const std::vector<std::string>& osDiagnoseFields() {
  static const std::vector<std::string> fields = {
      "name",   "valid",       "variants", "parameters", "api_versions", "node_status",
      "hidden", "blacklisted", "os_hvp",   "osparams",   "trusted"};
  return fields;
}

std::vector<OsReport> mergeOsDiagnose(const std::map<std::string, json>& answers) {
  std::map<std::string, OsReport> byName;
  for (const auto& [node, answer] : answers) {
    if (!answer.is_array()) continue;
    for (const auto& entry : answer) {
      if (!entry.is_array() || entry.size() != 8 || !entry[0].is_string()) continue;
      const std::string name = entry[0].get<std::string>();
      auto [it, fresh] = byName.try_emplace(name);
      if (fresh) {
        it->second.name = name;
        // Every node that answered gets a list, empty where the OS is missing.
        for (const auto& [other, ignored] : answers) it->second.nodeStatus[other] = json::array();
      }
      it->second.nodeStatus[node].push_back(json(entry.begin() + 1, entry.end()));
    }
  }
  std::vector<OsReport> reports;
  for (auto& [name, report] : byName) {
    bool first = true;
    for (const auto& [node, entries] : report.nodeStatus.items()) {
      if (entries.empty() || !entries[0][1].get<bool>()) {
        report.valid = false;
        break;
      }
      const json& used = entries[0];
      auto variants = used[3].get<std::vector<std::string>>();
      json params = used[4];
      auto api = used[5].get<std::vector<int>>();
      if (first) {
        report.variants = variants;
        report.parameters = params;
        report.apiVersions = api;
        first = false;
      } else {
        report.variants = intersect(report.variants, variants);
        report.apiVersions = intersect(report.apiVersions, api);
        json shared = json::array();
        for (const auto& p : report.parameters) {
          if (std::find(params.begin(), params.end(), p) != params.end()) shared.push_back(p);
        }
        report.parameters = shared;
      }
      if (!used[6].get<bool>()) report.trusted = false;
    }
    if (!report.valid) {
      report.variants.clear();
      report.parameters = json::array();
      report.apiVersions.clear();
    }
    std::sort(report.variants.begin(), report.variants.end(),
              [](const std::string& a, const std::string& b) {
                return core::query::naturalLess(a, b);
              });
    report.variants.erase(std::unique(report.variants.begin(), report.variants.end()),
                          report.variants.end());
    std::sort(report.apiVersions.begin(), report.apiVersions.end());
    report.apiVersions.erase(std::unique(report.apiVersions.begin(), report.apiVersions.end()),
                             report.apiVersions.end());
    std::vector<json> params(report.parameters.begin(), report.parameters.end());
    std::sort(params.begin(), params.end());
    report.parameters = json(params);
    reports.push_back(std::move(report));
  }
  std::sort(reports.begin(), reports.end(), [](const OsReport& a, const OsReport& b) {
    return core::query::naturalLess(a.name, b.name);
  });
  return reports;
}

json osReportField(const OsReport& report, const std::string& field, const json& cluster) {
  if (field == "name") return report.name;
  if (field == "valid") return report.valid;
  if (field == "variants") return report.variants;
  if (field == "parameters") return report.parameters;
  if (field == "api_versions") return report.apiVersions;
  if (field == "node_status") return report.nodeStatus;
  if (field == "hidden") return listed(cluster, "hidden_os", report.name);
  if (field == "blacklisted") return listed(cluster, "blacklisted_os", report.name);
  if (field == "trusted") return report.trusted;
  for (const char* key : {"os_hvp", "osparams"}) {
    if (field != key) continue;
    const auto it = cluster.find(key);
    if (it == cluster.end() || !it->is_object()) return json::object();
    return it->value(report.name, json::object());
  }
  return nullptr;
}

}  // namespace gantry::daemon::master
