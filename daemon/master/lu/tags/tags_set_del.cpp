// OP_TAGS_SET and OP_TAGS_DEL: add tags to, or remove them from, the
// cluster, a node, an instance, a node group or a network, with Ganeti's
// checks: every tag valid, at most 4096 per object, removed tags present.
#include <algorithm>
#include <set>

#include "core/config/store.h"
#include "core/luxi/errors.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/tags.h"

namespace gantry::daemon::master {
namespace {
using core::config::StoreOp;
using nlohmann::json;

class LuTags : public LogicalUnit {
 public:
  LuTags(const core::opcodes::Opcode& op, MasterServices& services, core::jobs::OpContext& ctx,
         bool add)
      : LogicalUnit(op, services, ctx), add_(add) {}

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    kind_ = op.getString("kind");
    const std::string name = op.optString("name").value_or("");
    pointer_ = tagsPointer(doc_, kind_, name);
    const auto current = objectTags(doc_, kind_, name);
    tags_ = std::set<std::string>(current.begin(), current.end());
    for (const auto& tag : op.get("tags")) {
      const std::string text = tag.get<std::string>();
      if (add_) validateTag(text);
      wanted_.insert(text);
    }
    if (add_) {
      std::set<std::string> all = tags_;
      all.insert(wanted_.begin(), wanted_.end());
      if (all.size() > kMaxTagsPerObject) {
        throw core::luxi::EncodedError(
            "TagError", json::array({"Too many tags (limit " +
                                     std::to_string(kMaxTagsPerObject) + " per object)"}));
      }
      return;
    }
    std::string missing;
    for (const auto& tag : wanted_) {
      if (!tags_.count(tag)) missing += (missing.empty() ? "'" : ", '") + tag + "'";
    }
    if (!missing.empty()) {
      throw PrereqError("Tag(s) " + missing + " not found", sdk::ErrorCode::kNotFound);
    }
  }

  json exec() override {
    for (const auto& tag : wanted_) {
      if (add_) {
        tags_.insert(tag);
      } else {
        tags_.erase(tag);
      }
    }
    core::config::StoreChange change = {
        StoreOp::put(pointer_, json(std::vector<std::string>(tags_.begin(), tags_.end())))};
    if (kind_ == "cluster") bumpCluster(doc_, change, nowSeconds());
    commitAndDistribute(services, change, feedback);
    return nullptr;
  }

 private:
  bool add_;
  json doc_;
  std::string kind_, pointer_;
  std::set<std::string> tags_, wanted_;
};

}  // namespace

void registerTags() {
  registerLogicalUnit("OP_TAGS_SET", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTags>(op, services, ctx, true);
  });
  registerLogicalUnit("OP_TAGS_DEL", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTags>(op, services, ctx, false);
  });
}

}  // namespace gantry::daemon::master
