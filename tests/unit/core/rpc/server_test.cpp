// The transport in one process: an RpcServer on 127.0.0.1 and RpcClients
// with the right key, a wrong key and no CURVE at all.
#include "core/rpc/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "core/rpc/client.h"

namespace {

using namespace gantry::core::rpc;
using gantry::sdk::Error;
using gantry::sdk::ErrorCode;
using gantry::sdk::LogLevel;
using gantry::sdk::Result;
using nlohmann::json;
using namespace std::chrono_literals;

// A port range per test process, away from the integration tests' range
// and below the kernel's ephemeral ports (32768 and up), which outgoing
// connections of tests running beside this one take.
std::uint16_t testPort(int offset) {
  return static_cast<std::uint16_t>(20000 + (::getpid() % 1000) * 10 + offset);
}

// A one-shot gate a procedure waits on, so tests need no sleeps.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool waitFor(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serverKeys_ = generateCurveKeyPair().value();
    clusterKeys_ = generateCurveKeyPair().value();
    table_.add({"echo",
                {{"text", ArgType::kString, true}},
                [](const json& args, const CallContext&) -> Result<json> {
                  return args.at("text");
                }});
    table_.add({"whoami", {}, [](const json&, const CallContext& context) -> Result<json> {
                  return json(context.peerKey);
                }});
    table_.add({"gate", {}, [this](const json&, const CallContext&) -> Result<json> {
                  entered_.set_value();
                  if (!gate_.waitFor(10s)) return Error{ErrorCode::kFault, "gate never opened"};
                  return json("through");
                }});
    table_.add({"wait_stop", {}, [this](const json&, const CallContext& context) -> Result<json> {
                  entered_.set_value();
                  if (context.stop->waitFor(1h)) {
                    return Error{ErrorCode::kState, "stopped"};
                  }
                  return json("timeout");
                }});
  }

  std::unique_ptr<RpcServer> startServer(int portOffset, std::size_t maxBytes = kDefaultMaxMessageBytes) {
    ServerOptions options;
    options.bindAddress = "127.0.0.1";
    options.port = testPort(portOffset);
    options.serverKeys = serverKeys_;
    options.workers = 4;
    options.maxMessageBytes = maxBytes;
    options.log = [this](LogLevel, std::string_view text) {
      std::lock_guard lock(logMutex_);
      log_.emplace_back(text);
    };
    auto server = std::make_unique<RpcServer>(options, table_, authorizer_);
    auto started = server->start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    return server;
  }

  NodeTarget target(int portOffset) {
    return NodeTarget{"node1", "127.0.0.1", testPort(portOffset), serverKeys_.publicKey, false};
  }

  bool logged(std::string_view text) {
    std::lock_guard lock(logMutex_);
    for (const auto& line : log_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  CurveKeyPair serverKeys_;
  CurveKeyPair clusterKeys_;
  ClientAuthorizer authorizer_{std::nullopt, nullptr};
  ProcedureTable table_;
  Gate gate_;
  std::promise<void> entered_;
  std::mutex logMutex_;
  std::vector<std::string> log_;
};

TEST(BindAddress, WildcardsAndNamesAreRefused) {
  EXPECT_TRUE(validateBindAddress("127.0.1.3").ok());
  EXPECT_TRUE(validateBindAddress("::1").ok());
  EXPECT_TRUE(validateBindAddress("[::1]").ok());
  for (const char* bad : {"0.0.0.0", "*", "::", "[::]", ""}) {
    auto r = validateBindAddress(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message, "Refusing to bind to '" + std::string(bad) +
                                     "': give the node's own address");
  }
  auto name = validateBindAddress("node1.example.com");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().message, "Bind address 'node1.example.com' is not an IP address");
  EXPECT_EQ(tcpEndpoint("127.0.0.1", 1811), "tcp://127.0.0.1:1811");
  EXPECT_EQ(tcpEndpoint("::1", 1811), "tcp://[::1]:1811");
}

TEST_F(ServerTest, RefusesToStartOnAWildcard) {
  ServerOptions options;
  options.bindAddress = "0.0.0.0";
  options.serverKeys = serverKeys_;
  RpcServer server(options, table_, authorizer_);
  auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalid);
}

