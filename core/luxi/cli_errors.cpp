#include "core/luxi/cli_errors.h"

namespace gantry::core::luxi {
namespace {

std::string rstripNewlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string argStr(const EncodedError& error, std::size_t index) {
  const Json& args = error.args();
  return index < args.size() ? pythonStr(args[index]) : std::string();
}

std::string hooksAbortText(const EncodedError& error) {
  std::string out = "Failure: hooks execution failed:\n";
  const Json& args = error.args();
  if (!args.empty() && args[0].is_array()) {
    for (const auto& entry : args[0]) {
      if (!entry.is_array() || entry.size() != 3) continue;
      std::string node = pythonStr(entry[0]);
      std::string script = pythonStr(entry[1]);
      bool hasOutput = !(entry[2].is_null() ||
                         (entry[2].is_string() &&
                           entry[2].get_ref<const std::string&>().empty()) ||
                         (entry[2].is_boolean() && !entry[2].get<bool>()));
      if (hasOutput) {
        out += "  node: " + node + ", script: " + script +
               ", output: " + pythonStr(entry[2]) + "\n";
      } else {
        out += "  node: " + node + ", script: " + script + " (no output)\n";
      }
    }
  }
  return out;
}

}  // namespace

CliErrorText formatCliError(const EncodedError& error) {
  const std::string msg = error.what();
  CliErrorText out;
  std::string text;
  // Same order as Ganeti's isinstance chain: subclasses before parents.
  if (error.isA("ConfigurationError")) {
    text = "Corrupt configuration file: " + msg + "\nAborting.";
    out.exitCode = 2;
  } else if (error.isA("HooksAbort")) {
    text = hooksAbortText(error);
  } else if (error.isA("HooksFailure")) {
    text = "Failure: hooks general failure: " + msg;
  } else if (error.isA("ResolverError")) {
    text = "Failure: can't resolve hostname '" + argStr(error, 0) + "'";
  } else if (error.isA("OpPrereqError")) {
    if (error.args().size() == 2) {
      text =
          "Failure: prerequisites not met for this operation:\nerror type: " +
          argStr(error, 1) + ", error details:\n" + argStr(error, 0);
    } else {
      text = "Failure: prerequisites not met for this operation:\n" + msg;
    }
  } else if (error.isA("OpExecError")) {
    text = "Failure: command execution error:\n" + msg;
  } else if (error.isA("TagError")) {
    text = "Failure: invalid tag(s) given:\n" + msg;
  } else if (error.isA("JobQueueDrainError")) {
    text =
        "Failure: the job queue is marked for drain and doesn't accept new "
        "requests";
  } else if (error.isA("JobQueueFull")) {
    text =
        "Failure: the job queue is full and doesn't accept new job "
        "submissions until old jobs are archived";
  } else if (error.isA("TypeEnforcementError")) {
    text = "Parameter Error: " + msg;
  } else if (error.isA("ParameterError")) {
    text = "Failure: unknown/wrong parameter name '" + msg + "'";
  } else if (error.isA("NoMasterError")) {
    text =
        "Cannot communicate with the master daemon.\nIs the process running "
        "and listening for connections?";
  } else if (error.isA("TimeoutError")) {
    text =
        "Timeout while talking to the master daemon. Jobs might have been "
        "submitted and will continue to run even if the call timed out. "
        "Useful commands in this situation are \"gnt-job list\", \"gnt-job "
        "cancel\" and \"gnt-job watch\". Error:\n" +
        msg;
  } else if (error.isA("PermissionError")) {
    text =
        "It seems you don't have permissions to connect to the master "
        "daemon.\nPlease retry as a different user.";
  } else if (error.isA("ProtocolError")) {
    text = "Unhandled protocol error while talking to the master daemon:\n" +
           msg;
  } else if (error.isA("JobLost")) {
    text = "Error checking job status: " + msg;
  } else if (error.isA("QueryFilterParseError")) {
    text = "Error while parsing query filter: " + argStr(error, 0) + "\n";
    const Json& args = error.args();
    if (args.size() >= 2 && args[1].is_array()) {
      bool first = true;
      for (const auto& line : args[1]) {
        if (!first) text += "\n";
        first = false;
        text += pythonStr(line);
      }
    }
  } else if (error.isA("GenericError")) {
    text = "Unhandled Ganeti error: " + msg;
  } else {
    text = "Unhandled exception: " + msg;
  }
  out.text = rstripNewlines(std::move(text));
  return out;
}

}  // namespace gantry::core::luxi
