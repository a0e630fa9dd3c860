#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "qmp_client.h"
#include "test_host_support.h"

namespace gantry::plugins::kvm {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 1, "minor": 2, "major": 7}, "package": ""},)"
    R"( "capabilities": ["oob"]}})";

// The other end of a socketpair, played by a thread: sends a greeting (or
// not) and answers each request line with what `answer` returns (empty: no
// answer; "<close>": hang up).
class FakeQmpPeer {
 public:
  using Answer = std::function<std::string(const json& request)>;

  FakeQmpPeer(bool greet, Answer answer)
      : FakeQmpPeer(greet ? std::string(kGreeting) : std::string(), std::move(answer)) {}
  /// `greeting`: the first line sent; empty sends nothing.
  FakeQmpPeer(std::string greeting, Answer answer) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    clientFd_ = fds[0];
    peerFd_ = fds[1];
    thread_ = std::thread([this, greeting, answer = std::move(answer)] {
      if (!greeting.empty()) send(greeting + "\r\n");
      std::string buffer;
      char chunk[4096];
      while (true) {
        const ssize_t n = ::read(peerFd_, chunk, sizeof chunk);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
          const json request = json::parse(buffer.substr(0, nl));
          buffer.erase(0, nl + 1);
          requests_.push_back(request);
          const std::string reply = answer(request);
          if (reply == "<close>") {
            ::shutdown(peerFd_, SHUT_RDWR);
            return;
          }
          if (!reply.empty()) send(reply);
        }
      }
    });
  }
  ~FakeQmpPeer() {
    ::shutdown(peerFd_, SHUT_RDWR);
    finish();
    ::close(peerFd_);
  }
  /// Waits until the client has hung up (or the peer did).
  void finish() {
    if (thread_.joinable()) thread_.join();
  }
  /// The client end; the client takes it over.
  int takeClientFd() { return std::exchange(clientFd_, -1); }
  /// What the client sent (read after finish()).
  const std::vector<json>& requests() const { return requests_; }

 private:
  void send(const std::string& data) {
    (void)!::write(peerFd_, data.data(), data.size());
  }
  int clientFd_ = -1;
  int peerFd_ = -1;
  std::vector<json> requests_;
  std::thread thread_;
};

std::string reply(const json& request, const json& value) {
  return json{{"return", value}, {"id", request["id"]}}.dump() + "\r\n";
}

// A peer that acts like qemu for a few commands.
std::string qemuLike(const json& request) {
  const std::string command = request["execute"];
  if (command == "qmp_capabilities") return reply(request, json::object());
  if (command == "query-status") {
    return R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"})"
           "\r\n" +
           reply(request, {{"status", "running"}, {"running", true}});
  }
  if (command == "query-cpus-fast") return reply(request, json::array({{{"cpu-index", 0}}}));
  if (command == "boom") {
    return json{{"error", {{"class", "GenericError"}, {"desc", "it broke"}}},
                {"id", request["id"]}}
               .dump() +
           "\r\n";
  }
  if (command == "system_powerdown") {
    return reply(request, json::object()) +
           R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "POWERDOWN"})"
           "\r\n";
  }
  if (command == "hang") return "";
  if (command == "die") return "<close>";
  if (command == "garbage") return "{not json\r\n";
  const std::string desc = "The command " + command + " has not been found";
  return json{{"error", {{"class", "CommandNotFound"}, {"desc", desc}}}, {"id", request["id"]}}
             .dump() +
         "\r\n";
}

TEST(QmpClient, NegotiatesCapabilitiesAndRunsCommands) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ((*client)->qemuVersion(), "7.2.1");
  auto status = (*client)->execute("query-status", 2s);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ((*status)["status"], "running");
  auto cpus = (*client)->execute("query-cpus-fast", json::object(), 2s);
  ASSERT_TRUE(cpus);
  EXPECT_EQ(cpus->size(), 1u);
  // The event that came before the reply was kept.
  const auto events = (*client)->takeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "RESUME");
  EXPECT_TRUE((*client)->takeEvents().empty());
}

