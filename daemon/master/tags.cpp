#include "daemon/master/tags.h"

#include <algorithm>
#include <map>
#include <regex>

#include "core/cluster/json_access.h"
#include "core/config/store_change.h"
#include "core/luxi/errors.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

struct KindInfo {
  const char* collection;  // top-level member holding the objects
  const char* title;       // for "... not known"
};

const KindInfo* kindInfo(const std::string& kind) {
  static const std::map<std::string, KindInfo> kinds = {
      {"node", {"nodes", "Node"}},
      {"instance", {"instances", "Instance"}},
      {"nodegroup", {"nodegroups", "Node group"}},
      {"network", {"networks", "Network"}}};
  auto it = kinds.find(kind);
  return it == kinds.end() ? nullptr : &it->second;
}

}  // namespace

std::string tagsPointer(const json& doc, const std::string& kind, const std::string& name) {
  if (kind == "cluster") return "/cluster/tags";
  const KindInfo* info = kindInfo(kind);
  if (info == nullptr) {
    throw PrereqError("Wrong tag type requested (" + kind + ")", sdk::ErrorCode::kInvalid);
  }
  for (const auto& [uuid, object] : core::cluster::objectMember(doc, info->collection).items()) {
    if (object.value("name", "") == name) {
      return core::config::jsonPointer({info->collection, uuid, "tags"});
    }
  }
  throw PrereqError(std::string(info->title) + " '" + name + "' not known",
                    sdk::ErrorCode::kNotFound);
}

std::vector<std::string> objectTags(const json& doc, const std::string& kind,
                                    const std::string& name) {
  const json tags = doc.value(json::json_pointer(tagsPointer(doc, kind, name)), json::array());
  std::vector<std::string> out;
  for (const auto& tag : tags) {
    if (tag.is_string()) out.push_back(tag.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void validateTag(const std::string& tag) {
  auto fail = [](const std::string& message) {
    throw core::luxi::EncodedError("TagError", json::array({message}));
  };
  if (tag.size() > 128) fail("Tag too long (>128 characters)");
  if (tag.empty()) fail("Tags cannot be empty");
  static const std::regex kValid("^[\\w.+*/:@-]+$");
  if (!std::regex_match(tag, kValid)) fail("Tag contains invalid characters");
}

}  // namespace gantry::daemon::master
