#include "core/util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

extern char** environ;

namespace gantry::core::util {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After the command has exited, how long its output pipes may stay silent
// before we stop waiting for EOF (a background grandchild may hold them).
constexpr milliseconds kLinger{500};
// Without a pidfd we cannot sleep until the child exits: poll this often.
constexpr milliseconds kExitPollTick{20};
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kMaxReadsPerWakeup = 16;
constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

std::string errnoText(int err) {
  return std::error_code(err, std::generic_category()).message();
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Keeps descriptors away from 0-2: posix_spawn's dup2(fd, fd) onto the same
// number would leave O_CLOEXEC set and the child without that stream.
int liftAbove(int fd, int highestTarget) {
  if (fd < 0 || fd > highestTarget) return fd;
  const int lifted = ::fcntl(fd, F_DUPFD_CLOEXEC, highestTarget + 1);
  const int err = errno;
  ::close(fd);
  errno = err;
  return lifted;
}

int liftAboveStdio(int fd) { return liftAbove(fd, 2); }

// Opens a file for the child; kept above every descriptor number the child
// gets, so that no dup2 lands on its own source.
int openForChild(const std::filesystem::path& path, int flags, int highestTarget) {
  return liftAbove(::open(path.c_str(), flags | O_CLOEXEC, 0600), highestTarget);
}

bool makePipe(Fd& readEnd, Fd& writeEnd) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return false;
  readEnd = Fd(liftAboveStdio(fds[0]));
  writeEnd = Fd(liftAboveStdio(fds[1]));
  return readEnd && writeEnd;
}

// Only our end is non-blocking: each pipe end is its own open file
// description, so the child's end stays blocking.
void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Writing to a pipe whose reader has gone raises SIGPIPE, which would kill a
// daemon that does not ignore it. Block it on this thread while we run, and
// swallow one that we caused.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipeSet_);
    sigaddset(&pipeSet_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    wasPending_ = sigismember(&pending, SIGPIPE) == 1;
    ::pthread_sigmask(SIG_BLOCK, &pipeSet_, &old_);
  }
  ~SigpipeGuard() {
    if (!wasPending_) {
      sigset_t pending;
      sigemptyset(&pending);
      ::sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{};
        while (::sigtimedwait(&pipeSet_, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipeSet_{};
  sigset_t old_{};
  bool wasPending_ = false;
};

class SpawnActions {
 public:
  SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

class SpawnAttr {
 public:
  SpawnAttr() { ::posix_spawnattr_init(&attr_); }
  ~SpawnAttr() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_{};
};

std::optional<std::string> lookupEnv(const ProcessSpec& spec,
                                     const std::string& name) {
  if (spec.envMode != EnvMode::kInherit) {
    if (auto it = spec.env.find(name); it != spec.env.end()) return it->second;
  }
  if (spec.envMode == EnvMode::kReplace) return std::nullopt;
  if (const char* value = std::getenv(name.c_str())) return std::string(value);
  return std::nullopt;
}

bool isExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// execvp's search, but in the command's PATH rather than the daemon's (the
// daemon's when the command has none, so a replaced environment still finds
// "sh").
std::optional<std::string> resolveProgram(const ProcessSpec& spec) {
  const std::string& program = spec.argv.front();
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) return program;
  std::string path = lookupEnv(spec, "PATH").value_or("");
  if (path.empty() && spec.envMode == EnvMode::kReplace) {
    if (const char* own = std::getenv("PATH")) path = own;
  }
  if (path.empty()) path = kDefaultPath;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (isExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> buildEnvironment(const ProcessSpec& spec) {
  std::map<std::string, std::string> merged;
  if (spec.envMode == EnvMode::kMerge) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      std::string_view kv(*entry);
      const auto eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      merged[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    // Tools' output is parsed: keep it in the C locale, as Ganeti does.
    merged["LC_ALL"] = "C";
  }
  for (const auto& [key, value] : spec.env) merged[key] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [key, value] : merged) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

sdk::Error cannotExecute(const ProcessSpec& spec, const std::string& reason) {
  return sdk::Error{sdk::ErrorCode::kEnvironment,
                    "Can't execute '" + formatCommand(spec.argv) + "': " + reason};
}

// Reads what is available, at most kMaxReadsPerWakeup chunks so a child
// that never stops writing cannot keep us from checking the timeout; false
// once the pipe reached EOF or failed.
bool drain(Fd& fd, std::string& sink) {
  std::array<char, kReadChunk> buf{};
  for (int reads = 0; reads < kMaxReadsPerWakeup;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n > 0) {
      sink.append(buf.data(), static_cast<std::size_t>(n));
      ++reads;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    fd.reset();
    return false;
  }
  return true;
}

// Feeds stdin as far as the pipe takes it; closes it when done or when the
// child stopped reading.
void feed(Fd& fd, std::string_view data, std::size_t& offset) {
  while (offset < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + offset, data.size() - offset);
    if (n > 0) {
      offset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    break;  // EPIPE: the child does not want the rest
  }
  fd.reset();
}

void signalGroup(pid_t pid, int sig) {
  // The child is not reaped yet, so neither its pid nor its process group id
  // can have been reused.
  ::kill(-pid, sig);
  ::kill(pid, sig);
}

class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {
    // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.
    // Without pidfds (kernel < 5.3) exit is polled instead.
    pidfd_ = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  }
  pid_t pid() const { return pid_; }
  const Fd& pidfd() const { return pidfd_; }

  // Exited, but left unreaped (WNOWAIT) so the pid stays ours to signal.
  bool exited() {
    if (exited_) return true;
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info,
                 WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid_) {
      exited_ = true;
    }
    return exited_;
  }

  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  }

 private:
  pid_t pid_;
  Fd pidfd_;
  bool exited_ = false;
};

enum class Phase { kRunning, kTerminating, kKilled };

struct Streams {
  Fd out;
  Fd err;
  Fd in;
};

// The poll loop: moves data until the child has exited and its pipes are
// closed (or quiet), enforcing the timeout on the way.
void supervise(Child& child, Streams& streams, const ProcessSpec& spec,
               ProcessResult& result) {
  Phase phase = Phase::kRunning;
  const auto start = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (spec.timeout) deadline = start + *spec.timeout;
  Clock::time_point graceEnd{};
  // Output seen or exit noticed: the linger runs from the later of the two.
  std::optional<Clock::time_point> exitSeen;
  Clock::time_point lastActivity = start;
  std::size_t stdinOffset = 0;

  while (true) {
    const bool exited = child.exited();
    const auto now = Clock::now();
    if (exited && !exitSeen) {
      exitSeen = now;
      lastActivity = std::max(lastActivity, now);
    }
    const bool pipesOpen = streams.out || streams.err;

    if (phase == Phase::kRunning && deadline && now >= *deadline) {
      result.timedOut = true;
      signalGroup(child.pid(), SIGTERM);
      phase = Phase::kTerminating;
      graceEnd = now + spec.killGrace;
    }
    if (phase == Phase::kTerminating &&
        (now >= graceEnd || (exited && !pipesOpen))) {
      // Also catches grandchildren that ignored SIGTERM and closed their
      // output.
      signalGroup(child.pid(), SIGKILL);
      phase = Phase::kKilled;
      lastActivity = now;
    }
    if (exited && !pipesOpen) break;
    // While terminating, grandchildren get their grace period in full.
    if (exited && phase != Phase::kTerminating &&
        now >= lastActivity + kLinger) {
      if (streams.out) drain(streams.out, result.out);
      if (streams.err) drain(streams.err, result.err);
      break;
    }

    std::optional<Clock::time_point> wake;
    auto wakeBy = [&](Clock::time_point t) {
      if (!wake || t < *wake) wake = t;
    };
    if (phase == Phase::kRunning && deadline) wakeBy(*deadline);
    if (phase == Phase::kTerminating) wakeBy(graceEnd);
    if (exited) wakeBy(lastActivity + kLinger);
    if (!exited && !child.pidfd()) wakeBy(now + kExitPollTick);

    std::array<pollfd, 4> fds{};
    std::size_t count = 0;
    auto watch = [&](const Fd& fd, short events) {
      if (fd) fds[count++] = pollfd{fd.get(), events, 0};
    };
    watch(streams.out, POLLIN);
    watch(streams.err, POLLIN);
    watch(streams.in, POLLOUT);
    if (!exited) watch(child.pidfd(), POLLIN);

    int waitMs = -1;
    if (wake) {
      const auto left =
          std::chrono::ceil<milliseconds>(*wake - Clock::now()).count();
      waitMs = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
    }
    const int ready = ::poll(fds.data(), count, waitMs);
    if (ready < 0) continue;  // EINTR; nothing else can fail here

    for (std::size_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      const int fd = fds[i].fd;
      if (streams.out && fd == streams.out.get()) {
        lastActivity = Clock::now();
        drain(streams.out, result.out);
      } else if (streams.err && fd == streams.err.get()) {
        lastActivity = Clock::now();
        drain(streams.err, result.err);
      } else if (streams.in && fd == streams.in.get()) {
        if (fds[i].revents & (POLLERR | POLLHUP)) {
          streams.in.reset();
        } else {
          feed(streams.in, spec.stdinData, stdinOffset);
        }
      }
    }
  }
}

}  // namespace

sdk::Result<ProcessResult> runProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) {
    return sdk::Error{sdk::ErrorCode::kInvalid, "Empty command"};
  }
  const auto program = resolveProgram(spec);
  if (!program) return cannotExecute(spec, "not found (" + errnoText(ENOENT) + ")");
  if (spec.cwd) {
    // Checked here: posix_spawn reports a bad cwd as ENOENT, the same as a
    // missing program.
    std::error_code ec;
    if (!std::filesystem::is_directory(*spec.cwd, ec)) {
      return cannotExecute(spec, "working directory '" + spec.cwd->string() +
                                     "' does not exist");
    }
  }

