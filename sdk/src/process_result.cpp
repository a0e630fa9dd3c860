#include <string>

#include "gantry/sdk/host.h"

namespace gantry::sdk {

std::string ProcessResult::failReason() const {
  if (timedOut) return "timed out";
  if (signal != 0) return "terminated by signal " + std::to_string(signal);
  return "exited with exit code " + std::to_string(exitCode);
}

}  // namespace gantry::sdk
