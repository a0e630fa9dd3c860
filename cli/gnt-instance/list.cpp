// gnt-instance list: Query "instance" as a table (Ganeti's default
// columns Instance Hypervisor OS Primary_node Status Memory).
#include <iostream>
#include <sstream>

#include "cli/common/query_table.h"
#include "cli/gnt-instance/commands.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

const std::vector<std::string> kDefaultFields = {"name", "hypervisor", "os",
                                                 "pnode", "status",    "oper_ram"};

std::vector<std::string> fieldsFrom(const std::string& text) {
  std::vector<std::string> fields;
  std::string list = text;
  if (!list.empty() && list[0] == '+') {
    fields = kDefaultFields;
    list = list.substr(1);
  }
  std::stringstream ss(list);
  std::string f;
  while (std::getline(ss, f, ',')) {
    if (!f.empty()) fields.push_back(f);
  }
  return fields;
}

}  // namespace

int list(const Invocation& inv) {
  const auto& o = inv.options;
  const auto fields = o.value("output") ? fieldsFrom(*o.value("output")) : kDefaultFields;
  Json filter = nullptr;
  if (!o.args.empty()) {
    filter = Json::array({"|"});
    for (const auto& name : o.args) filter.push_back(Json::array({"=", "name", name}));
  }
  auto client = connectMaster();
  const Json result = client.query("instance", fields, filter);
  ListOptions lo;
  lo.headers = !o.flag("no_headers");
  if (auto sep = o.value("separator")) {
    lo.separator = *sep;
    lo.unit = 'm';
  }
  if (auto units = o.value("units")) lo.unit = (*units)[0];
  std::vector<std::string> unknown;
  for (const auto& line : formatQueryResult(result, lo, unknown)) std::cout << line << "\n";
  if (!unknown.empty()) {
    std::string names;
    for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
    std::cerr << "Warning: Queried for unknown fields " << names << "\n";
    return 14;
  }
  return 0;
}

}  // namespace gantry::cli::instance
