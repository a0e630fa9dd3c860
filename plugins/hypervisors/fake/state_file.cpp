#include "state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

namespace gantry::plugins::fake {
namespace {

namespace fs = std::filesystem;

sdk::Error ioError(int err, const fs::path& path) {
  return {sdk::ErrorCode::kEnvironment,
          std::string(std::strerror(err)) + ": '" + path.string() + "'"};
}

std::optional<std::int64_t> parseLine(std::string_view line) {
  std::int64_t value = 0;
  const char* end = line.data() + line.size();
  auto [ptr, ec] = std::from_chars(line.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::string formatState(const StateRecord& record) {
  return std::to_string(record.id) + "\n" + std::to_string(record.memoryMiB) +
         "\n" + std::to_string(record.vcpus) + "\n";
}

std::optional<StateRecord> parseState(std::string_view text) {
  std::int64_t values[3];
  for (auto& value : values) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    const auto parsed = parseLine(text.substr(0, nl));
    if (!parsed) return std::nullopt;
    value = *parsed;
    text.remove_prefix(nl + 1);
  }
  if (!text.empty()) return std::nullopt;
  return StateRecord{values[0], values[1], values[2]};
}

sdk::Result<void> checkInstanceName(std::string_view name) {
  auto invalid = [&](const char* why) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Invalid instance name '" + std::string(name) + "': " + why};
  };
  if (name.empty()) return invalid("empty");
  if (name.size() > 255) return invalid("longer than 255 characters");
  if (name.find('/') != std::string_view::npos) return invalid("contains '/'");
  if (name.find('\0') != std::string_view::npos) return invalid("contains NUL");
  if (name.find("..") != std::string_view::npos) return invalid("contains '..'");
  if (name.front() == '.') return invalid("starts with '.'");
  return sdk::ok();
}

sdk::Result<std::optional<std::string>> readStateFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return ioError(errno, path);
  }
  std::string content;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ioError(err, path);
    }
    if (n == 0) break;
    content.append(buf, static_cast<std::size_t>(n));
    // A state file is three short lines; anything huge is not ours.
    if (content.size() > 4096) {
      ::close(fd);
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "File too large: '" + path.string() + "'"};
    }
  }
  ::close(fd);
  return std::optional<std::string>{std::move(content)};
}

sdk::Result<void> writeStateFile(const fs::path& path, std::string_view content) {
  // Temp names start with '.', which no instance name may.
  const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  const int fd = ::open(temp.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return ioError(errno, temp);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return ioError(err, temp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ioError(err, temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ioError(err, path);
  }
  return sdk::ok();
}

sdk::Result<void> removeStateFile(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ioError(errno, path);
  return sdk::ok();
}

sdk::Result<std::vector<std::string>> listStateFiles(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return names;
  if (ec) return ioError(ec.value(), dir);
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code typeEc;
    // A symlink is nobody's state file: reading it would be refused anyway.
    if (!fs::is_regular_file(it->symlink_status(typeEc))) continue;
    names.push_back(std::move(name));
  }
  if (ec) return ioError(ec.value(), dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace gantry::plugins::fake
