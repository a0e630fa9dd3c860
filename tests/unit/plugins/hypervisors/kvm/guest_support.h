// Helpers for the kvm tests that boot a real guest: the tiny guest built by
// scripts/build-tiny-guest, a reader for the serial console socket, a free
// loopback port, a private network namespace.
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

/// Moves the calling thread (and so the processes it starts) into a fresh
/// network namespace and back at the end: bridges and taps made there never
/// touch the host's network.
class PrivateNetwork {
 public:
  PrivateNetwork();
  ~PrivateNetwork();
  PrivateNetwork(const PrivateNetwork&) = delete;
  PrivateNetwork& operator=(const PrivateNetwork&) = delete;
  bool entered() const { return entered_; }
  const std::string& why() const { return why_; }

 private:
  int original_ = -1;
  bool entered_ = false;
  std::string why_;
};

}  // namespace gantry::plugins::kvm::testing
