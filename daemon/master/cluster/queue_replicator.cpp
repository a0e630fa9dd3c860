#include "daemon/master/cluster/queue_replicator.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

// Online master candidates other than the master itself.
std::vector<core::rpc::NodeTarget> candidateTargets(MasterServices& services) {
  std::vector<core::rpc::NodeTarget> targets;
  if (services.config == nullptr) return targets;
  services.config->read([&](const json& doc) {
    const std::string master = doc.value("/cluster/master_node"_json_pointer, "");
    for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
      if (uuid == master || node.value("offline", false) ||
          !node.value("master_candidate", false)) {
        continue;
      }
      targets.push_back(nodeTarget(services, node));
    }
  });
  return targets;
}

constexpr std::chrono::seconds kCallTimeout{5};

}  // namespace

QueueReplicator::QueueReplicator(MasterServices& services) : services_(services) {
  thread_ = std::thread([this] { run(); });
}

QueueReplicator::~QueueReplicator() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueueReplicator::add(core::jobs::DurableQueueChanges changes) {
  {
    std::lock_guard lk(mu_);
    for (auto& [name, content] : changes.updates) updates_[name] = std::move(content);
    for (auto& rename : changes.renames) renames_.push_back(std::move(rename));
  }
  cv_.notify_one();
}

void QueueReplicator::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return stop_ || !updates_.empty() || !renames_.empty(); });
    if (updates_.empty() && renames_.empty()) return;  // stopping, nothing left
    std::map<std::string, std::string> updates;
    std::vector<std::pair<std::string, std::string>> renames;
    updates.swap(updates_);
    renames.swap(renames_);
    lk.unlock();
    send(updates, renames);
    lk.lock();
  }
}

void QueueReplicator::send(const std::map<std::string, std::string>& updates,
                           const std::vector<std::pair<std::string, std::string>>& renames) {
  std::vector<core::rpc::NodeTarget> targets = candidateTargets(services_);
  auto dropFailed = [&](const std::vector<core::rpc::NodeReply>& replies,
                        const std::string& what) {
    std::set<std::string> failed;
    for (const auto& reply : replies) {
      // A job file the candidate never had (it became candidate later)
      // is no reason to stop sending to it.
      if (reply.ok || reply.code == sdk::ErrorCode::kNotFound) continue;
      failed.insert(reply.node);
      services_.log(sdk::LogLevel::kWarning, "Job queue replication to " + reply.node +
                                                 " skipped (" + what + "): " + reply.msg);
    }
    std::erase_if(targets, [&](const auto& t) { return failed.count(t.name) > 0; });
  };
  // Updates first: a file renamed in this round was written before.
  for (const auto& [name, content] : updates) {
    if (targets.empty()) return;
    dropFailed(callNodes(services_, targets, "jobqueue_update",
                         {{"name", name}, {"content", content}}, kCallTimeout),
               name);
  }
  for (const auto& [from, to] : renames) {
    if (targets.empty()) return;
    dropFailed(callNodes(services_, targets, "jobqueue_rename",
                         {{"renames", json::array({json::array({from, to})})}}, kCallTimeout),
               "archive of " + from);
  }
}

}  // namespace gantry::daemon::master
