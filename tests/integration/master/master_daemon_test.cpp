// gantry-masterd driven only through its socket and the gnt-* tools.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include "core/luxi/errors.h"
#include "master/master_fixture_support.h"

namespace gantry::testing {
namespace {
using core::luxi::Json;

Json delayOp(double seconds, Json extra = Json::object()) {
  Json op = {{"OP_ID", "OP_TEST_DELAY"}, {"duration", seconds}};
  for (auto& [k, v] : extra.items()) op[k] = v;
  return op;
}

std::string jobStatus(core::luxi::Client& c, std::int64_t id) {
  return c.queryJobs(Json::array({id}), {"status"})[0][0].get<std::string>();
}

// Polls the queue (not the clock) until `pred` holds; fails after 60 s.
template <typename Pred>
void waitUntil(Pred pred, const char* what) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!pred()) {
    ASSERT_LT(std::chrono::steady_clock::now(), end) << "timed out waiting for " << what;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string submitError(core::luxi::Client& c, const Json& ops) {
  try {
    c.submitJob(ops);
  } catch (const core::luxi::EncodedError& e) {
    return e.className() + ": " + e.firstArg();
  }
  return "<accepted>";
}

// Sends raw bytes and reads one framed answer (or "" if the server hung up).
std::string rawExchange(const std::filesystem::path& socket, const std::string& bytes) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "<connect failed>";
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
    if (answer.find('\x03') != std::string::npos) break;
  }
  ::close(fd);
  return answer;
}

