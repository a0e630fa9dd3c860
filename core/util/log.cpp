#include "core/util/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

namespace gantry::core::util {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                              "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void appendEscape(std::string& out, const char* format, unsigned value) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), format, value);
  out += buf.data();
}

// Length of the UTF-8 sequence starting at text[i] and its code point, or 0
// when the bytes there are not valid UTF-8.
std::size_t decodeUtf8(std::string_view text, std::size_t i, unsigned& cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  std::size_t len = 0;
  unsigned min = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2, cp = b0 & 0x1fu, min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3, cp = b0 & 0x0fu, min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

// Writes all of `data`, retrying on EINTR and short writes. Logging must not
// fail its caller, so errors are dropped.
void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

const char* logLevelName(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARNING";
    case LogLevel::kError: return "ERROR";
  }
  return "UNKNOWN";
}

std::string formatCtime(std::time_t t) {
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) return "?";
  std::array<char, 64> buf{};
  // asctime's layout, which is what Python's ctime prints.
  std::snprintf(buf.data(), buf.size(), "%s %s %2d %02d:%02d:%02d %d",
                kDays.at(static_cast<std::size_t>(tm.tm_wday)),
                kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
  return buf.data();
}

std::string formatLogLine(std::time_t t, LogLevel level, std::string_view text) {
  const std::string prefix =
      formatCtime(t) + " - " + logLevelName(level) + ": ";
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    out += prefix;
    out += text.substr(start, end == std::string_view::npos ? end : end - start);
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string feedbackMessage(FeedbackKind kind, std::string_view text) {
  switch (kind) {
    case FeedbackKind::kPlain: return std::string(text);
    case FeedbackKind::kStep: return "* " + std::string(text);
    case FeedbackKind::kInfo: return " - INFO: " + std::string(text);
    case FeedbackKind::kWarning: return " - WARNING: " + std::string(text);
    case FeedbackKind::kHint: return "      Hint: " + std::string(text);
  }
  return std::string(text);
}

std::string stepMessage(int current, int total, std::string_view text) {
  return "STEP " + std::to_string(current) + "/" + std::to_string(total) +
         " " + std::string(text);
}

std::string safeEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      if (c == '\t') {
        out += "\\t";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\'r";  // Ganeti's SafeEncode prints exactly this
      } else if (byte < 0x20 || byte == 0x7f) {
        appendEscape(out, "\\x%02x", byte);
      } else {
        out += c;
      }
      ++i;
      continue;
    }
    unsigned cp = 0;
    const std::size_t len = decodeUtf8(text, i, cp);
    if (len == 0) {
      appendEscape(out, "\\x%02x", byte);
      ++i;
      continue;
    }
    // Python's "backslashreplace" for a code point.
    if (cp < 0x100) {
      appendEscape(out, "\\x%02x", cp);
    } else if (cp < 0x10000) {
      appendEscape(out, "\\u%04x", cp);
    } else {
      appendEscape(out, "\\U%08x", cp);
    }
    i += len;
  }
  return out;
}

std::string formatJobLogLine(std::time_t t, std::string_view message) {
  return formatCtime(t) + " " + safeEncode(message);
}

std::string formatFeedbackLine(std::time_t t, FeedbackKind kind,
                               std::string_view text) {
  return formatJobLogLine(t, feedbackMessage(kind, text));
}

// ---- Logger ------------------------------------------------------------------

Logger::Logger(LoggerOptions options)
    : options_(std::move(options)), minLevel_(options_.minLevel) {
  if (!options_.clock) {
    options_.clock = [] { return std::time(nullptr); };
  }
}

Logger::~Logger() {
  if (fd_ >= 0) ::close(fd_);
}

sdk::Result<std::unique_ptr<Logger>> Logger::create(LoggerOptions options) {
  std::unique_ptr<Logger> logger(new Logger(std::move(options)));
  if (auto opened = logger->openFile(); !opened) {
    return std::move(opened).error();
  }
  return logger;
}

sdk::Result<void> Logger::openFile() {
  if (!options_.file) return sdk::ok();
  const int fd = ::open(options_.file->c_str(),
                        O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "Cannot open log file '" + options_.file->string() +
                          "': " + std::strerror(errno)};
  }
  fd_ = fd;
  return sdk::ok();
}

bool Logger::enabled(LogLevel level) const noexcept {
  return static_cast<int>(level) >= static_cast<int>(minLevel_.load());
}

void Logger::setMinLevel(LogLevel level) noexcept { minLevel_.store(level); }

void Logger::log(LogLevel level, std::string_view text) {
  if (!enabled(level)) return;
  const std::string line = formatLogLine(options_.clock(), level, text) + "\n";
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) writeAll(fd_, line);
  if (options_.stream != nullptr) {
    *options_.stream << line;
    options_.stream->flush();
  }
}

sdk::Result<void> Logger::reopen() {
  std::lock_guard lock(mutex_);
  if (!options_.file) return sdk::ok();
  const int old = fd_;
  fd_ = -1;
  auto opened = openFile();
  if (!opened) {
    fd_ = old;  // keep writing to the old file rather than nowhere
    return opened;
  }
  if (old >= 0) ::close(old);
  return sdk::ok();
}

}  // namespace gantry::core::util
