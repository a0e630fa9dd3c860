// The node's console relay against a unix socket standing in for qemu's
// serial chardev: bytes both ways, one client per instance, the console
// going away, an abandoned client timing out, a socket nobody listens on.
#include "daemon/node/console_relay.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

namespace gantry::daemon::node {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A listening unix socket in a fresh directory; accept() hands out the
// relay's connection as the guest's side.
class FakeSerial {
 public:
  FakeSerial() {
    dir_ = fs::temp_directory_path() /
           ("console-relay-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(dir_);
    path_ = dir_ / "vm1.serial";
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
  }
  ~FakeSerial() {
    if (guest_ >= 0) ::close(guest_);
    ::close(listener_);
    fs::remove_all(dir_);
  }
  const fs::path& path() const { return path_; }
  void accept() { guest_ = ::accept(listener_, nullptr, nullptr); }
  void send(const std::string& text) {
    ASSERT_EQ(::write(guest_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  std::string receive(std::size_t count) {
    std::string got(count, '\0');
    std::size_t have = 0;
    while (have < count) {
      const ssize_t n = ::read(guest_, got.data() + have, count - have);
      if (n <= 0) break;
      have += static_cast<std::size_t>(n);
    }
    got.resize(have);
    return got;
  }
  void hangUp() {
    ::close(guest_);
    guest_ = -1;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
  fs::path path_;
  int listener_ = -1;
  int guest_ = -1;
};

TEST(ConsoleRelay, MovesBytesBothWays) {
  FakeSerial serial;
  ConsoleRelay relay;
  auto session = relay.open("vm1", serial.path());
  ASSERT_TRUE(session.ok()) << session.error().message;
  serial.accept();
  ASSERT_TRUE(relay.write(*session, std::string("ls\r\0\x03", 5)).ok());
  EXPECT_EQ(serial.receive(5), std::string("ls\r\0\x03", 5));
  serial.send("GANTRY-GUEST-READY name=vm1\r\n");
  std::string seen;
  for (int i = 0; i < 20 && seen.find('\n') == std::string::npos; ++i) {
    auto out = relay.read(*session, 200ms);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_FALSE(out->closed);
    seen += out->bytes;
  }
  EXPECT_EQ(seen, "GANTRY-GUEST-READY name=vm1\r\n");
  // Nothing more to say: a read waits and comes back empty.
  auto idle = relay.read(*session, 50ms);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->bytes, "");
}

TEST(ConsoleRelay, ASecondClientIsRefusedByName) {
  FakeSerial serial;
  ConsoleRelay relay;
  auto first = relay.open("vm1", serial.path());
  ASSERT_TRUE(first.ok());
  auto second = relay.open("vm1", serial.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, sdk::ErrorCode::kState);
  EXPECT_NE(second.error().message.find("Instance vm1 already has a console client"),
            std::string::npos)
      << second.error().message;
  // Once the first detaches, the console is free again.
  relay.close(*first);
  auto third = relay.open("vm1", serial.path());
  EXPECT_TRUE(third.ok());
  EXPECT_EQ(relay.sessionCount(), 1u);
  // A token that was closed is no session any more.
  EXPECT_EQ(relay.write(*first, "x").error().code, sdk::ErrorCode::kNotFound);
  EXPECT_EQ(relay.read(*first, 0ms).error().code, sdk::ErrorCode::kNotFound);
}

TEST(ConsoleRelay, TheConsoleGoingAwayEndsTheSession) {
  FakeSerial serial;
  ConsoleRelay relay;
  auto session = relay.open("vm1", serial.path());
  ASSERT_TRUE(session.ok());
  serial.accept();
  serial.send("bye\r\n");
  serial.hangUp();
  std::string seen;
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    auto out = relay.read(*session, 200ms);
    ASSERT_TRUE(out.ok()) << out.error().message;
    seen += out->bytes;
    closed = out->closed;
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(seen, "bye\r\n");
  EXPECT_EQ(relay.sessionCount(), 0u);
}

TEST(ConsoleRelay, AnAbandonedClientStopsHoldingTheConsole) {
  FakeSerial serial;
  ConsoleRelay relay(100ms);
  auto abandoned = relay.open("vm1", serial.path());
  ASSERT_TRUE(abandoned.ok());
  EXPECT_FALSE(relay.open("vm1", serial.path()).ok());
  std::this_thread::sleep_for(250ms);
  EXPECT_TRUE(relay.open("vm1", serial.path()).ok());
  EXPECT_EQ(relay.read(*abandoned, 0ms).error().code, sdk::ErrorCode::kNotFound);
}

TEST(ConsoleRelay, NoListenerMeansTheInstanceDoesNotRunHere) {
  ConsoleRelay relay;
  auto session = relay.open("vm1", "/nonexistent/kvm-hypervisor/ctrl/vm1.serial");
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, sdk::ErrorCode::kState);
  EXPECT_NE(session.error().message.find("/nonexistent/kvm-hypervisor/ctrl/vm1.serial"),
            std::string::npos);
  EXPECT_NE(session.error().message.find("instance vm1"), std::string::npos);
  EXPECT_EQ(relay.sessionCount(), 0u);
}

}  // namespace
}  // namespace gantry::daemon::node
