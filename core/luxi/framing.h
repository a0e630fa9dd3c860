// Message framing on the client-API socket: each message is UTF-8 JSON
// text followed by the byte 0x03 (ASCII ETX), which JSON text never
// contains. A stream is split on 0x03; a trailing partial message waits in
// the buffer for more bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gantry::core::luxi {

inline constexpr char kMessageTerminator = '\x03';
/// Largest message a reader accepts unless told otherwise (16 MiB): a peer
/// that never sends 0x03 must not make us buffer without bound.
inline constexpr std::size_t kDefaultMaxMessageSize = 16u * 1024u * 1024u;

/// A framing violation; the connection it came from must be dropped.
class FramingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Splits a byte stream into messages. Not thread-safe; one per connection.
class MessageReader {
 public:
  explicit MessageReader(std::size_t maxMessageSize = kDefaultMaxMessageSize);

  /// Appends received bytes. Throws FramingError ("Message too long: more
  /// than <n> bytes without a terminator") as soon as the unfinished message
  /// exceeds the limit, so a flood is refused before it is buffered.
  void feed(std::string_view bytes);

  /// The next complete message without its terminator, or nullopt if none
  /// is complete yet. Throws FramingError if a complete message is longer
  /// than the limit.
  std::optional<std::string> next();

  /// Bytes of an unfinished message (and of complete ones not yet taken).
  std::size_t buffered() const noexcept { return buffer_.size() - start_; }

  std::size_t maxMessageSize() const noexcept { return max_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;    // first byte not yet returned
  std::size_t scanned_ = 0;  // bytes from start_ known to hold no 0x03
  std::size_t tailStart_ = 0;  // first byte after the last 0x03 seen
  std::size_t max_;
};

/// The bytes to send for `payload`: payload + 0x03. Throws FramingError
/// "Message terminator found in payload" if the payload contains 0x03.
std::string frameMessage(std::string_view payload);

}  // namespace gantry::core::luxi