  const int highestTarget = spec.writeFds.empty() ? 2 : std::max(2, spec.writeFds.rbegin()->first);
  Streams streams;
  Fd childIn, childOut, childErr, outputFile, stdoutFile;
  std::vector<std::pair<int, Fd>> extraFds;
  if (spec.stdinFile) {
    childIn = Fd(openForChild(*spec.stdinFile, O_RDONLY, highestTarget));
    if (!childIn) {
      return cannotExecute(spec, "cannot open input file '" + spec.stdinFile->string() +
                                     "': " + errnoText(errno));
    }
  } else if (!makePipe(childIn, streams.in)) {
    return cannotExecute(spec, errnoText(errno));
  }
  if (spec.stdoutFile) {
    stdoutFile = Fd(openForChild(*spec.stdoutFile, O_WRONLY | O_CREAT | O_TRUNC, highestTarget));
    if (!stdoutFile) {
      return cannotExecute(spec, "cannot open output file '" + spec.stdoutFile->string() +
                                     "': " + errnoText(errno));
    }
  }
  for (const auto& [number, path] : spec.writeFds) {
    if (number < 3) return cannotExecute(spec, "descriptor " + std::to_string(number) +
                                                   " is not free for a file");
    Fd fd(openForChild(path, O_WRONLY | O_CREAT | O_TRUNC, highestTarget));
    if (!fd) {
      return cannotExecute(spec, "cannot open file '" + path.string() + "' for descriptor " +
                                     std::to_string(number) + ": " + errnoText(errno));
    }
    extraFds.emplace_back(number, std::move(fd));
  }
  if (spec.outputFile) {
    outputFile = Fd(liftAbove(
        ::open(spec.outputFile->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640),
        highestTarget));
    if (!outputFile) {
      return cannotExecute(spec, "cannot open output file '" +
                                     spec.outputFile->string() +
                                     "': " + errnoText(errno));
    }
  } else if (!makePipe(streams.err, childErr)) {
    return cannotExecute(spec, errnoText(errno));
  }
  if (!spec.stdoutFile && !spec.outputFile && !makePipe(streams.out, childOut)) {
    return cannotExecute(spec, errnoText(errno));
  }
  for (Fd* fd : {&childIn, &childOut, &childErr}) {
    if (*fd) *fd = Fd(liftAbove(fd->release(), highestTarget));
  }

