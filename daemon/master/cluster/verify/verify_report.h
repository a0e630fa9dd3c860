// How cluster verify reports a finding (Ganeti's LUClusterVerify _Error):
// "  - ERROR: node node3: <msg>" or, with error_codes,
// "  - ERROR:ENODENET:node:node3:<msg>"; codes listed in ignore_errors are
// demoted to WARNING. Any ERROR makes the opcode's result false.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master::verify {

/// The object type Ganeti's descriptor gives `code` ("cluster", "node",
/// "instance", "group"); empty for an unknown code.
std::string errorCodeObjectType(const std::string& code);

class Reporter {
 public:
  using Sink = std::function<void(const std::string&)>;
  /// Reads error_codes and ignore_errors from the opcode; lines go to
  /// `sink` (a job's feedback).
  Reporter(const core::opcodes::Opcode& op, Sink sink);
  Reporter(const core::opcodes::Opcode& op, Feedback& feedback)
      : Reporter(op, [&feedback](const std::string& line) { feedback.message(line); }) {}

  /// An ERROR (or WARNING when `warning` or ignored). An empty `object`
  /// is a cluster-level item: nothing by default, "None" with error codes.
  void error(const std::string& code, const std::string& object, const std::string& message,
             bool warning = false);

  /// True until an ERROR was reported.
  bool ok() const { return ok_; }

 private:
  Sink sink_;
  bool errorCodes_ = false;
  std::set<std::string> ignored_;
  bool ok_ = true;
};

}  // namespace gantry::daemon::master::verify