TEST(QmpClient, SendsArgumentsAndIds) {
  FakeQmpPeer peer(true, qemuLike);
  {
    auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
    ASSERT_TRUE(client);
    ASSERT_TRUE((*client)->execute("query-cpus-fast", json{{"x", 1}}, 2s));
    ASSERT_TRUE((*client)->execute("query-status", 2s));
  }
  peer.finish();  // the client hung up: the peer has seen everything
  const auto& requests = peer.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0]["execute"], "qmp_capabilities");
  EXPECT_FALSE(requests[0].contains("arguments"));
  EXPECT_EQ(requests[1]["execute"], "query-cpus-fast");
  EXPECT_EQ(requests[1]["arguments"], (json{{"x", 1}}));
  EXPECT_FALSE(requests[2].contains("arguments"));
  EXPECT_NE(requests[0]["id"], requests[1]["id"]);
  EXPECT_NE(requests[1]["id"], requests[2]["id"]);
}

TEST(QmpClient, ErrorRepliesNameTheCommand) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client);
  auto failed = (*client)->execute("boom", 2s);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "boom: GenericError: it broke");
  // An error reply leaves the connection usable.
  EXPECT_TRUE((*client)->execute("query-status", 2s));
}

TEST(QmpClient, WaitsForEvents) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client);
  ASSERT_TRUE((*client)->execute("system_powerdown", 2s));
  auto event = (*client)->waitEvent("POWERDOWN", 2s);
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->name, "POWERDOWN");
  const auto start = std::chrono::steady_clock::now();
  auto missing = (*client)->waitEvent("SHUTDOWN", 150ms);
  EXPECT_FALSE(missing);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // Waiting for an event that does not come does not spoil the stream.
  EXPECT_TRUE((*client)->execute("query-status", 2s));
}

TEST(QmpClient, SilentPeerTimesOutInTheHandshake) {
  FakeQmpPeer peer(false, qemuLike);
  const auto start = std::chrono::steady_clock::now();
  auto client = QmpClient::adopt(peer.takeClientFd(), 200ms);
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message.find("timed out"), std::string::npos)
      << client.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(QmpClient, HangingCommandTimesOutAndTheClientRefusesMore) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client);
  const auto start = std::chrono::steady_clock::now();
  auto hung = (*client)->execute("hang", 200ms);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().message, "hang: QMP: timed out waiting for the peer");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  auto after = (*client)->execute("query-status", 2s);
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("unusable"), std::string::npos);
}

TEST(QmpClient, PeerThatDiesIsAnError) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client);
  auto died = (*client)->execute("die", 5s);
  ASSERT_FALSE(died);
  EXPECT_EQ(died.error().message, "die: QMP: the peer closed the connection");
}

TEST(QmpClient, GarbageIsAnError) {
  FakeQmpPeer peer(true, qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_TRUE(client);
  auto bad = (*client)->execute("garbage", 2s);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("malformed message"), std::string::npos);
}

TEST(QmpClient, PeerThatDoesNotSpeakQmpIsRefused) {
  FakeQmpPeer peer(std::string(R"({"hello": "world"})"), qemuLike);
  auto client = QmpClient::adopt(peer.takeClientFd(), 2s);
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message.find("no greeting"), std::string::npos)
      << client.error().message;
}

TEST(QmpClient, ConnectReportsAMissingSocket) {
  testing::TestHost host;
  auto client = QmpClient::connect(host.paths().runDir / "nothing.qmp", 200ms);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, sdk::ErrorCode::kNotFound);
}

TEST(QmpClient, ConnectsToAUnixSocket) {
  testing::TestHost host;
  const auto path = host.paths().runDir / "peer.qmp";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  std::thread server([listener] {
    const int fd = ::accept(listener, nullptr, nullptr);
    std::string greeting = std::string(kGreeting) + "\n";
    (void)!::write(fd, greeting.data(), greeting.size());
    char buf[512];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      const json request = json::parse(std::string(buf, static_cast<std::size_t>(n)));
      const std::string answer = reply(request, json::object()) + "\n";
      (void)!::write(fd, answer.data(), answer.size());
    }
    ::close(fd);
  });
  auto client = QmpClient::connect(path, 2s);
  server.join();
  ::close(listener);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ((*client)->qemuVersion(), "7.2.1");
}

}  // namespace
}  // namespace gantry::plugins::kvm
