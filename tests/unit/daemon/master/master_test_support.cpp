#include "master/master_test_support.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/plugins/daemon_host.h"

namespace gantry::daemon::master::testing {
namespace fs = std::filesystem;

MasterHarness::MasterHarness(MasterHarnessOptions options) {
  char tmpl[] = "/tmp/gmu-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = tmpl;
  locks_ = std::make_unique<core::locking::LockManager>(options.locks);
  services_.paths = core::plugins::hostPathsForRoot(root_);
  services_.locks = locks_.get();
  processor_ = std::make_unique<Processor>(services_);
  core::jobs::JobQueueOptions q;
  q.dir = root_ / "queue";
  q.workers = options.workers;
  q.sync = false;  // throw-away queue: durability is the queue tests' topic
  queue_ = std::make_unique<core::jobs::JobQueue>(q);
  queue_->start(*processor_);
}

MasterHarness::~MasterHarness() {
  queue_->shutdown();
  queue_.reset();
  processor_.reset();
  std::error_code ec;
  fs::remove_all(root_, ec);
}

core::jobs::JobId MasterHarness::submit(std::vector<nlohmann::json> ops) {
  return queue_->submit(ops);
}

core::jobs::Job MasterHarness::waitFinal(core::jobs::JobId id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  nlohmann::json previous = nullptr;
  while (std::chrono::steady_clock::now() < deadline) {
    auto change = queue_->waitForChange(id, {"status"}, previous, std::nullopt,
                                        std::chrono::seconds(1));
    auto status = core::jobs::parseStatus(change.info[0].get<std::string>());
    if (status && core::jobs::isFinalized(*status)) return queue_->getJob(id)->job;
    previous = change.info;
  }
  ADD_FAILURE() << "job " << id << " did not finish within 20 s";
  return queue_->getJob(id)->job;
}

std::vector<std::string> MasterHarness::messages(const core::jobs::Job& job) const {
  std::vector<std::string> lines;
  for (const auto& op : job.ops) {
    for (const auto& entry : op.log) {
      if (entry.type == "message" && entry.message.is_string()) {
        lines.push_back(entry.message.get<std::string>());
      }
    }
  }
  return lines;
}

void writeScript(const fs::path& path, const std::string& body) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << body;
  ::chmod(path.c_str(), 0755);
}

}  // namespace gantry::daemon::master::testing
