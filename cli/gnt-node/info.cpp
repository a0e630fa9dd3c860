// gnt-node info: Ganeti's ShowNodeConfig layout, one list item per node.
#include <iostream>

#include "cli/common/generic_info.h"
#include "cli/gnt-node/commands.h"
#include "core/luxi/json_text.h"

namespace gantry::cli::node {
using core::luxi::Json;

namespace {


}  // namespace

int info(const Invocation& inv) {
  const std::vector<std::string> fields = {
      "name",       "pip",        "sip",        "master_candidate", "drained",
      "offline",    "master_capable", "vm_capable", "pinst_list",    "sinst_list",
      "ndparams",   "custom_ndparams"};
  Json filter = nullptr;
  if (!inv.options.args.empty()) {
    filter = Json::array({"|"});
    for (const auto& name : inv.options.args) filter.push_back(Json::array({"=", "name", name}));
  }
  auto client = connectMaster();
  const Json result = client.query("node", fields, filter);
  Json items = Json::array();
  for (const auto& row : result.at("data")) {
    auto v = [&](std::size_t i) { return row.at(i).at(1); };
    Json node = Json::object();
    node["Node name"] = v(0);
    node["primary ip"] = v(1);
    node["secondary ip"] = v(2);
    node["master candidate"] = core::luxi::pythonStr(v(3));
    node["drained"] = core::luxi::pythonStr(v(4));
    node["offline"] = core::luxi::pythonStr(v(5));
    node["master_capable"] = core::luxi::pythonStr(v(6));
    node["vm_capable"] = core::luxi::pythonStr(v(7));
    if (v(7).is_boolean() && v(7).get<bool>()) {
      node["primary for instances"] = v(8);
      node["secondary for instances"] = v(9);
    }
    Json params = Json::object();
    const Json custom = v(11).is_object() ? v(11) : Json::object();
    const Json filled = sortedObject(v(10).is_object() ? v(10) : Json::object());
    for (const auto& [key, value] : filled.items()) {
      params[key] = custom.contains(key) ? core::luxi::pythonStr(value) : "default (" + core::luxi::pythonStr(value) + ")";
    }
    node["node parameters"] = params;
    items.push_back(node);
  }
  std::cout << formatGenericInfo(items);
  return 0;
}

}  // namespace gantry::cli::node
