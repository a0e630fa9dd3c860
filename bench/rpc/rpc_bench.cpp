// bench_rpc: what a master->node call costs.
//   zmq plain echo     DEALER->ROUTER round trip, no CURVE, no JSON
//   zmq CURVE echo     the same with CURVE: the cost of encryption alone
//   version x1         RpcClient -> one gantry-noded (CURVE, JSON, broker)
//   version new conn   the same on a new client each time (handshake)
//   version x3         callMany to three nodes in parallel
//   node_info x3       callMany node_info (fake hypervisor, file storage)
// The daemons run as real processes on 127.0.2.N and are stopped at exit.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "core/rpc/client.h"
#include "core/rpc/keys.h"
#include "core/rpc/server.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace rpc = gantry::core::rpc;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Stats {
  std::string name;
  std::size_t calls = 0;
  double meanUs = 0, p50Us = 0, p99Us = 0, perSecond = 0;
};

// Runs `call` `count` times after `warmup` untimed runs.
Stats measure(const std::string& name, int warmup, int count,
              const std::function<bool()>& call) {
  for (int i = 0; i < warmup; ++i) call();
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(count));
  const auto begin = Clock::now();
  for (int i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    if (!call()) {
      std::fprintf(stderr, "%s: call %d failed\n", name.c_str(), i);
      break;
    }
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  const double total = std::chrono::duration<double>(Clock::now() - begin).count();
  Stats s;
  s.name = name;
  s.calls = us.size();
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  s.meanUs = sum / static_cast<double>(us.size());
  s.p50Us = us[us.size() / 2];
  s.p99Us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  s.perSecond = static_cast<double>(us.size()) / total;
  return s;
}

