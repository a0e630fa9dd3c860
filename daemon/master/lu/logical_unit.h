// The logical-unit framework: every opcode is executed by one logical unit
// that goes through Ganeti's phases — expand names and declare locks,
// acquire them (level by level, names sorted), check prerequisites, pre
// hooks, execute, post hooks. dry_run stops after the pre hooks.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/op_runner.h"
#include "core/locking/levels.h"
#include "core/opcodes/opcode.h"
#include "daemon/master/lu/hooks_runner.h"
#include "daemon/master/master_services.h"
#include "gantry/sdk/result.h"

namespace gantry::daemon::master {

/// Ganeti's OpPrereqError: the opcode cannot run as asked; nothing changed.
class PrereqError : public std::runtime_error {
 public:
  PrereqError(const std::string& message, sdk::ErrorCode code = sdk::ErrorCode::kInvalid)
      : std::runtime_error(message), code_(code) {}
  sdk::ErrorCode code() const { return code_; }

 private:
  sdk::ErrorCode code_;
};

/// Ganeti's OpExecError: the opcode failed while executing.
class ExecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by a running logical unit that stopped because its job was
/// canceled (only those that declared themselves cancellable).
class CanceledError : public std::runtime_error {
 public:
  CanceledError() : std::runtime_error("Job canceled by request") {}
};

/// The locks a logical unit needs at one level.
struct LockNeed {
  bool all = false;                 // every lock at the level
  std::vector<std::string> names;   // otherwise these (sorted on acquire)
  core::locking::Mode mode = core::locking::Mode::kExclusive;
};

/// Feedback helpers with the texts the walkthrough shows.
class Feedback {
 public:
  explicit Feedback(core::jobs::OpContext& op) : op_(op) {}
  /// The text as is (steps usually start with "* ").
  void message(const std::string& text);
  /// " - INFO: <text>"
  void info(const std::string& text);
  /// " - WARNING: <text>", then "      Hint: <hint>" if given.
  void warning(const std::string& text, const std::string& hint = "");
  /// "STEP <i>/<n> <text>"
  void step(int current, int total, const std::string& text);

 private:
  core::jobs::OpContext& op_;
};

/// The nodes a logical unit's hooks run on, by name.
struct HooksNodes {
  std::vector<std::string> pre;
  std::vector<std::string> post;
};

class LogicalUnit {
 public:
  LogicalUnit(const core::opcodes::Opcode& opcode, MasterServices& services,
              core::jobs::OpContext& context)
      : op(opcode), services(services), context(context), feedback(context) {}
  virtual ~LogicalUnit() = default;

  /// Whether the Big Ganeti Lock is taken exclusively (Ganeti's REQ_BGL,
  /// true by default) or shared.
  virtual bool requiresBgl() const { return true; }
  /// Resolves names and fills neededLocks for the levels it knows now.
  virtual void expandNames() {}
  /// Called before each level is acquired: may compute that level's locks
  /// from what the previous levels hold.
  virtual void declareLocks(core::locking::Level) {}
  /// Verifies the opcode can run; throws PrereqError. Changes nothing.
  virtual void checkPrereq() {}
  /// The hooks path ("instance-add"); empty: no hooks.
  virtual std::string hooksPath() const { return ""; }
  /// Ganeti's HTYPE ("INSTANCE", "NODE", "CLUSTER", "NODEGROUP", "NETWORK").
  virtual std::string hooksObjectType() const { return ""; }
  /// Ganeti's hook environment, without the GANETI_ prefix.
  virtual std::map<std::string, std::string> hooksEnv() const { return {}; }
  /// Where the hooks run (Ganeti's BuildHooksNodes): node names for the
  /// pre and the post phase. By default the master's, for both.
  virtual HooksNodes hooksNodes() const;
  /// Does the work; the result becomes the opcode's result.
  virtual nlohmann::json exec() = 0;
  /// Ganeti's HooksCallBack: sees the post hooks' results after exec and
  /// returns the opcode's result (cluster verify turns failures into false).
  virtual nlohmann::json postHooksCallBack(const std::vector<HookResult>&,
                                           nlohmann::json result) {
    return result;
  }
  /// A running opcode that can stop early (an interruptible delay).
  virtual bool cancellableWhileRunning() const { return false; }

  std::map<core::locking::Level, LockNeed> neededLocks;
  /// Jobs exec() asks for (Ganeti's ResultWithJobs): submitted after the
  /// post hooks, only if the opcode succeeded; relative depends refer to
  /// jobs of this list. Their [[true, id] | [false, error], ...] answers
  /// appear under "jobs" in the opcode's result (an object).
  std::vector<std::vector<nlohmann::json>> jobsToSubmit;

 protected:
  const core::opcodes::Opcode& op;
  MasterServices& services;
  core::jobs::OpContext& context;
  Feedback feedback;

  /// The master node's name (for hooksNodes()).
  std::string masterNodeName() const;
};

using LuFactory = std::function<std::unique_ptr<LogicalUnit>(
    const core::opcodes::Opcode&, MasterServices&, core::jobs::OpContext&)>;

/// Every logical unit registers itself under its OP_ID (and so marks the
/// opcode implemented).
void registerLogicalUnit(const std::string& opId, LuFactory factory);
const LuFactory* findLogicalUnit(const std::string& opId);
/// Registers all logical units the master has; call once at start.
void registerAllLogicalUnits();

}  // namespace gantry::daemon::master
