#include "guest_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "test_host_support.h"

namespace gantry::plugins::kvm::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<TinyGuest> tinyGuest(std::string& why) {
  const fs::path dir = fs::path(GANTRY_BINARY_DIR) / "tiny-guest";
  TinyGuest guest{dir / "vmlinuz", dir / "initrd.img"};
  // The script itself decides whether what is in the dir is current.
  plugins::testing::TestHost host;
  sdk::ProcessRequest request;
  request.argv = {std::string(GANTRY_SOURCE_DIR) + "/scripts/build-tiny-guest", dir.string()};
  request.inheritEnv = true;
  request.timeout = std::chrono::minutes(5);
  auto ran = host.runProcess(request);
  if (!ran || !ran->succeeded()) {
    why = "cannot build the tiny guest kernel (scripts/build-tiny-guest " + dir.string() +
          "): " + (ran ? ran->failReason() + ": " + ran->err : ran.error().message);
    return std::nullopt;
  }
  return guest;
}

int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

SerialReader::SerialReader(const fs::path& socket, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
  while (Clock::now() < deadline) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      fd_ = fd;
      return;
    }
    if (fd >= 0) ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SerialReader::~SerialReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> SerialReader::waitForLine(const std::string& text,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (fd_ >= 0) {
    std::size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find(text) != std::string::npos) return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) return std::nullopt;
    char buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
    transcript_.append(buf, static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

std::optional<long> SerialReader::nextTick(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = waitForLine("TICK ", left);
    if (!line) return std::nullopt;
    const std::size_t at = line->find("TICK ");
    try {
      return std::stol(line->substr(at + 5));
    } catch (const std::exception&) {
      continue;  // a tick line cut by other output
    }
  }
}

PrivateNetwork::PrivateNetwork() {
  original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_ < 0) {
    why_ = std::string("cannot open the network namespace: ") + std::strerror(errno);
    return;
  }
  if (::unshare(CLONE_NEWNET) != 0) {
    why_ = std::string("cannot make a network namespace: ") + std::strerror(errno);
    ::close(original_);
    original_ = -1;
    return;
  }
  entered_ = true;
}

PrivateNetwork::~PrivateNetwork() {
  if (entered_) (void)::setns(original_, CLONE_NEWNET);
  if (original_ >= 0) ::close(original_);
}

}  // namespace gantry::plugins::kvm::testing
