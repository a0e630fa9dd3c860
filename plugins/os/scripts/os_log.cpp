#include "os_log.h"

#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;

bool usableInFileName(std::string_view part) {
  return !part.empty() && part.front() != '.' && part.find('/') == std::string_view::npos &&
         part.find('\0') == std::string_view::npos;
}

}  // namespace

std::string logTimestamp(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d_%H_%M_%S", &tm);
  return buf;
}

sdk::Result<fs::path> osLogFile(const fs::path& logDir, std::string_view kind,
                                std::string_view os, std::string_view instance,
                                std::string_view component,
                                std::chrono::system_clock::time_point when) {
  for (std::string_view part : {kind, os, instance}) {
    if (!usableInFileName(part)) {
      return sdk::Error{sdk::ErrorCode::kInvalid,
                        "Cannot name an OS log file after '" + std::string(part) + "'"};
    }
  }
  if (!component.empty() && !usableInFileName(component)) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Cannot name an OS log file after '" + std::string(component) + "'"};
  }
  std::string name = std::string(kind) + "-" + std::string(os) + "-" + std::string(instance);
  if (!component.empty()) name += "-" + std::string(component);
  name += "-" + logTimestamp(when) + ".log";
  return logDir / "os" / name;
}

std::string lastLines(std::string_view text, std::size_t count) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  std::size_t seen = 0;
  while (start > 0) {
    const std::size_t nl = text.rfind('\n', start - 1);
    if (nl == std::string_view::npos) {
      start = 0;
      break;
    }
    if (++seen == count) {
      start = nl + 1;
      break;
    }
    start = nl;
  }
  return std::string(text.substr(start));
}

std::uintmax_t fileSizeOrZero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

std::string readFrom(const fs::path& path, std::uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gantry::plugins::os_scripts
