// TCP connect tests against a listener of this test on 127.0.0.1.
#include "core/cluster/tcp_ping.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace gantry::core::cluster {
namespace {

constexpr std::chrono::milliseconds kTimeout{1000};

// A listening socket on 127.0.0.1 with a kernel-chosen port.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t length = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST(TcpPingTest, ListeningPortAnswers) {
  Listener listener;
  EXPECT_TRUE(tcpPing("", "127.0.0.1", listener.port(), kTimeout));
  EXPECT_TRUE(tcpPing("127.0.0.1", "127.0.0.1", listener.port(), kTimeout));
}

TEST(TcpPingTest, ClosedPortAndOtherAddressFail) {
  Listener listener;
  const auto port = listener.port();
  // Only 127.0.0.1 listens: the same port on another loopback address
  // is refused.
  EXPECT_FALSE(tcpPing("", "127.0.0.2", port, kTimeout));
  listener.close();
  EXPECT_FALSE(tcpPing("", "127.0.0.1", port, kTimeout));
}

TEST(TcpPingTest, MalformedAddressesFail) {
  Listener listener;
  EXPECT_FALSE(tcpPing("", "not-an-address", listener.port(), kTimeout));
  EXPECT_FALSE(tcpPing("bogus", "127.0.0.1", listener.port(), kTimeout));
  EXPECT_FALSE(tcpPing("::1", "127.0.0.1", listener.port(), kTimeout));
}

}  // namespace
}  // namespace gantry::core::cluster
