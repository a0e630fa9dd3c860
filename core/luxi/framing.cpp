#include "core/luxi/framing.h"

#include <string>

namespace gantry::core::luxi {
namespace {

FramingError tooLong(std::size_t max) {
  return FramingError("Message too long: more than " + std::to_string(max) +
                      " bytes without a terminator");
}

}  // namespace

MessageReader::MessageReader(std::size_t maxMessageSize)
    : max_(maxMessageSize) {}

void MessageReader::feed(std::string_view bytes) {
  // Drop what was handed out already before growing the buffer.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    tailStart_ -= start_;
    start_ = 0;
  }
  std::size_t oldSize = buffer_.size();
  buffer_.append(bytes);
  // Only the unfinished tail counts against the limit here; complete
  // messages are checked one by one in next(). Only the new bytes are
  // searched, so feeding many small chunks stays linear.
  auto last = bytes.rfind(kMessageTerminator);
  if (last != std::string_view::npos) tailStart_ = oldSize + last + 1;
  if (buffer_.size() - tailStart_ > max_) throw tooLong(max_);
}

std::optional<std::string> MessageReader::next() {
  auto end = buffer_.find(kMessageTerminator, start_ + scanned_);
  if (end == std::string::npos) {
    scanned_ = buffer_.size() - start_;
    return std::nullopt;
  }
  std::size_t length = end - start_;
  if (length > max_) throw tooLong(max_);
  std::string message = buffer_.substr(start_, length);
  start_ = end + 1;
  scanned_ = 0;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
    tailStart_ = 0;
  }
  return message;
}

std::string frameMessage(std::string_view payload) {
  if (payload.find(kMessageTerminator) != std::string_view::npos) {
    throw FramingError("Message terminator found in payload");
  }
  std::string out;
  out.reserve(payload.size() + 1);
  out.append(payload);
  out.push_back(kMessageTerminator);
  return out;
}

}  // namespace gantry::core::luxi
