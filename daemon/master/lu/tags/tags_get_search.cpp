// OP_TAGS_GET and OP_TAGS_SEARCH (Ganeti's LUTagsGet and LUTagsSearch):
// the tags of one object, and every tag of every object that matches a
// regular expression, as [path, tag] pairs with Ganeti's paths (/cluster,
// /instances/NAME, /nodes/NAME, /nodegroup/NAME, /network/NAME). Both
// only read the config.
#include <regex>
#include <string_view>

#include "core/config/store.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/tags.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuTagsGet : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    const auto snapshot = services.config->document();
    tags_ = objectTags(*snapshot, op.getString("kind"), op.optString("name").value_or(""));
  }

  json exec() override { return tags_; }

 private:
  std::vector<std::string> tags_;
};

class LuTagsSearch : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    const std::string pattern = op.getString("pattern");
    // Ganeti compiles the pattern with Python's re; std::regex reads the
    // ECMAScript dialect, which shares what tag searches use (classes,
    // anchors, alternation, repeats). Python's leading "(?i)" is read as
    // the ignore-case flag; its other extensions are refused as invalid.
    std::string_view body = pattern;
    auto flags = std::regex::ECMAScript;
    if (body.starts_with("(?i)")) {
      body.remove_prefix(4);
      flags |= std::regex::icase;
    }
    try {
      pattern_ = std::regex(std::string(body), flags);
    } catch (const std::regex_error& e) {
      throw PrereqError("Invalid search pattern '" + pattern + "': " + e.what(),
                        sdk::ErrorCode::kInvalid);
    }
  }

  json exec() override {
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    json results = json::array();
    auto search = [&](const std::string& path, const json& object) {
      if (!object.is_object() || !object.contains("tags") || !object["tags"].is_array()) return;
      for (const auto& tag : object["tags"]) {
        if (!tag.is_string()) continue;
        const std::string& text = tag.get_ref<const std::string&>();
        if (std::regex_search(text, pattern_)) results.push_back({path, text});
      }
    };
    search("/cluster", doc.value("cluster", json::object()));
    // Ganeti's order: instances, nodes, node groups, networks.
    for (const auto& [section, prefix] :
         {std::pair{"instances", "/instances/"}, std::pair{"nodes", "/nodes/"},
          std::pair{"nodegroups", "/nodegroup/"}, std::pair{"networks", "/network/"}}) {
      if (!doc.contains(section) || !doc[section].is_object()) continue;
      for (const auto& [uuid, object] : doc[section].items()) {
        search(prefix + object.value("name", uuid), object);
      }
    }
    return results;
  }

 private:
  std::regex pattern_;
};

}  // namespace

void registerTagsQueries() {
  registerLogicalUnit("OP_TAGS_GET", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTagsGet>(op, services, ctx);
  });
  registerLogicalUnit("OP_TAGS_SEARCH", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTagsSearch>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
