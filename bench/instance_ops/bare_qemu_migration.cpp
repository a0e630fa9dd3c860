#include "bare_qemu_migration.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "serial_console.h"

extern char** environ;

namespace gantry::bench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kStepTimeout = std::chrono::seconds(60);

// A qemu process of this benchmark; killed when the object goes.
class QemuProcess {
 public:
  explicit QemuProcess(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const int failed = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) throw std::runtime_error("cannot start " + argv[0]);
  }
  ~QemuProcess() { end(); }
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;
  void end() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// One QMP connection: capabilities negotiated, commands answered in turn
// (events in between are skipped).
class Qmp {
 public:
  explicit Qmp(const fs::path& socket) {
    fd_ = connectUnixSocket(socket, kStepTimeout);
    if (fd_ < 0) throw std::runtime_error("no QMP socket at " + socket.string());
    readMessage();  // the greeting
    execute("qmp_capabilities");
  }
  ~Qmp() {
    if (fd_ >= 0) ::close(fd_);
  }
  Qmp(const Qmp&) = delete;
  Qmp& operator=(const Qmp&) = delete;

  json execute(const std::string& command, const json& arguments = nullptr) {
    json request = {{"execute", command}};
    if (!arguments.is_null()) request["arguments"] = arguments;
    const std::string line = request.dump() + "\n";
    if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      throw std::runtime_error("QMP write failed");
    }
    for (;;) {
      json reply = readMessage();
      if (reply.contains("error")) {
        throw std::runtime_error("QMP " + command + ": " + reply["error"].dump());
      }
      if (reply.contains("return")) return reply["return"];
    }
  }

 private:
  json readMessage() {
    for (;;) {
      const auto newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        const std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return json::parse(line);
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 60000) <= 0) throw std::runtime_error("QMP peer silent");
      char chunk[4096];
      const ssize_t got = ::read(fd_, chunk, sizeof(chunk));
      if (got <= 0) throw std::runtime_error("QMP peer closed");
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  int fd_ = -1;
  std::string buffer_;
};

std::vector<std::string> qemuArgv(const BareGuest& guest, const fs::path& dir,
                                  const std::string& role) {
  return {guest.qemu.string(),
          "-accel", "tcg",
          "-m", std::to_string(guest.memoryMiB),
          "-smp", "1",
          "-nodefaults",
          "-display", "none",
          "-kernel", guest.kernel.string(),
          "-initrd", guest.initrd.string(),
          "-append", "console=ttyS0 gantry.name=bare",
          "-chardev", "socket,id=ser0,path=" + (dir / (role + ".serial")).string() +
                          ",server=on,wait=off",
          "-serial", "chardev:ser0",
          "-qmp", "unix:" + (dir / (role + ".qmp")).string() + ",server=on,wait=off"};
}

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

BareMigrationSamples measureBareQemuMigration(const BareGuest& guest, int runs,
                                              const fs::path& workDir, int port) {
  BareMigrationSamples s;
  fs::create_directories(workDir);
  for (int run = 1; run <= runs; ++run) {
    for (const char* stale : {"source.serial", "source.qmp", "target.serial", "target.qmp"}) {
      fs::remove(workDir / stale);
    }
    QemuProcess source(qemuArgv(guest, workDir, "source"));
    if (!waitForConsoleText(workDir / "source.serial", "GANTRY-GUEST-READY", kStepTimeout)) {
      throw std::runtime_error("the bare qemu guest printed no readiness line");
    }
    Qmp sourceQmp(workDir / "source.qmp");

    const auto begin = Clock::now();
    auto targetArgv = qemuArgv(guest, workDir, "target");
    targetArgv.insert(targetArgv.end(),
                      {"-S", "-incoming", "tcp:127.0.0.1:" + std::to_string(port)});
    QemuProcess target(targetArgv);
    Qmp targetQmp(workDir / "target.qmp");
    sourceQmp.execute("migrate-set-parameters",
                      {{"max-bandwidth", static_cast<long long>(guest.bandwidthMiB) << 20},
                       {"downtime-limit", guest.downtimeLimitMs}});
    sourceQmp.execute("migrate", {{"uri", "tcp:127.0.0.1:" + std::to_string(port)}});
    json status;
    const auto deadline = Clock::now() + kStepTimeout;
    for (;;) {
      status = sourceQmp.execute("query-migrate");
      const std::string state = status.value("status", "");
      if (state == "completed") break;
      if (state == "failed" || state == "cancelled" || Clock::now() > deadline) {
        throw std::runtime_error("bare qemu migration ended " + status.dump());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    targetQmp.execute("cont");
    source.end();
    const double total = msSince(begin);
    const double downtime = status.value("downtime", -1.0);
    s.total.add(total);
    if (downtime >= 0) s.downtime.add(downtime);
    std::fprintf(stderr, "  bare qemu migration %d: %.0f ms (downtime %.0f ms)\n", run, total,
                 downtime);
  }
  return s;
}

}  // namespace gantry::bench
