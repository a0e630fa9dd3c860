#include "daemon/node/pid_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace gantry::daemon::node {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

namespace {

std::string errnoText(int error_number) {
  return std::generic_category().message(error_number);
}

}  // namespace

sdk::Result<std::unique_ptr<PidFile>> PidFile::acquire(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot open pid file " + path.string() + ": " + errnoText(errno)};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return Error{ErrorCode::kState, "Another gantry-noded holds " + path.string() +
                                          (pid.empty() ? "" : " (pid " + pid + ")")};
    }
    return Error{ErrorCode::kEnvironment,
                 "Cannot lock pid file " + path.string() + ": " + errnoText(err)};
  }
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    const int err = errno;
    ::close(fd);
    return Error{ErrorCode::kEnvironment,
                 "Cannot write pid file " + path.string() + ": " + errnoText(err)};
  }
  return std::unique_ptr<PidFile>(new PidFile(path, fd));
}

PidFile::~PidFile() {
  std::error_code ec;
  fs::remove(path_, ec);
  ::close(fd_);
}

}  // namespace gantry::daemon::node
