#include "core/rpc/small_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace gantry::core::rpc {

namespace {

std::string errnoText(int error_number) {
  return std::generic_category().message(error_number);
}

}  // namespace

sdk::Result<std::string> readSmallFile(const std::filesystem::path& path,
                                       std::size_t maxBytes) {
  // O_NONBLOCK: a FIFO planted under the data dir must not hang a worker.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    return sdk::Error{err == ENOENT ? sdk::ErrorCode::kNotFound
                                    : sdk::ErrorCode::kEnvironment,
                      "Cannot read " + path.string() + ": " + errnoText(err)};
  }
  std::string data;
  char buf[8192];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "Cannot read " + path.string() + ": " + errnoText(err)};
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > maxBytes) {
      ::close(fd);
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "Cannot read " + path.string() + ": larger than " +
                            std::to_string(maxBytes) + " bytes"};
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

std::string trimRight(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' ||
                           text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

}  // namespace gantry::core::rpc
