#include "daemon/master/luxi_server.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/luxi/framing.h"

namespace gantry::daemon::master {
namespace {

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

LuxiServer::LuxiServer(Options options, MessageHandler handler, LogFunction log)
    : options_(std::move(options)), handler_(std::move(handler)), log_(std::move(log)) {}

LuxiServer::~LuxiServer() { stop(); }

void LuxiServer::start() {
  const std::string path = options_.socketPath.string();
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    throw std::runtime_error("Socket path " + path + " is too long (" +
                             std::to_string(path.size()) + " bytes, at most " +
                             std::to_string(sizeof(addr.sun_path) - 1) + ")");
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.socketPath.parent_path(), ec);
  ::unlink(path.c_str());  // a stale socket of a previous run
  listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listenFd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listenFd_, 128) != 0) {
    const std::string err = std::strerror(errno);
    ::close(listenFd_);
    listenFd_ = -1;
    throw std::runtime_error("Cannot listen on " + path + ": " + err);
  }
  ::chmod(path.c_str(), 0660);
  if (::pipe2(wakePipe_, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  acceptThread_ = std::thread([this] { acceptLoop(); });
}

void LuxiServer::stop() {
  if (stopping_.exchange(true)) return;
  if (wakePipe_[1] >= 0) (void)!::write(wakePipe_[1], "x", 1);
  if (acceptThread_.joinable()) acceptThread_.join();
  if (listenFd_ >= 0) {
    ::close(listenFd_);
    ::unlink(options_.socketPath.c_str());
    listenFd_ = -1;
  }
  // Connection threads notice stopping_ within their poll interval.
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return active_ == 0; });
  for (int& fd : wakePipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

void LuxiServer::acceptLoop() {
  while (!stopping_) {
    pollfd fds[2] = {{listenFd_, POLLIN, 0}, {wakePipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log_(std::string("poll on the client socket failed: ") + std::strerror(errno));
      return;
    }
    if (stopping_ || (fds[1].revents & POLLIN)) return;
    int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(mutex_);
      if (active_ >= options_.maxConnections) {
        ::close(fd);
        log_("refused a client connection: too many connections");
        continue;
      }
      ++active_;
    }
    std::thread([this, fd] {
      serveConnection(fd);
      ::close(fd);
      std::lock_guard lock(mutex_);
      --active_;
      idle_.notify_all();
    }).detach();
  }
}

void LuxiServer::serveConnection(int fd) {
  core::luxi::MessageReader reader(options_.maxMessageSize);
  auto lastActivity = std::chrono::steady_clock::now();
  char buf[65536];
  while (!stopping_) {
    // Answer every complete message already buffered, in order.
    try {
      while (auto message = reader.next()) {
        std::string response = handler_(*message);
        if (!writeAll(fd, core::luxi::frameMessage(response))) return;
        lastActivity = std::chrono::steady_clock::now();
      }
    } catch (const core::luxi::FramingError& e) {
      log_(std::string("dropping client connection: ") + e.what());
      return;
    }
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, 500);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) {
      if (std::chrono::steady_clock::now() - lastActivity > options_.idleTimeout) return;
      continue;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return;  // the client closed the connection
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    try {
      reader.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    } catch (const core::luxi::FramingError& e) {
      log_(std::string("dropping client connection: ") + e.what());
      return;
    }
  }
}

}  // namespace gantry::daemon::master
