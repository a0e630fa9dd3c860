#include "cli/common/tag_commands.h"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "core/luxi/errors.h"

namespace gantry::cli {
using core::luxi::Json;

namespace {

// (object name, tags) from the arguments and --from.
std::pair<std::string, std::vector<std::string>> nameAndTags(const Invocation& inv,
                                                             const std::string& kind) {
  std::vector<std::string> args = inv.options.args;
  std::string name;
  if (kind != "cluster") {
    if (args.empty()) throw core::luxi::opPrereqError("No name given", "wrong_input");
    name = args.front();
    args.erase(args.begin());
  }
  if (auto file = inv.options.value("tags_source")) {
    std::ifstream in;
    std::istream* source = &std::cin;
    if (*file != "-") {
      in.open(*file);
      if (!in) {
        throw core::luxi::opPrereqError("Can't read file '" + *file + "'", "environment_error");
      }
      source = &in;
    }
    for (std::string line; std::getline(*source, line);) {
      line.erase(line.find_last_not_of(" \t\r") + 1);
      line.erase(0, line.find_first_not_of(" \t"));
      if (!line.empty()) args.push_back(line);
    }
  }
  return {name, args};
}

int changeTags(const Invocation& inv, const std::string& kind, bool add) {
  auto [name, tags] = nameAndTags(inv, kind);
  if (tags.empty()) {
    throw core::luxi::opPrereqError(add ? "No tags to be added" : "No tags to be removed",
                                    "wrong_input");
  }
  Json op = {{"OP_ID", add ? "OP_TAGS_SET" : "OP_TAGS_DEL"}, {"kind", kind}, {"tags", tags}};
  if (kind != "cluster") op["name"] = name;
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace

int addTags(const Invocation& inv, const std::string& kind) { return changeTags(inv, kind, true); }

int removeTags(const Invocation& inv, const std::string& kind) {
  return changeTags(inv, kind, false);
}

int listTags(const Invocation& inv, const std::string& kind) {
  const std::string name = kind == "cluster" ? "" : inv.options.args.at(0);
  auto client = connectMaster();
  const Json tags = client.queryTags(kind, name);
  std::vector<std::string> sorted;
  for (const auto& tag : tags) sorted.push_back(tag.get<std::string>());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& tag : sorted) std::cout << tag << "\n";
  return 0;
}

int searchTags(const Invocation& inv) {
  Json op = {{"OP_ID", "OP_TAGS_SEARCH"}, {"pattern", inv.options.args.at(0)}};
  auto client = connectMaster();
  const Json found = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (!found.is_array() || found.empty() || !found[0].is_array() || found[0].empty()) return 1;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& pair : found[0]) {
    pairs.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [path, tag] : pairs) std::cout << path << " " << tag << "\n";
  return 0;
}

std::vector<Command> tagCommands(const std::string& kind) {
  const bool named = kind != "cluster";
  const std::string object = named ? "<" + kind + "_name> " : "";
  auto changeOptions = submitOptions();
  changeOptions.push_back({"", "--from", "tags_source", true, "FILE",
                           "File with tag names (one per line, - for stdin)", {}});
  return {
      {"add-tags", {}, object + "tag...", "Add tags to the given " + kind, changeOptions,
       named ? 1 : 0, -1, [kind](const Invocation& inv) { return addTags(inv, kind); }},
      {"list-tags", {}, named ? "<" + kind + "_name>" : "", "List the tags of the given " + kind,
       {}, named ? 1 : 0, named ? 1 : 0,
       [kind](const Invocation& inv) { return listTags(inv, kind); }},
      {"remove-tags", {}, object + "tag...", "Remove tags from the given " + kind,
       changeOptions, named ? 1 : 0, -1,
       [kind](const Invocation& inv) { return removeTags(inv, kind); }},
  };
}

}  // namespace gantry::cli
