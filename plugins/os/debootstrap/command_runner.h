// The commands an install runs, through the host (argv vectors, never a
// shell line), each one's output kept for the job log, a failure being an
// error that names the command and quotes the end of what it printed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::os_debootstrap {

/// A command's output without its trailing newlines and spaces (a device
/// name, a UUID).
std::string trimmedOutput(std::string text);

class CommandRunner {
 public:
  explicit CommandRunner(sdk::Host& host) : host_(host) {}

  /// Runs `argv`; its standard output on success.
  sdk::Result<std::string> run(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout = std::chrono::minutes(5),
                               const std::string& stdinData = "");
  /// As run, for clean-ups: a failure is logged, not returned.
  void runQuietly(const std::vector<std::string>& argv);

  /// Everything the commands printed, each preceded by its command line.
  const std::string& transcript() const { return transcript_; }

 private:
  sdk::Host& host_;
  std::string transcript_;
};

}  // namespace gantry::plugins::os_debootstrap
