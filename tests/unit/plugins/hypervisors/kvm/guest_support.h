// Helpers for the kvm tests that boot a real guest: the tiny guest built by
// scripts/build-tiny-guest, a reader for the serial console socket, a free
// loopback port.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace gantry::plugins::kvm::testing {

struct TinyGuest {
  std::filesystem::path kernel;
  std::filesystem::path initrd;
};

/// Builds (or reuses) the tiny guest under GANTRY_BINARY_DIR/tiny-guest.
/// On failure `why` says what is missing (for GTEST_SKIP).
std::optional<TinyGuest> tinyGuest(std::string& why);

/// A free TCP port on 127.0.0.1 (bound, then released).
int freeLoopbackPort();

/// Reads the guest's serial console from its unix socket.
class SerialReader {
 public:
  /// Connects, retrying until `timeout` (the socket appears with qemu).
  SerialReader(const std::filesystem::path& socket, std::chrono::milliseconds timeout);
  ~SerialReader();
  SerialReader(const SerialReader&) = delete;
  SerialReader& operator=(const SerialReader&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// The first complete line containing `text` after what was consumed
  /// before; nullopt at the deadline or end of stream.
  std::optional<std::string> waitForLine(const std::string& text,
                                         std::chrono::milliseconds timeout);
  /// The number of the next "TICK <n>" line.
  std::optional<long> nextTick(std::chrono::milliseconds timeout);
  /// Everything read so far (for failure messages).
  const std::string& transcript() const { return transcript_; }

 private:
  int fd_ = -1;
  std::string pending_;
  std::string transcript_;
};

}  // namespace gantry::plugins::kvm::testing
