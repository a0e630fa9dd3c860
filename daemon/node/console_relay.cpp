#include "daemon/node/console_relay.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/rpc/secrets.h"

namespace gantry::daemon::node {
namespace {
using sdk::Error;
using sdk::ErrorCode;
using Clock = std::chrono::steady_clock;

// Larger outputs wait for the next read; a reply stays small.
constexpr std::size_t kMaxReadBytes = 64 * 1024;
// A guest that does not take input for this long is stuck; the operator
// hears of it instead of a frozen terminal.
constexpr int kWriteTimeoutMs = 2000;

std::string notRunning(const std::string& instance, const std::filesystem::path& socket,
                       const std::string& why) {
  return "Cannot reach the console of instance " + instance + " at " + socket.string() + ": " +
         why + " (is the instance running on this node?)";
}

}  // namespace

struct ConsoleRelay::Session {
  std::string instance;
  int fd = -1;
  Clock::time_point lastUse;
  std::mutex readMutex;  // one reader at a time keeps the output in order
  ~Session() {
    if (fd >= 0) ::close(fd);
  }
};

ConsoleRelay::ConsoleRelay(std::chrono::milliseconds idleLimit) : idleLimit_(idleLimit) {}

ConsoleRelay::~ConsoleRelay() = default;

void ConsoleRelay::dropIdleLocked(Clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second->lastUse > idleLimit_) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

sdk::Result<std::string> ConsoleRelay::open(const std::string& instance,
                                            const std::filesystem::path& socket) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  dropIdleLocked(now);
  for (const auto& [token, session] : sessions_) {
    if (session->instance == instance) {
      return Error{ErrorCode::kState, "Instance " + instance +
                                          " already has a console client connected; only one "
                                          "at a time can use its console"};
    }
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = socket.string();
  if (path.size() >= sizeof(address.sun_path)) {
    return Error{ErrorCode::kEnvironment, notRunning(instance, socket, "path too long")};
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  auto session = std::make_shared<Session>();
  session->instance = instance;
  session->fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (session->fd < 0) {
    return Error{ErrorCode::kEnvironment, notRunning(instance, socket, std::strerror(errno))};
  }
  if (::connect(session->fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return Error{ErrorCode::kState, notRunning(instance, socket, std::strerror(errno))};
  }
  auto token = core::rpc::randomToken(16);
  if (!token) return std::move(token).error();
  session->lastUse = now;
  sessions_.emplace(*token, std::move(session));
  return *token;
}

std::shared_ptr<ConsoleRelay::Session> ConsoleRelay::find(const std::string& session) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  dropIdleLocked(now);
  const auto it = sessions_.find(session);
  if (it == sessions_.end()) return nullptr;
  it->second->lastUse = now;
  return it->second;
}

sdk::Result<void> ConsoleRelay::write(const std::string& token, std::string_view bytes) {
  auto session = find(token);
  if (!session) return Error{ErrorCode::kNotFound, "No such console session (it ended)"};
  while (!bytes.empty()) {
    const ssize_t sent =
        ::send(session->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{session->fd, POLLOUT, 0};
      if (::poll(&p, 1, kWriteTimeoutMs) > 0) continue;
      return Error{ErrorCode::kEnvironment, "The console of instance " + session->instance +
                                                " takes no input (guest not reading)"};
    }
    close(token);
    return Error{ErrorCode::kState, "The console of instance " + session->instance +
                                        " went away: " + std::strerror(errno)};
  }
  return {};
}

sdk::Result<ConsoleRelay::Output> ConsoleRelay::read(const std::string& token,
                                                     std::chrono::milliseconds wait) {
  auto session = find(token);
  if (!session) return Error{ErrorCode::kNotFound, "No such console session (it ended)"};
  std::lock_guard reading(session->readMutex);
  Output out;
  pollfd p{session->fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (ready < 0 && errno != EINTR) {
    return Error{ErrorCode::kEnvironment, std::string("poll: ") + std::strerror(errno)};
  }
  char buffer[4096];
  while (out.bytes.size() < kMaxReadBytes) {
    const ssize_t got = ::recv(session->fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (got > 0) {
      out.bytes.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    out.closed = true;  // end of stream or a reset: qemu is gone
    break;
  }
  if (out.closed) {
    close(token);
  } else {
    std::lock_guard lock(mutex_);
    session->lastUse = Clock::now();
  }
  return out;
}

void ConsoleRelay::close(const std::string& session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::size_t ConsoleRelay::sessionCount() {
  std::lock_guard lock(mutex_);
  dropIdleLocked(Clock::now());
  return sessions_.size();
}

}  // namespace gantry::daemon::node