TEST(MasterDaemon, DelayJobThroughTheCli) {
  MasterProcess master;
  master.start();
  auto r = master.tool("gnt-debug", {"delay", "0.1"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  auto list = master.tool("gnt-job", {"list"});
  EXPECT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(list.out, "ID Status  Summary\n 1 success TEST_DELAY(100000000 ns)\n");
  auto submitted = master.tool("gnt-debug", {"delay", "--submit", "0"});
  EXPECT_EQ(submitted.exitCode, 0);
  EXPECT_EQ(submitted.err, "JobID: 2\n");
  auto watch = master.tool("gnt-job", {"watch", "2"});
  EXPECT_EQ(watch.exitCode, 0) << watch.err;
  EXPECT_EQ(watch.out.rfind("Output from job 2 follows\n-------------------------\n", 0), 0u)
      << watch.out;
}

TEST(MasterDaemon, RefusesBadOpcodesAtSubmitNamingOpcodeAndParameter) {
  MasterProcess master;
  master.start();
  auto c = master.client();
  EXPECT_EQ(submitError(c, Json::array({{{"OP_ID", "OP_NOPE"}}})),
            "OpPrereqError: Invalid data to LoadOpCode: OP_ID OP_NOPE unsupported");
  EXPECT_EQ(submitError(c, Json::array({{{"OP_ID", "OP_TEST_DELAY"}}})),
            "OpPrereqError: Parameter 'OP_TEST_DELAY.duration' fails validation: "
            "missing required parameter");
  EXPECT_EQ(submitError(c, Json::array({delayOp(1, {{"bogus", 1}})})),
            "OpPrereqError: Opcode OP_TEST_DELAY doesn't support the parameter 'bogus'");
  EXPECT_NE(submitError(c, Json::array({delayOp(1, {{"repeat", "many"}})}))
                .find("Parameter 'OP_TEST_DELAY.repeat' fails validation"),
            std::string::npos);
  EXPECT_EQ(submitError(c, Json::array({{{"OP_ID", "OP_NETWORK_ADD"}, {"network_name", "net1"},
                                         {"network", "10.0.0.0/24"}}})),
            "OpPrereqError: Opcode OP_NETWORK_ADD is not implemented yet");
  // Nothing was queued, and the daemon still serves.
  EXPECT_EQ(c.queryJobs(nullptr, {"id"}).size(), 0u);
  EXPECT_EQ(c.submitJob(Json::array({delayOp(0)})), 1);
}

TEST(MasterDaemon, MalformedOversizeAndVersionMismatchLeaveItServing) {
  MasterProcess master;
  master.start();
  EXPECT_EQ(rawExchange(master.socketPath(), std::string("not json\x03")).substr(0, 48),
            R"({"success":false,"result":"Failed to parse reque)");
  // 17 MiB without a terminator: the connection is dropped, nothing else.
  EXPECT_EQ(rawExchange(master.socketPath(), std::string(17u << 20, 'x')), "");
  const std::string old = R"({"method":"QueryConfigValues","args":[["drain_flag"]],"version":2020000})";
  EXPECT_NE(rawExchange(master.socketPath(), old + "\x03")
                .find("LUXI version mismatch, server 3010000, request 2020000"),
            std::string::npos);
  auto c = master.client();
  EXPECT_EQ(c.queryConfigValues({"drain_flag"}), Json::array({false}));
}

TEST(MasterDaemon, CancelDrainArchiveAndPriority) {
  MasterProcess master(1);
  master.start();
  auto c = master.client();
  const auto blocker = c.submitJob(Json::array({delayOp(30, {{"interruptible", true}})}));
  waitUntil([&] { return jobStatus(c, blocker) == "running"; }, "the blocker to run");
  const auto low = c.submitJob(Json::array({delayOp(0, {{"priority", 10}})}));
  const auto high = c.submitJob(Json::array({delayOp(0, {{"priority", -10}})}));
  const auto doomed = c.submitJob(Json::array({delayOp(0)}));
  auto [ok, message] = c.cancelJob(doomed);
  EXPECT_TRUE(ok) << message;
  EXPECT_EQ(jobStatus(c, doomed), "canceled");

  // Interruptible delays can be canceled while running.
  auto cancelRunning = c.cancelJob(blocker);
  EXPECT_TRUE(cancelRunning.first) << cancelRunning.second;
  waitUntil([&] { return jobStatus(c, blocker) == "canceled"; }, "the blocker to end");
  waitUntil([&] { return jobStatus(c, low) == "success"; }, "the low-priority job");
  auto times = c.queryJobs(Json::array({high, low}), {"start_ts"});
  const auto start = [](const Json& ts) {
    return ts[0].get<double>() + ts[1].get<double>() / 1e6;
  };
  EXPECT_LE(start(times[0][0]), start(times[1][0])) << "the high-priority job ran later";

  EXPECT_EQ(c.setDrainFlag(true), true);
  EXPECT_EQ(submitError(c, Json::array({delayOp(0)})), "GenericError: Queue drained");
  auto drained = master.tool("gnt-debug", {"delay", "0"});
  EXPECT_EQ(drained.exitCode, 1);
  EXPECT_EQ(drained.err, "Unhandled Ganeti error: Queue drained\n");
  EXPECT_GT(c.submitJobToDrainedQueue(Json::array({delayOp(0)})), doomed);
  c.setDrainFlag(false);

  EXPECT_TRUE(c.archiveJob(low));
  auto list = master.tool("gnt-job", {"list", "--no-headers", "-o", "id"});
  EXPECT_EQ(list.out.find(" " + std::to_string(low) + "\n"), std::string::npos) << list.out;
  EXPECT_EQ(c.queryJobs(Json::array({low}), {"archived"})[0][0], true);
}

TEST(MasterDaemon, KillStopsARunningJobThatCannotBeCanceled) {
  MasterProcess master(1);
  master.start();
  auto c = master.client();
  // Two opcodes: the second must not run once the first is killed.
  const auto stubborn = c.submitJob(Json::array({delayOp(60), delayOp(0)}));
  waitUntil([&] { return jobStatus(c, stubborn) == "running"; }, "the job to run");
  const std::string id = std::to_string(stubborn);

  auto unconfirmed = master.tool("gnt-job", {"cancel", "--kill", id});
  EXPECT_EQ(unconfirmed.exitCode, 1);
  EXPECT_NE(unconfirmed.err.find("The --kill option must be confirmed with --yes-do-it"),
            std::string::npos)
      << unconfirmed.err;

  auto plain = master.tool("gnt-job", {"cancel", id});
  EXPECT_EQ(plain.exitCode, 1);
  EXPECT_EQ(plain.out, "Job no longer waiting, can't cancel (informed it anyway)\n");
  EXPECT_EQ(jobStatus(c, stubborn), "running");

  const auto start = std::chrono::steady_clock::now();
  auto killed = master.tool("gnt-job", {"cancel", "--kill", "--yes-do-it", id});
  EXPECT_EQ(killed.exitCode, 0) << killed.out << killed.err;
  EXPECT_EQ(killed.out, "Job successfully cancelled\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(jobStatus(c, stubborn), "canceled");
  auto ops = c.queryJobs(Json::array({stubborn}), {"opstatus"})[0][0];
  EXPECT_EQ(ops, Json::array({"canceled", "canceled"}));
  // The master goes on serving.
  EXPECT_EQ(master.tool("gnt-debug", {"delay", "0"}).exitCode, 0);
}

TEST(MasterDaemon, RelativeDependenciesWaitForTheirJob) {
  MasterProcess master(4);
  master.start();
  auto c = master.client();
  Json jobs = Json::array({Json::array({delayOp(0.3)}),
                           Json::array({delayOp(0, {{"depends", {{-1, {"success"}}}}})})});
  Json results = c.submitManyJobs(jobs);
  ASSERT_TRUE(results[0][0].get<bool>());
  ASSERT_TRUE(results[1][0].get<bool>());
  const auto first = results[0][1].get<std::int64_t>();
  const auto second = results[1][1].get<std::int64_t>();
  waitUntil([&] { return jobStatus(c, second) == "success"; }, "the dependent job");
  auto rows = c.queryJobs(Json::array({first, second}), {"end_ts", "opexec"});
  const auto t = [](const Json& ts) { return ts[0].get<double>() + ts[1].get<double>() / 1e6; };
  EXPECT_LE(t(rows[0][0]), t(rows[1][1][0]))
      << "the dependent job ran before its dependency ended";
}

TEST(MasterDaemonSlow, RandomizedStressFinalizesEveryJob) {
  MasterProcess master(8);
  master.start();
  auto c = master.client();
  std::srand(4242);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 1000; ++i) {
    Json extra = {{"priority", std::vector<int>{-10, 0, 10}[std::rand() % 3]}};
    if (i > 0 && std::rand() % 4 == 0) extra["depends"] = {{-(1 + std::rand() % 3), Json::array()}};
    ids.push_back(c.submitJob(Json::array({delayOp(0, extra)})));
  }
  waitUntil(
      [&] {
        for (const auto& row : c.queryJobs(nullptr, {"status"})) {
          const auto s = row[0].get<std::string>();
          if (s != "success" && s != "error" && s != "canceled") return false;
        }
        return true;
      },
      "1000 jobs to finalize");
  EXPECT_EQ(c.queryJobs(nullptr, {"id"}).size(), 1000u);
}

TEST(MasterDaemonSlow, KillNineWhileJobsRunThenRestart) {
  MasterProcess master(4);
  master.start();
  std::vector<std::int64_t> ids;
  {
    auto c = master.client();
    for (int i = 0; i < 200; ++i) ids.push_back(c.submitJob(Json::array({delayOp(0.05)})));
    waitUntil(
        [&] {
          int running = 0;
          for (const auto& row : c.queryJobs(nullptr, {"status"})) {
            running += row[0] == "running";
          }
          return running >= 3;
        },
        "three running jobs");
  }
  master.kill9();
  master.start();
  auto c = master.client();
  waitUntil(
      [&] {
        for (const auto& row : c.queryJobs(nullptr, {"status"})) {
          const auto s = row[0].get<std::string>();
          if (s == "queued" || s == "waiting" || s == "running") return false;
        }
        return true;
      },
      "every job to end after the restart");
  int failed = 0;
  for (const auto& row : c.queryJobs(nullptr, {"id", "status", "opresult"})) {
    const auto status = row[1].get<std::string>();
    ASSERT_TRUE(status == "success" || status == "error") << row.dump();
    if (status == "error") {
      ++failed;
      EXPECT_NE(row[2][0].dump().find("master daemon stopped"), std::string::npos) << row.dump();
    }
  }
  EXPECT_GE(failed, 1) << "no job was running at the kill";
  EXPECT_EQ(c.queryJobs(nullptr, {"id"}).size(), 200u);
  EXPECT_EQ(c.submitJob(Json::array({delayOp(0)})), 201);
}

}  // namespace
}  // namespace gantry::testing
