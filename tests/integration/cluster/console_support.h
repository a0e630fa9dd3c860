// `gnt-instance console` driven as an operator drives it: the tool runs on
// a pseudo-terminal (its standard input is a tty, so it goes raw), the
// test reads what the guest prints, types lines, and presses Ctrl-].
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "cluster/vcluster_support.h"

namespace gantry::test {

class ConsoleClient {
 public:
  /// Starts `gnt-instance console <instance>` as run on `node`.
  ConsoleClient(const VirtualCluster& cluster, const std::string& node,
                const std::string& instance);
  /// Kills the tool if it still runs.
  ~ConsoleClient();
  ConsoleClient(const ConsoleClient&) = delete;
  ConsoleClient& operator=(const ConsoleClient&) = delete;

  /// True once everything read so far contains `text` (read after the
  /// previous match); false at the deadline or when the tool ended.
  bool waitFor(const std::string& text, std::chrono::milliseconds timeout);
  /// The number of the next "TICK <n>" line the guest prints.
  std::optional<long> nextTick(std::chrono::milliseconds timeout);
  /// Types `bytes` on the terminal.
  void type(const std::string& bytes);
  /// Presses Ctrl-] and returns the tool's exit status (-1 if it did not
  /// end within `timeout`).
  int detach(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Waits for the tool to end on its own; its exit status or -1.
  int waitExit(std::chrono::milliseconds timeout);
  /// Everything the terminal showed (for failure messages).
  const std::string& transcript() const { return transcript_; }

 private:
  // Reads what is there within `timeout`; false when the tool has ended.
  bool readSome(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int master_ = -1;
  std::string transcript_;
  std::size_t consumed_ = 0;
  std::optional<int> status_;
};

}  // namespace gantry::test
