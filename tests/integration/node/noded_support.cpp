#include "tests/integration/node/noded_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "core/rpc/server.h"
#include "core/util/process.h"

extern char** environ;

namespace gantry::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path nodedBinary() { return fs::path(GANTRY_BINARY_DIR) / "bin/gantry-noded"; }

// Below the kernel's ephemeral ports (32768 and up), which outgoing
// connections of tests running beside this one take.
std::uint16_t nextNodePort() {
  static std::atomic<int> next{0};
  return static_cast<std::uint16_t>(10000 + (::getpid() % 1000) * 10 + next++ % 10);
}

std::string runTool(const std::vector<std::string>& argv) {
  sdk::ProcessRequest request;
  request.argv = argv;
  request.inheritEnv = true;
  request.timeout = 30s;
  auto result = core::util::runProcess(request);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  if (!result.ok()) return "";
  EXPECT_TRUE(result->succeeded()) << core::util::formatCommand(argv) << ": "
                                   << result->err;
  return result->out;
}

NodeDaemon::NodeDaemon(fs::path root, std::string name, std::string address)
    : root_(std::move(root)),
      name_(std::move(name)),
      address_(std::move(address)),
      port_(nextNodePort()) {}

NodeDaemon::~NodeDaemon() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

fs::path NodeDaemon::dataDir() const { return root_ / "var/lib/gantry"; }
fs::path NodeDaemon::logFile() const { return root_ / "var/log/gantry/node-daemon.log"; }
fs::path NodeDaemon::pidFile() const { return root_ / "var/run/gantry/gantry-noded.pid"; }

std::string NodeDaemon::logText() const {
  std::ifstream in(logFile());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void NodeDaemon::prepare(const std::optional<std::string>& clusterPublicKey) {
  std::string out = runTool({nodedBinary().string(), "--print-public-key", "--root",
                             root_.string()});
  while (!out.empty() && out.back() == '\n') out.pop_back();
  publicKey_ = out;
  ASSERT_TRUE(core::rpc::isValidCurveKeyText(publicKey_)) << out;
  if (clusterPublicKey) {
    ASSERT_TRUE(core::rpc::writeKeyFile(dataDir() / "cluster-curve.pub", *clusterPublicKey).ok());
  }
}

bool NodeDaemon::start(const std::vector<std::string>& extraArgs) {
  std::vector<std::string> args = {nodedBinary().string(), "--root", root_.string(),
                                   "--bind", address_, "--port", std::to_string(port_)};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string out = (root_ / "noded.out").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) pid_ = -1;
  return rc == 0;
}

bool NodeDaemon::waitReady(const core::rpc::CurveKeyPair& clusterKeys,
                           std::chrono::milliseconds limit) {
  core::rpc::RpcClient client({clusterKeys, limit});
  auto reply = client.call(target(), "version");
  return reply.ok;
}

bool NodeDaemon::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> NodeDaemon::waitExit(std::chrono::milliseconds limit) {
  // A pidfd becomes readable when the process exits: no polling loop.
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (fd >= 0) {
    pollfd item{fd, POLLIN, 0};
    int ready;
    do {
      ready = ::poll(&item, 1, static_cast<int>(limit.count()));
    } while (ready < 0 && errno == EINTR);
    ::close(fd);
    if (ready == 0) return std::nullopt;
  }
  int status = 0;
  if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  pid_ = -1;
  return status;
}

std::optional<int> NodeDaemon::stop(int signal, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, signal);
  return waitExit(limit);
}

core::rpc::NodeTarget NodeDaemon::target() const {
  return core::rpc::NodeTarget{name_, address_, port_, publicKey_, false};
}

RawConnection::RawConnection(const core::rpc::NodeTarget& node,
                             const core::rpc::CurveKeyPair* clientKeys)
    : socket_(context_, zmq::socket_type::dealer) {
  socket_.set(zmq::sockopt::linger, 0);
  if (clientKeys != nullptr) {
    socket_.set(zmq::sockopt::curve_serverkey, node.serverKey);
    socket_.set(zmq::sockopt::curve_publickey, clientKeys->publicKey);
    socket_.set(zmq::sockopt::curve_secretkey, clientKeys->secretKey);
  }
  socket_.connect(core::rpc::tcpEndpoint(node.address, node.port));
}

bool RawConnection::send(const std::string& payload) {
  return socket_.send(zmq::buffer(payload), zmq::send_flags::none).has_value();
}

std::optional<std::string> RawConnection::receive(std::chrono::milliseconds timeout) {
  zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}};
  if (zmq::poll(items, 1, timeout) == 0) return std::nullopt;
  zmq::message_t reply;
  if (!socket_.recv(reply, zmq::recv_flags::dontwait)) return std::nullopt;
  return reply.to_string();
}

std::optional<std::string> rawExchange(const core::rpc::NodeTarget& node,
                                       const core::rpc::CurveKeyPair* clientKeys,
                                       const std::string& payload,
                                       std::chrono::milliseconds timeout) {
  RawConnection connection(node, clientKeys);
  if (!connection.send(payload)) return std::nullopt;
  return connection.receive(timeout);
}

}  // namespace gantry::test
