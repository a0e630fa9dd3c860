// Talking to the master from a gnt-* tool: connecting through the root's
// socket, submitting jobs with the reason trail, waiting for them while
// printing their log lines as they arrive (Ganeti's GenericPollJob), and
// turning every error into Ganeti's text and exit code.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/common/options.h"
#include "core/luxi/client.h"

namespace gantry::cli {

/// The root directory the tools work in: $GANTRY_ROOT or "/".
std::string rootDir();
/// A client connected to the master of this root (throws EncodedError with
/// the "Cannot communicate with the master daemon" text when it is down).
core::luxi::Client connectMaster();

/// Options shared by commands that submit jobs.
std::vector<OptionSpec> submitOptions();  // --submit, --print-jobid, --priority, --dry-run

/// What every submitting command needs to know about the invocation.
struct Invocation {
  std::string binary;   // "gnt-debug"
  std::string command;  // "delay"
  ParsedOptions options;
};

/// Adds the reason trail (`--reason`, then the client element) and the
/// priority and dry-run options to each opcode.
void decorateOpcodes(core::luxi::Json& opcodes, const Invocation& inv);

/// Waits for a job, printing "<ctime> <message>" for each log entry to
/// `out`. Returns the opcode results; throws EncodedError for a failed or
/// canceled job, as Ganeti's clients do.
core::luxi::Json pollJob(core::luxi::Client& client, std::int64_t jobId,
                         std::ostream& out);

/// Submits one job built from `opcodes` and, unless --submit, waits for it.
/// --submit prints "JobID: <id>" on stderr; --print-jobid prints the id on
/// stdout first. Returns the opcode results (null with --submit).
core::luxi::Json submitAndWait(core::luxi::Client& client, core::luxi::Json opcodes,
                               const Invocation& inv, std::ostream& out);

/// Runs `body`, printing any error as the gnt-* tools do; returns the exit
/// code.
int runCommand(const std::function<int()>& body);

}  // namespace gantry::cli