  SpawnActions actions;
  ::posix_spawn_file_actions_adddup2(actions.get(), childIn.get(), 0);
  const int outFd = stdoutFile ? stdoutFile.get() : outputFile ? outputFile.get() : childOut.get();
  const int errFd = outputFile ? outputFile.get() : childErr.get();
  ::posix_spawn_file_actions_adddup2(actions.get(), outFd, 1);
  ::posix_spawn_file_actions_adddup2(actions.get(), errFd, 2);
  for (const auto& [number, fd] : extraFds) {
    ::posix_spawn_file_actions_adddup2(actions.get(), fd.get(), number);
  }
  if (spec.cwd) {
    ::posix_spawn_file_actions_addchdir_np(actions.get(), spec.cwd->c_str());
  }
  // Whatever else the daemon has open, including descriptors another
  // library opened without O_CLOEXEC, stays out of the child.
  ::posix_spawn_file_actions_addclosefrom_np(actions.get(), highestTarget + 1);

  SpawnAttr attr;
  sigset_t empty;
  sigset_t all;
  sigemptyset(&empty);
  sigfillset(&all);
  ::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP |
                                             POSIX_SPAWN_SETSIGMASK |
                                             POSIX_SPAWN_SETSIGDEF);
  ::posix_spawnattr_setpgroup(attr.get(), 0);
  ::posix_spawnattr_setsigmask(attr.get(), &empty);
  ::posix_spawnattr_setsigdefault(attr.get(), &all);

  std::vector<std::string> args = spec.argv;
  std::vector<char*> argPtrs = pointers(args);
  std::vector<std::string> envStrings;
  std::vector<char*> envPtrs;
  char** envp = environ;
  if (spec.envMode != EnvMode::kInherit) {
    envStrings = buildEnvironment(spec);
    envPtrs = pointers(envStrings);
    envp = envPtrs.data();
  }

  SigpipeGuard sigpipeGuard;
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program->c_str(), actions.get(), attr.get(),
                               argPtrs.data(), envp);
  if (rc != 0) {
    if (rc == ENOENT) return cannotExecute(spec, "not found (" + errnoText(rc) + ")");
    return cannotExecute(spec, errnoText(rc));
  }
  childIn.reset();
  childOut.reset();
  childErr.reset();
  outputFile.reset();
  stdoutFile.reset();
  extraFds.clear();

  for (Fd* fd : {&streams.in, &streams.out, &streams.err}) {
    if (*fd) setNonBlocking(fd->get());
  }
  if (spec.stdinData.empty()) streams.in.reset();

  Child child(pid);
  ProcessResult result;
  supervise(child, streams, spec, result);
  const int status = child.reap();
  if (WIFEXITED(status)) {
    result.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

sdk::Result<sdk::ProcessResult> runProcess(const sdk::ProcessRequest& request) {
  ProcessSpec spec;
  spec.argv = request.argv;
  spec.envMode = request.inheritEnv ? EnvMode::kMerge : EnvMode::kReplace;
  spec.env = request.env;
  spec.cwd = request.cwd;
  spec.stdinData = request.stdinData;
  if (request.timeout.count() > 0) spec.timeout = request.timeout;
  spec.outputFile = request.outputFile;
  spec.stdinFile = request.stdinFile;
  spec.stdoutFile = request.stdoutFile;
  spec.writeFds = request.writeFds;

  auto result = runProcess(spec);
  if (result && result->timedOut) {
    return sdk::Error{sdk::ErrorCode::kEnvironment, describeFailure(spec, *result)};
  }
  return result;
}

}  // namespace gantry::core::util