// A ROUTER that sends every message back, on its own thread.
class EchoServer {
 public:
  EchoServer(const std::string& endpoint, const rpc::CurveKeyPair* keys) {
    socket_ = zmq::socket_t(context_, zmq::socket_type::router);
    socket_.set(zmq::sockopt::linger, 0);
    if (keys != nullptr) {
      socket_.set(zmq::sockopt::curve_server, true);
      socket_.set(zmq::sockopt::curve_secretkey, keys->secretKey);
    }
    socket_.bind(endpoint);
    thread_ = std::thread([this] {
      try {
        while (true) {
          std::vector<zmq::message_t> frames;
          (void)zmq::recv_multipart(socket_, std::back_inserter(frames));
          zmq::send_multipart(socket_, frames);
        }
      } catch (const zmq::error_t&) {
      }
      socket_.close();
    });
  }
  ~EchoServer() {
    context_.shutdown();
    thread_.join();
    context_.close();
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::thread thread_;
};

Stats echoBench(const std::string& name, const std::string& endpoint,
                const rpc::CurveKeyPair* serverKeys, const rpc::CurveKeyPair* clientKeys,
                int count) {
  EchoServer server(endpoint, serverKeys);
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  if (serverKeys != nullptr) {
    socket.set(zmq::sockopt::curve_serverkey, serverKeys->publicKey);
    socket.set(zmq::sockopt::curve_publickey, clientKeys->publicKey);
    socket.set(zmq::sockopt::curve_secretkey, clientKeys->secretKey);
  }
  socket.connect(endpoint);
  const std::string payload = R"({"proc":"version","args":{},"id":1})";
  return measure(name, 100, count, [&] {
    if (!socket.send(zmq::buffer(payload), zmq::send_flags::none)) return false;
    zmq::message_t reply;
    return socket.recv(reply).has_value();
  });
}

struct Daemon {
  pid_t pid = -1;
  rpc::NodeTarget target;
};

Daemon startDaemon(const fs::path& root, int n, std::uint16_t port,
                   const rpc::CurveKeyPair& cluster) {
  fs::remove_all(root);
  fs::create_directories(root / "var/lib/gantry");
  auto nodeKeys = rpc::loadOrCreateKeyPair(root / "var/lib/gantry", rpc::kNodeKeyName);
  (void)rpc::writeKeyFile(root / "var/lib/gantry/cluster-curve.pub", cluster.publicKey);
  const std::string address = "127.0.2." + std::to_string(n);
  std::vector<std::string> args = {std::string(GANTRY_BINARY_DIR) + "/bin/gantry-noded",
                                   "--root", root.string(), "--bind", address, "--port",
                                   std::to_string(port), "--fake-memory", "32G"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Daemon d;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = (root / "noded.out").string();
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (::posix_spawn(&d.pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) d.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  d.target = rpc::NodeTarget{"node" + std::to_string(n), address, port,
                             nodeKeys ? nodeKeys->publicKey : "", false};
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 2000;
  if (argc > 1) count = std::max(10, std::atoi(argv[1]));
  const std::uint16_t base = static_cast<std::uint16_t>(20000 + (::getpid() % 1000) * 10);
  const auto cluster = rpc::generateCurveKeyPair().value();
  const auto echoKeys = rpc::generateCurveKeyPair().value();
  const fs::path scratch = fs::path("/tmp") / ("gantry-bench-rpc-" + std::to_string(::getpid()));

  std::vector<Stats> rows;
  rows.push_back(echoBench("zmq plain echo", "tcp://127.0.2.9:" + std::to_string(base + 8),
                           nullptr, nullptr, count));
  rows.push_back(echoBench("zmq CURVE echo", "tcp://127.0.2.9:" + std::to_string(base + 9),
                           &echoKeys, &cluster, count));

  std::vector<Daemon> daemons;
  for (int n = 1; n <= 3; ++n) {
    std::string dirName = "n";  // appended, not "n" + string: GCC 12 -Wrestrict false alarm
    dirName += std::to_string(n);
    daemons.push_back(startDaemon(scratch / dirName, n,
                                  static_cast<std::uint16_t>(base + n), cluster));
  }
  std::vector<rpc::NodeTarget> targets;
  for (const auto& d : daemons) targets.push_back(d.target);
  rpc::RpcClient client({cluster, 15s});
  bool ready = true;
  for (const auto& t : targets) ready = client.call(t, "version").ok && ready;
  if (ready) {
    rows.push_back(measure("version x1", 100, count, [&] {
      return client.call(targets[0], "version").ok;
    }));
    rows.push_back(measure("version new conn", 10, std::max(10, count / 10), [&] {
      rpc::RpcClient fresh({cluster, 5s});
      return fresh.call(targets[0], "version").ok;
    }));
    rows.push_back(measure("version x3", 50, count / 2, [&] {
      auto replies = client.callMany(targets, "version");
      return std::all_of(replies.begin(), replies.end(), [](auto& r) { return r.ok; });
    }));
    const nlohmann::json args = {{"hypervisor", "fake"}, {"storage", {"file"}}};
    rows.push_back(measure("node_info x3", 50, count / 2, [&] {
      auto replies = client.callMany(targets, "node_info", args);
      return std::all_of(replies.begin(), replies.end(), [](auto& r) { return r.ok; });
    }));
  } else {
    std::fprintf(stderr, "gantry-noded did not answer; see %s\n", scratch.c_str());
  }
  for (auto& d : daemons) {
    if (d.pid > 0) {
      ::kill(d.pid, SIGTERM);
      ::waitpid(d.pid, nullptr, 0);
    }
  }
  if (ready) fs::remove_all(scratch);

  std::printf("%-18s %8s %10s %10s %10s %10s\n", "round trip", "calls", "mean us",
              "p50 us", "p99 us", "calls/s");
  for (const auto& r : rows) {
    std::printf("%-18s %8zu %10.1f %10.1f %10.1f %10.0f\n", r.name.c_str(), r.calls,
                r.meanUs, r.p50Us, r.p99Us, r.perSecond);
  }
  return ready ? 0 : 1;
}
