#include "cli/common/list_command.h"

#include <iostream>
#include <sstream>

#include "cli/common/query_table.h"

namespace gantry::cli {
using core::luxi::Json;

std::vector<std::string> splitFieldList(const std::string& text,
                                        const std::vector<std::string>& defaults) {
  std::vector<std::string> fields;
  std::string list = text;
  if (!list.empty() && list[0] == '+') {
    fields = defaults;
    list = list.substr(1);
  }
  std::stringstream ss(list);
  std::string f;
  while (std::getline(ss, f, ',')) {
    if (!f.empty()) fields.push_back(f);
  }
  return fields;
}

std::vector<OptionSpec> listOptions() {
  return {
      {"-o", "--output", "output", true, "FIELDS", "Select output fields", {}},
      {"", "--no-headers", "no_headers", false, "", "Don't display column headers", {}},
      {"", "--separator", "separator", true, "SEPARATOR", "Separator between output fields", {}},
      {"", "--units", "units", true, "UNITS", "Specify units for output", {"h", "m", "g", "t"}},
  };
}

int listResource(const Invocation& inv, std::string_view resource,
                 const std::vector<std::string>& defaultFields) {
  const auto& o = inv.options;
  const auto fields = o.value("output") ? splitFieldList(*o.value("output"), defaultFields)
                                        : defaultFields;
  Json filter = nullptr;
  if (!o.args.empty()) {
    filter = Json::array({"|"});
    for (const auto& name : o.args) filter.push_back(Json::array({"=", "name", name}));
  }
  auto client = connectMaster();
  const Json result = client.query(resource, fields, filter);
  ListOptions lo;
  lo.headers = !o.flag("no_headers");
  if (auto sep = o.value("separator")) {
    lo.separator = *sep;
    lo.unit = 'm';
  }
  if (auto units = o.value("units")) lo.unit = (*units)[0];
  std::vector<std::string> unknown;
  // One write for the whole table, not one per line.
  std::string text;
  for (const auto& line : formatQueryResult(result, lo, unknown)) {
    text += line;
    text += '\n';
  }
  std::cout << text;
  if (!unknown.empty()) {
    std::string names;
    for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
    std::cerr << "Warning: Queried for unknown fields " << names << "\n";
    return 14;
  }
  return 0;
}

}  // namespace gantry::cli
