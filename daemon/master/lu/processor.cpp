#include "daemon/master/lu/processor.h"

#include <chrono>
#include <optional>

#include "core/config/store.h"
#include "core/locking/cancel_token.h"
#include "core/locking/lock_manager.h"
#include "core/luxi/errors.h"
#include "core/opcodes/implemented.h"
#include "core/opcodes/opcode.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/hooks_runner.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {

using core::jobs::OpResult;
using core::locking::Level;
using core::locking::LockStatus;
using core::locking::Mode;

// Ganeti's hooks timeout per script.
constexpr std::chrono::seconds kHookTimeout{3600};
// How long the master waits for a node's hooks of one phase.
constexpr std::chrono::seconds kHookRpcTimeout{900};

OpResult prereqFailure(const std::string& message, sdk::ErrorCode code) {
  return OpResult::error(
      core::luxi::opPrereqError(message, sdk::errorCodeName(code)).encode());
}

OpResult execFailure(const std::string& message) {
  return OpResult::error(core::luxi::opExecError(message).encode());
}

// Releases everything the owner holds, however the opcode ends.
struct LockGuard {
  core::locking::LockManager* locks;
  std::string owner;
  ~LockGuard() {
    if (locks != nullptr) locks->releaseAll(owner);
  }
};

std::string configValue(const MasterServices& services, const char* pointer) {
  if (services.config == nullptr) return "";
  try {
    auto value = services.config->get(pointer);
    return value.is_string() ? value.get<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

HooksEnvInput hooksInputFor(const LogicalUnit& lu, const core::opcodes::Opcode& op,
                            const MasterServices& services) {
  HooksEnvInput input;
  input.hooksPath = lu.hooksPath();
  input.opId = op.id();
  input.objectType = lu.hooksObjectType();
  input.cluster = configValue(services, "/cluster/cluster_name");
  input.master = masterNodeName(services);
  input.dataDir = services.paths.dataDir.string();
  input.luEnv = lu.hooksEnv();
  return input;
}

// Runs one phase on the nodes named (Ganeti's hooks_runner RPC); offline
// nodes are skipped, one that cannot be reached is warned about. Without
// a cluster (no RPC yet) the master's own hooks run here.
std::vector<HookResult> runHooksOnNodes(MasterServices& services,
                                        const std::vector<std::string>& nodes,
                                        const HooksEnvInput& input, Feedback feedback) {
  HooksRequest request{services.hooksDir(), input.hooksPath, input.phase,
                       hooksEnvironment(input), kHookTimeout};
  if (services.rpc == nullptr || services.config == nullptr) {
    auto results = runHooks(request);
    for (auto& r : results) r.node = input.master;
    return results;
  }
  std::vector<core::rpc::NodeTarget> targets;
  services.config->read([&](const nlohmann::json& doc) {
    const auto found = doc.find("nodes");
    if (found == doc.end() || !found->is_object()) return;
    for (const auto& name : nodes) {
      for (const auto& [uuid, node] : found->items()) {
        if (node.value("name", "") != name) continue;
        if (!node.value("offline", false)) targets.push_back(nodeTarget(services, node));
      }
    }
  });
  const nlohmann::json args = {
      {"hpath", request.hooksPath}, {"phase", request.phase}, {"env", request.env}};
  std::vector<HookResult> results;
  for (const auto& reply : callReachableNodes(services, targets, "hooks_runner", args, kHookRpcTimeout)) {
    if (!reply.ok) {
      feedback.warning("Communication failure to node " + reply.node + ": " + reply.msg);
      continue;
    }
    for (const auto& entry : reply.result) {
      if (!entry.is_array() || entry.size() != 3 || !entry[0].is_string() ||
          !entry[1].is_number_integer() || !entry[2].is_string()) {
        feedback.warning("Node " + reply.node + " answered hooks_runner with " + entry.dump());
        continue;
      }
      HookResult r;
      r.node = reply.node;
      r.script = entry[0].get<std::string>();
      r.status = static_cast<HookResult::Status>(entry[1].get<int>());
      r.output = entry[2].get<std::string>();
      results.push_back(std::move(r));
    }
  }
  return results;
}

// A failing pre hook stops the opcode before it changes anything, with
// Ganeti's HooksAbort listing (node, script, output) of each failure.
std::optional<OpResult> runPreHooks(MasterServices& services, HooksEnvInput& input,
                                    const std::vector<std::string>& nodes,
                                    core::jobs::OpContext& ctx) {
  input.phase = "pre";
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& r : runHooksOnNodes(services, nodes, input, Feedback(ctx))) {
    if (r.status == HookResult::Status::kFailed) failures.push_back({r.node, r.script, r.output});
  }
  if (failures.empty()) return std::nullopt;
  return OpResult::error(
      core::luxi::EncodedError("HooksAbort", nlohmann::json::array({failures})).encode());
}

// A failed post hook cannot undo the change: Ganeti warns and goes on.
std::vector<HookResult> runPostHooks(MasterServices& services, HooksEnvInput& input,
                                     const std::vector<std::string>& nodes,
                                     core::jobs::OpContext& ctx) {
  input.phase = "post";
  auto results = runHooksOnNodes(services, nodes, input, Feedback(ctx));
  for (const auto& r : results) {
    if (r.status != HookResult::Status::kFailed) continue;
    Feedback(ctx).warning("On " + r.node + " script " + r.script + " failed, output: " +
                          (r.output.empty() ? "(no output)" : r.output));
  }
  return results;
}

}  // namespace

