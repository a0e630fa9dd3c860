#include "master/master_fixture_support.h"

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/util/process.h"

namespace gantry::testing {
namespace fs = std::filesystem;

MasterProcess::MasterProcess(int workers) : workers_(workers) {
  // Short paths: the unix socket path must fit in 107 bytes.
  char tmpl[] = "/tmp/gm-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = tmpl;
}

MasterProcess::~MasterProcess() {
  if (pid_ > 0) kill9();
  std::error_code ec;
  fs::remove_all(root_, ec);
}

fs::path MasterProcess::socketPath() const {
  return root_ / "var/run/gantry/socket/gantry-query";
}

void MasterProcess::start() {
  const std::string exe = std::string(GANTRY_BINARY_DIR) + "/bin/gantry-masterd";
  const std::string root = root_.string();
  const std::string workers = std::to_string(workers_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::execl(exe.c_str(), exe.c_str(), "--root", root.c_str(), "--workers", workers.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    try {
      auto c = client();
      c.queryConfigValues({"drain_flag"});
      return;
    } catch (const std::exception&) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("gantry-masterd exited at start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  throw std::runtime_error("gantry-masterd did not answer within 10 s");
}

void MasterProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void MasterProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

core::luxi::Client MasterProcess::client() const {
  core::luxi::ClientOptions options;
  options.socketPath = socketPath().string();
  options.ioTimeout = std::chrono::seconds(120);
  core::luxi::Client c(options);
  c.connect();
  return c;
}

sdk::ProcessResult MasterProcess::tool(const std::string& name, std::vector<std::string> args,
                                       int timeoutSeconds) const {
  core::util::ProcessSpec spec;
  spec.argv = {std::string(GANTRY_BINARY_DIR) + "/bin/" + name};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.envMode = core::util::EnvMode::kMerge;
  spec.env["GANTRY_ROOT"] = root_.string();
  spec.timeout = std::chrono::seconds(timeoutSeconds);
  auto r = core::util::runProcess(spec);
  if (!r.ok()) throw std::runtime_error(r.error().message);
  return *r;
}

}  // namespace gantry::testing
