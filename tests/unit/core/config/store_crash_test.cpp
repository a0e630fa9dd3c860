// A writer killed with SIGKILL at random moments (mid-append, mid-fsync,
// mid-compaction) must always leave a configuration that loads, at a
// serial the writer had committed or was committing, with exactly the
// changes up to that serial.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/store.h"

namespace {

namespace fs = std::filesystem;
using gantry::core::config::ConfigStore;
using gantry::core::config::ConfigStoreOptions;
using gantry::core::config::StoreOp;
using Json = nlohmann::json;

const fs::path kSample =
    fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/cluster_config_3.1.json";
constexpr std::int64_t kSampleSerial = 7627;

void say(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    ::_exit(3);
  }
}

// The child: opens the store (compacting often, in the background) and
// commits forever, reporting each serial before ("B") and after ("A").
[[noreturn]] void commitForever(const fs::path& dir, int fd) {
  try {
    ConfigStoreOptions options;
    options.compact_min_bytes = 0;
    options.compact_ratio = 0.05;
    auto store = ConfigStore::open(dir, options);
    say(fd, "R " + std::to_string(store->serial()));
    while (true) {
      const std::int64_t next = store->serial() + 1;
      say(fd, "B " + std::to_string(next));
      const std::int64_t got =
          store->commit({StoreOp::put("/cluster/tags/-", "t" + std::to_string(next))});
      if (got != next) ::_exit(4);
      say(fd, "A " + std::to_string(next));
    }
  } catch (const std::exception& e) {
    say(fd, std::string("E ") + e.what());
  }
  ::_exit(2);
}

TEST(ConfigStoreCrashSlow, KilledWriterAlwaysLeavesACommittedState) {
  char pattern[] = "/tmp/gantry-crash-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  struct RemoveOnExit {
    fs::path path;
    ~RemoveOnExit() { fs::remove_all(path); }
  } cleanup{dir};
  fs::copy_file(kSample, dir / "config.data");
  std::size_t sample_tags = 0;
  {
    auto store = ConfigStore::open(dir, ConfigStoreOptions{});
    sample_tags = store->get("/cluster/tags").size();
  }

  std::mt19937 rng(424242);
  std::uniform_int_distribution<int> delay_us(0, 30000);
  std::int64_t verified = kSampleSerial;
  std::int64_t acknowledged_total = 0;
  int killed_in_flight = 0;

  for (int round = 0; round < 100; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      commitForever(dir, fds[1]);
    }
    ::close(fds[1]);

    // Wait until the child has loaded the config (a blocking read, no
    // sleep), then let it commit for a random while and kill it.
    std::string reported;
    char c;
    while (reported.find('\n') == std::string::npos && ::read(fds[0], &c, 1) == 1) {
      reported.push_back(c);
    }
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) reported.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);

    std::istringstream lines(reported);
    std::string kind;
    std::int64_t ready = -1, last_acked = -1, last_begun = -1;
    std::string line;
    while (std::getline(lines, line)) {
      ASSERT_FALSE(line.rfind("E ", 0) == 0) << "round " << round << ": " << line;
      std::istringstream fields(line);
      std::int64_t serial = 0;
      fields >> kind >> serial;
      if (kind == "R") ready = serial;
      if (kind == "A") last_acked = serial;
      if (kind == "B") last_begun = serial;
    }
    ASSERT_EQ(ready, verified) << "round " << round << ": the child loaded another state";
    if (last_acked < 0) last_acked = ready;
    acknowledged_total += last_acked - ready;

    auto store = ConfigStore::open(dir, ConfigStoreOptions{});
    const std::int64_t loaded = store->serial();
    if (loaded != last_acked) {
      ASSERT_EQ(loaded, last_begun)
          << "round " << round << ": loaded serial " << loaded << ", last committed "
          << last_acked << ", in flight " << last_begun;
      ASSERT_GT(last_begun, last_acked);
      ++killed_in_flight;
    }
    // Exactly the changes up to the loaded serial, in order.
    const Json tags = store->get("/cluster/tags");
    ASSERT_EQ(static_cast<std::int64_t>(tags.size() - sample_tags), loaded - kSampleSerial)
        << "round " << round;
    if (loaded > kSampleSerial) {
      ASSERT_EQ(tags.back(), "t" + std::to_string(loaded));
    }
    verified = loaded;
  }
  EXPECT_GT(acknowledged_total, 0) << "the writer was never killed after a commit";
  RecordProperty("acknowledged_commits", static_cast<int>(acknowledged_total));
  RecordProperty("killed_with_commit_in_flight_and_durable", killed_in_flight);
}

}  // namespace