Processor::Processor(MasterServices& services) : services_(services) {
  watcher_ = std::thread([this] { watchLoop(); });
}

Processor::~Processor() {
  {
    std::lock_guard lock(watchMutex_);
    stopping_ = true;
  }
  watchCv_.notify_all();
  watcher_.join();
}

void Processor::watchLoop() {
  std::unique_lock lock(watchMutex_);
  while (!stopping_) {
    for (const auto& w : watched_) {
      if (w.context->cancelRequested()) w.token->cancel();
    }
    watchCv_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

OpResult Processor::run(const nlohmann::json& input, core::jobs::OpContext& ctx) {
  auto parsed = core::opcodes::parseOpcode(input);
  if (!parsed.ok()) return prereqFailure(parsed.error().message, parsed.error().code);
  const core::opcodes::Opcode& op = *parsed;
  const LuFactory* factory = findLogicalUnit(op.id());
  if (factory == nullptr) {
    return prereqFailure(core::opcodes::notImplementedMessage(op.id()),
                         sdk::ErrorCode::kInvalid);
  }

  core::locking::CancelToken token;
  {
    std::lock_guard lock(watchMutex_);
    watched_.insert({&ctx, &token});
  }
  struct Unwatch {
    Processor* self;
    core::locking::CancelToken* token;
    ~Unwatch() {
      std::lock_guard lock(self->watchMutex_);
      self->watched_.erase({nullptr, token});
    }
  } unwatch{this, &token};

  const std::string owner = "job-" + std::to_string(ctx.jobId()) + "/" +
                            std::to_string(ctx.opIndex());
  LockGuard guard{services_.locks, owner};
  try {
    auto lu = (*factory)(op, services_, ctx);
    lu->expandNames();

    if (services_.locks != nullptr) {
      core::locking::AcquireOptions options;
      options.priority = ctx.priority();
      options.cancel = &token;
      auto status = services_.locks->acquire(
          owner, Level::kCluster, {std::string(core::locking::kBglName)},
          lu->requiresBgl() ? Mode::kExclusive : Mode::kShared, options);
      for (Level level : core::locking::kAllLevels) {
        if (status != LockStatus::kOk) break;
        if (level == Level::kCluster) continue;
        lu->declareLocks(level);
        auto need = lu->neededLocks.find(level);
        if (need == lu->neededLocks.end()) continue;
        status = need->second.all
                     ? services_.locks->acquireAll(owner, level, need->second.mode, options)
                     : services_.locks->acquire(owner, level, need->second.names,
                                                need->second.mode, options);
      }
      if (status == LockStatus::kCancelled) return OpResult::canceled();
      if (status != LockStatus::kOk) {
        return prereqFailure("Cannot acquire the locks of " + op.id() + ": " +
                                 std::string(core::locking::lockStatusName(status)),
                             sdk::ErrorCode::kNotFound);
      }
    }
    if (!ctx.markRunning()) return OpResult::canceled();
    ctx.setCancellable(lu->cancellableWhileRunning());

    lu->checkPrereq();

    const bool hooks = !lu->hooksPath().empty();
    HooksEnvInput hooksInput;
    if (hooks) {
      hooksInput = hooksInputFor(*lu, op, services_);
      if (auto abort = runPreHooks(services_, hooksInput, lu->hooksNodes().pre, ctx)) {
        return *abort;
      }
    }

    if (op.dryRun()) {
      Feedback(ctx).info("dry-run mode requested, not actually executing the operation");
      return OpResult::success(nullptr);
    }

    nlohmann::json result = lu->exec();

    if (hooks) {
      hooksInput.postEnv = lu->hooksEnv();
      result = lu->postHooksCallBack(
          runPostHooks(services_, hooksInput, lu->hooksNodes().post, ctx), std::move(result));
    }
    if (!lu->jobsToSubmit.empty()) {
      // Ganeti's ResultWithJobs: submitted once the opcode succeeded, their
      // ids under "jobs" beside whatever else the result holds.
      if (result.is_null()) result = nlohmann::json::object();
      result["jobs"] = ctx.submitJobs(lu->jobsToSubmit);
    }
    return OpResult::success(std::move(result));
  } catch (const CanceledError&) {
    return OpResult::canceled();
  } catch (const PrereqError& e) {
    return prereqFailure(e.what(), e.code());
  } catch (const ExecError& e) {
    return execFailure(e.what());
  } catch (const core::luxi::EncodedError& e) {
    return OpResult::error(e.encode());
  } catch (const std::exception& e) {
    return execFailure(e.what());
  }
}

}  // namespace gantry::daemon::master
