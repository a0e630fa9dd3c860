#include "core/cluster/tcp_ping.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gantry::core::cluster {
namespace {

// Fills `out` from an address literal; false if it is none.
bool toSockaddr(const std::string& address, std::uint16_t port, sockaddr_storage& out,
                socklen_t& length) {
  std::memset(&out, 0, sizeof(out));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool tcpPing(const std::string& source, const std::string& address, std::uint16_t port,
             std::chrono::milliseconds timeout) {
  sockaddr_storage target;
  socklen_t targetLength = 0;
  if (!toSockaddr(address, port, target, targetLength)) return false;
  Fd fd(::socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  if (!source.empty()) {
    sockaddr_storage local;
    socklen_t localLength = 0;
    if (!toSockaddr(source, 0, local, localLength) || local.ss_family != target.ss_family) {
      return false;
    }
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), localLength) != 0) return false;
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&target), targetLength) == 0) {
    return true;
  }
  if (errno != EINPROGRESS) return false;
  pollfd p{fd.get(), POLLOUT, 0};
  int ready = 0;
  do {
    ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  int error = 0;
  socklen_t errorLength = sizeof(error);
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &errorLength) != 0) return false;
  return error == 0;
}

}  // namespace gantry::core::cluster
