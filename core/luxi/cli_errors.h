// How the gnt-* tools report an error (Ganeti's lib/cli.py FormatError):
// the text printed on stderr and the exit code, chosen by the error's
// class in Ganeti's hierarchy.
#pragma once

#include <string>

#include "core/luxi/errors.h"

namespace gantry::core::luxi {

struct CliErrorText {
  int exitCode = 1;
  std::string text;  // no trailing newline
};

/// Examples:
///   OpPrereqError(msg, ecode) -> "Failure: prerequisites not met for this
///     operation:\nerror type: <ecode>, error details:\n<msg>"
///   OpExecError -> "Failure: command execution error:\n<msg>"
///   JobQueueFull -> "Failure: the job queue is full and doesn't accept new
///     job submissions until old jobs are archived"
///   ParameterError -> "Failure: unknown/wrong parameter name '<msg>'"
///   NoMasterError -> "Cannot communicate with the master daemon.\nIs the
///     process running and listening for connections?"
///   ConfigurationError -> "Corrupt configuration file: <msg>\nAborting."
///     (exit code 2)
///   other GenericError subclasses -> "Unhandled Ganeti error: <msg>"
/// Every exit code is 1 except ConfigurationError's 2.
CliErrorText formatCliError(const EncodedError& error);

}  // namespace gantry::core::luxi