TEST_F(ServerTest, ClusterKeyHolderGetsAnswers) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(0);
  RpcClient client({clusterKeys_, 5s});
  NodeReply reply = client.call(target(0), "echo", json{{"text", "hello"}});
  ASSERT_TRUE(reply.ok) << reply.msg;
  EXPECT_EQ(reply.node, "node1");
  EXPECT_EQ(reply.result, "hello");
  // The procedure sees who called, as authenticated by CURVE.
  NodeReply who = client.call(target(0), "whoami");
  ASSERT_TRUE(who.ok) << who.msg;
  EXPECT_EQ(who.result, clusterKeys_.publicKey);
  // Errors of the node come back with their code and text.
  NodeReply unknown = client.call(target(0), "nope");
  EXPECT_FALSE(unknown.ok);
  EXPECT_FALSE(unknown.offline);
  EXPECT_EQ(unknown.code, ErrorCode::kInvalid);
  EXPECT_EQ(unknown.msg, "Unknown procedure 'nope'");
}

TEST_F(ServerTest, OtherKeysAndPlainPeersGetNoAnswer) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(1);
  RpcClient intruder({generateCurveKeyPair().value(), 300ms});
  NodeReply refused = intruder.call(target(1), "echo", json{{"text", "x"}});
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.code, ErrorCode::kEnvironment);
  EXPECT_EQ(refused.msg, "Error while contacting node node1: timed out after 300ms");
  EXPECT_TRUE(logged("Rejected RPC client at 127.0.0.1: CURVE key "));

  zmq::context_t context;
  zmq::socket_t plain(context, zmq::socket_type::dealer);
  plain.set(zmq::sockopt::linger, 0);
  plain.connect(tcpEndpoint("127.0.0.1", testPort(1)));
  ASSERT_TRUE(plain.send(zmq::str_buffer(R"({"proc":"echo","args":{"text":"x"},"id":1})"),
                         zmq::send_flags::none));
  zmq::pollitem_t items[] = {{plain.handle(), 0, ZMQ_POLLIN, 0}};
  EXPECT_EQ(zmq::poll(items, 1, 300ms), 0);
  plain.close();

  RpcClient client({clusterKeys_, 5s});
  NodeReply reply = client.call(target(1), "echo", json{{"text", "still here"}});
  ASSERT_TRUE(reply.ok) << reply.msg;
  EXPECT_EQ(reply.result, "still here");
}

TEST_F(ServerTest, BeforeJoinOnlyJoinIsServed) {
  bool tokenExists = true;
  ClientAuthorizer joinable(std::nullopt, [&] { return tokenExists; });
  Procedure join{"join", {}, [](const json&, const CallContext&) -> Result<json> {
                   return json("joined");
                 }};
  join.allowedBeforeJoin = true;
  table_.add(std::move(join));
  ServerOptions options;
  options.bindAddress = "127.0.0.1";
  options.port = testPort(2);
  options.serverKeys = serverKeys_;
  RpcServer server(options, table_, joinable);
  ASSERT_TRUE(server.start().ok());
  RpcClient client({clusterKeys_, 5s});
  NodeReply echo = client.call(target(2), "echo", json{{"text", "x"}});
  EXPECT_FALSE(echo.ok);
  EXPECT_EQ(echo.msg, "This node has not joined a cluster yet; only 'join' is accepted");
  NodeReply joined = client.call(target(2), "join");
  ASSERT_TRUE(joined.ok) << joined.msg;
  EXPECT_EQ(joined.result, "joined");
}

TEST_F(ServerTest, ALongProcedureDoesNotHoldUpOthers) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(3);
  RpcClient client({clusterKeys_, 10s});
  auto held = std::async(std::launch::async, [&] { return client.call(target(3), "gate"); });
  ASSERT_EQ(entered_.get_future().wait_for(10s), std::future_status::ready);
  // The gate is still closed: this answer comes from another worker.
  NodeReply quick = client.call(target(3), "echo", json{{"text", "meanwhile"}}, 5s);
  ASSERT_TRUE(quick.ok) << quick.msg;
  EXPECT_EQ(quick.result, "meanwhile");
  gate_.open();
  NodeReply through = held.get();
  ASSERT_TRUE(through.ok) << through.msg;
  EXPECT_EQ(through.result, "through");
}

