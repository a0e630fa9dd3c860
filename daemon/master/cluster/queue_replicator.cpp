#include "daemon/master/cluster/queue_replicator.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "core/jobs/queue_dir.h"
#include "core/rpc/node_files.h"
#include "core/rpc/small_file.h"
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
// A job file is a few kilobytes; one with a very long log stays far below.
constexpr std::size_t kMaxQueueFileBytes = 64u << 20;

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

std::set<std::string> QueueReplicator::copyWholeQueue(
    std::vector<core::rpc::NodeTarget> targets) {
  const core::jobs::QueueDir queue(core::rpc::queueDir(services_.paths.dataDir));
  std::vector<std::string> names = {"serial"};
  for (core::jobs::JobId id : queue.liveJobIds()) {
    names.push_back(queue.liveJobFile(id).filename().string());
  }
  for (const auto& name : names) {
    if (targets.empty()) break;
    auto content = core::rpc::readSmallFile(queue.root() / name, kMaxQueueFileBytes);
    if (!content) continue;  // archived meanwhile: the next round says so
    std::set<std::string> failed;
    for (const auto& reply : callNodes(services_, targets, "jobqueue_update",
                                       {{"name", name}, {"content", *content}}, kCallTimeout)) {
      if (reply.ok) continue;
      failed.insert(reply.node);
      services_.log(sdk::LogLevel::kWarning,
                    "Job queue replication to " + reply.node +
                        " skipped (copy of the whole queue, at " + name + "): " + reply.msg);
    }
    std::erase_if(targets, [&](const auto& t) { return failed.count(t.name) > 0; });
  }
  std::set<std::string> copied;
  for (const auto& target : targets) {
    copied.insert(target.name);
    services_.log(sdk::LogLevel::kInfo, "Copied the job queue (" +
                                            std::to_string(names.size() - 1) +
                                            " live jobs) to master candidate " + target.name);
  }
  return copied;
}

void QueueReplicator::send(const std::map<std::string, std::string>& updates,
                           const std::vector<std::pair<std::string, std::string>>& renames) {
  std::vector<core::rpc::NodeTarget> targets = candidateTargets(services_);
  // Nodes no longer candidates must be copied afresh should they return.
  std::erase_if(in_step_, [&](const std::string& name) {
    return std::none_of(targets.begin(), targets.end(),
                        [&](const auto& t) { return t.name == name; });
  });
  std::vector<core::rpc::NodeTarget> behind;
  for (const auto& target : targets) {
    if (!in_step_.count(target.name)) behind.push_back(target);
  }
  if (!behind.empty()) {
    const std::set<std::string> copied = copyWholeQueue(behind);
    in_step_.insert(copied.begin(), copied.end());
    std::erase_if(targets, [&](const auto& t) { return !in_step_.count(t.name); });
  }
  auto dropFailed = [&](const std::vector<core::rpc::NodeReply>& replies,
                        const std::string& what) {
    std::set<std::string> failed;
    for (const auto& reply : replies) {
      // A job file the candidate never had (it became candidate later)
      // is no reason to stop sending to it.
      if (reply.ok || reply.code == sdk::ErrorCode::kNotFound) continue;
      failed.insert(reply.node);
      in_step_.erase(reply.node);  // it missed this change: copy it all again
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
