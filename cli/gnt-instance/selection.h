// Commands that act on many instances (startup, shutdown, reboot,
// reinstall): Ganeti's selection modes (--instance, the default; --node,
// --primary, --secondary, --all, --tags, --node-tags, --pri-node-tags,
// --sec-node-tags), the ConfirmOperation question when more than one
// instance or a mode other than --instance is used, and the JobExecutor
// that submits one job per instance and waits for each in turn.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli::instance {

/// The selection options and --force-multiple.
std::vector<OptionSpec> selectionOptions();

/// The instances the invocation selects, in name order. Throws Ganeti's
/// prerequisite errors ("No instance names passed", ...).
std::vector<std::string> selectInstances(core::luxi::Client& client, const Invocation& inv);

/// Ganeti's GenericManyOps: selects, asks "The <operation> will operate on
/// <n> instances." when several are selected (unless --force-multiple),
/// runs one job per instance built by `opcodeFor`; exit code 1 if any job
/// failed or the operator said no.
int forEachSelectedInstance(const Invocation& inv, const std::string& operation,
                            const std::function<core::luxi::Json(const std::string&)>& opcodeFor);

/// Whether the selection is "many" in Ganeti's sense: another mode than
/// --instance, or more than one instance.
bool isMultiSelection(const Invocation& inv, const std::vector<std::string>& names);

/// Ganeti's JobExecutor: one job per instance. For a single instance the
/// job is waited for as any command's; for many, every job is submitted
/// at once ("Submitted jobs ..."), then each waited for ("Waiting for job
/// <id> for <instance> ..."), failures reported on stderr. Returns the
/// exit code.
int runInstanceJobs(core::luxi::Client& client, const Invocation& inv,
                    const std::vector<std::string>& names,
                    const std::function<core::luxi::Json(const std::string&)>& opcodeFor);

/// Ganeti's ConfirmOperation question and answer.
bool confirmOperation(const std::vector<std::string>& names, const std::string& listType,
                      const std::string& operation, const std::string& extra = "");

}  // namespace gantry::cli::instance