TEST_F(ServerTest, StopWakesWaitingProcedures) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(4);
  RpcClient client({clusterKeys_, 1s});
  auto waiting = std::async(std::launch::async, [&] { return client.call(target(4), "wait_stop"); });
  ASSERT_EQ(entered_.get_future().wait_for(10s), std::future_status::ready);
  const auto before = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_FALSE(waiting.get().ok);
}

TEST_F(ServerTest, OversizeRequestsGetAnErrorAnswer) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(5, 1000);
  RpcClient client({clusterKeys_, 5s});
  NodeReply big = client.call(target(5), "echo", json{{"text", std::string(2000, 'a')}});
  EXPECT_FALSE(big.ok);
  EXPECT_EQ(big.code, ErrorCode::kInvalid);
  EXPECT_NE(big.msg.find("exceeds the limit of 1000 bytes"), std::string::npos) << big.msg;
  NodeReply small = client.call(target(5), "echo", json{{"text", "ok"}});
  EXPECT_TRUE(small.ok) << small.msg;
}

TEST_F(ServerTest, SecondServerOnTheSamePortFails) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(6);
  ServerOptions options;
  options.bindAddress = "127.0.0.1";
  options.port = testPort(6);
  options.serverKeys = serverKeys_;
  RpcServer second(options, table_, authorizer_);
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message, "Cannot bind to tcp://127.0.0.1:" +
                                         std::to_string(testPort(6)) +
                                         ": Address already in use");
}

TEST_F(ServerTest, OfflineNodesAreNeverContacted) {
  RpcClient client({clusterKeys_, 10s});
  NodeTarget offline = target(7);  // nothing listens there
  offline.offline = true;
  const auto before = std::chrono::steady_clock::now();
  NodeReply reply = client.call(offline, "echo", json{{"text", "x"}});
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_FALSE(reply.ok);
  EXPECT_TRUE(reply.offline);
  EXPECT_EQ(reply.msg, "Node is marked offline");
}

TEST_F(ServerTest, CallManyKeepsTheOrderAndOneTimeout) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  auto server = startServer(8);
  RpcClient client({clusterKeys_, 10s});
  NodeTarget up = target(8);
  NodeTarget down = target(9);  // nothing listens there
  down.name = "node2";
  NodeTarget offline = target(8);
  offline.name = "node3";
  offline.offline = true;
  // Long enough for the reachable node's first call (CURVE handshake) on a
  // loaded machine: that one must not share the unreachable one's fate.
  auto replies = client.callMany({down, up, offline}, "echo", json{{"text", "x"}}, 1500ms);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].node, "node2");
  EXPECT_EQ(replies[0].msg, "Error while contacting node node2: timed out after 1500ms");
  EXPECT_TRUE(replies[1].ok) << replies[1].msg;
  EXPECT_EQ(replies[1].result, "x");
  EXPECT_TRUE(replies[2].offline);
  auto mismatched = client.callEach({up, up}, "echo", {json::object()});
  EXPECT_FALSE(mismatched[0].ok);
  EXPECT_EQ(mismatched[0].code, ErrorCode::kInvalid);
}

TEST_F(ServerTest, ServesOnEveryBindAddress) {
  authorizer_.setClusterKey(clusterKeys_.publicKey);
  ServerOptions options;
  options.bindAddress = "127.0.0.1";
  options.extraBindAddresses = {"127.0.0.2"};
  options.port = testPort(9);
  options.serverKeys = serverKeys_;
  RpcServer server(options, table_, authorizer_);
  auto started = server.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  RpcClient client({clusterKeys_, 5s});
  for (const char* address : {"127.0.0.1", "127.0.0.2"}) {
    NodeTarget node{"node1", address, testPort(9), serverKeys_.publicKey, false};
    NodeReply reply = client.call(node, "echo", json{{"text", address}});
    ASSERT_TRUE(reply.ok) << address << ": " << reply.msg;
    EXPECT_EQ(reply.result, address);
  }
}

TEST_F(ServerTest, RefusesAWildcardAmongTheExtraAddresses) {
  ServerOptions options;
  options.bindAddress = "127.0.0.1";
  options.extraBindAddresses = {"0.0.0.0"};
  options.port = testPort(9);
  options.serverKeys = serverKeys_;
  RpcServer server(options, table_, authorizer_);
  auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalid);
}

}  // namespace
