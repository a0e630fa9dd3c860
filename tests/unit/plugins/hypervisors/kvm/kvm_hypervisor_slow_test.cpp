// The kvm hypervisor with real qemu processes under TCG and the tiny guest
// from scripts/build-tiny-guest: boot to the readiness line on the serial
// socket, QMP instance info, stops, reboots, live migration between two
// nodes (two roots on this host, 127.0.0.1) and its abort. Every test
// leaves no qemu process, pid file or socket behind.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "gantry/sdk/plugin_abi.h"
#include "guest_support.h"
#include "kvm_hypervisor.h"
#include "kvm_params.h"
#include "process_control.h"
#include "qmp_client.h"
#include "test_host_support.h"

namespace gantry::plugins::kvm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using plugins::testing::makePlugin;
using plugins::testing::PluginPtr;
using plugins::testing::TestHost;
using testing::PrivateNetwork;
using testing::SerialReader;

GANTRY_PLUGIN_DESCRIPTOR(kKvmSlowDescriptor, Hypervisor, KvmHypervisor, "kvm", "test");

constexpr auto kBootTimeout = 90s;  // TCG on a busy 2-core machine
constexpr const char* kReady = "GANTRY-GUEST-READY";

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One "node": a root dir and a kvm plugin object on it.
struct Node {
  TestHost host;
  PluginPtr<sdk::Hypervisor> hv = makePlugin<sdk::Hypervisor>(kKvmSlowDescriptor, &host);
  fs::path base() const { return host.paths().runDir / "kvm-hypervisor"; }
  fs::path serial(const std::string& name) const {
    return base() / "ctrl" / (name + ".serial");
  }
  std::optional<pid_t> pid(const std::string& name) const {
    return runningQemu(base() / "pid" / name);
  }
  /// Stops whatever still runs here (a failed test must not leak qemu).
  void stopAll() {
    auto names = hv->listInstances();
    if (!names) return;
    for (const auto& name : *names) {
      sdk::InstanceSpec spec;
      spec.name = name;
      (void)hv->stopInstance(spec, sdk::StopMode::kHard, 1s);
    }
  }
  /// No pid file, socket or runtime file is left for `name`.
  ::testing::AssertionResult leftNothing(const std::string& name) const {
    for (const fs::path& file :
         {base() / "pid" / name, base() / "ctrl" / (name + ".qmp"),
          base() / "ctrl" / (name + ".serial"), base() / "ctrl" / (name + ".monitor"),
          base() / "conf" / (name + ".runtime")}) {
      if (fs::exists(fs::symlink_status(file))) {
        return ::testing::AssertionFailure() << file << " is left behind";
      }
    }
    return ::testing::AssertionSuccess();
  }
};

class KvmHypervisorSlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code ec;
    if (!fs::exists(kDefaultKvmPath, ec)) {
      GTEST_SKIP() << kDefaultKvmPath
                   << " is not installed (scripts/install-deps installs qemu-system-x86)";
    }
    std::string why;
    guest_ = testing::tinyGuest(why);
    if (!guest_) GTEST_SKIP() << why;
  }
  void TearDown() override {
    a_.stopAll();
    b_.stopAll();
  }

  sdk::InstanceSpec instance(const std::string& name, sdk::ParamMap extra = {}) const {
    sdk::InstanceSpec spec;
    spec.name = name;
    spec.uuid = "6a1f7c1e-0b5e-4bb3-9a51-0c2d7e8f9a01";
    spec.hypervisor = "kvm";
    spec.primaryNode = "node-a";
    spec.startupMemoryMiB = 128;
    spec.vcpus = 1;
    spec.beparams = {{"maxmem", std::int64_t{128}}, {"minmem", std::int64_t{128}}};
    sdk::ParamMap hv = {{"kvm_flag", std::string("disabled")},
                        {"kernel_path", guest_->kernel.string()},
                        {"initrd_path", guest_->initrd.string()},
                        {"root_path", std::string("/dev/vda")},
                        {"kernel_args", std::string("ro gantry.name=" + name)},
                        {"serial_speed", std::int64_t{115200}},
                        {"migration_port", std::int64_t{testing::freeLoopbackPort()}},
                        {"migration_bandwidth", std::int64_t{1024}},
                        {"migration_downtime", std::int64_t{300}}};
    for (const auto& [k, v] : extra) hv[k] = v;
    spec.hvparams = fillHvparams(hv);
    return spec;
  }

  /// A 16 MiB ext4 image as the instance's first disk.
  void addExt4Disk(sdk::InstanceSpec& spec, TestHost& host) {
    const fs::path image = host.paths().fileStorageDir / (spec.name + ".disk0");
    std::ofstream(image).close();
    fs::resize_file(image, 16 * 1024 * 1024);
    sdk::ProcessRequest mkfs;
    mkfs.argv = {"mkfs.ext4", "-q", "-F", image.string()};
    mkfs.inheritEnv = true;
    auto made = host.runProcess(mkfs);
    ASSERT_TRUE(made && made->succeeded()) << "mkfs.ext4 failed";
    sdk::AttachedDisk disk;
    disk.index = 0;
    disk.devicePath = image;
    disk.sizeMiB = 16;
    spec.disks.push_back(disk);
  }

  std::optional<testing::TinyGuest> guest_;
  Node a_;
  Node b_;
};

TEST_F(KvmHypervisorSlowTest, BootsReportsAndStopsByAcpi) {
  sdk::InstanceSpec spec = instance("boot1");
  addExt4Disk(spec, a_.host);
  const auto start = Clock::now();
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  SerialReader serial(a_.serial("boot1"), 10s);
  ASSERT_TRUE(serial.connected());
  auto ready = serial.waitForLine(kReady, kBootTimeout);
  ASSERT_TRUE(ready) << serial.transcript();
  const double bootSeconds = secondsSince(start);
  EXPECT_EQ(*ready, "GANTRY-GUEST-READY name=boot1 disk=mounted");
  RecordProperty("boot_to_ready_seconds", std::to_string(bootSeconds));
  std::printf("boot to readiness: %.2f s\n", bootSeconds);
  ASSERT_TRUE(serial.nextTick(5s));

  auto names = a_.hv->listInstances();
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"boot1"});
  auto info = a_.hv->instanceInfo("boot1");
  ASSERT_TRUE(info && info->has_value());
  EXPECT_EQ((*info)->name, "boot1");
  EXPECT_EQ((*info)->state, sdk::InstanceState::kRunning);
  EXPECT_EQ((*info)->vcpus, 1);
  EXPECT_EQ((*info)->memoryMiB, 128);
  const auto pid = a_.pid("boot1");
  ASSERT_TRUE(pid);
  EXPECT_EQ((*info)->id, *pid);
  EXPECT_GT((*info)->cpuTimeSeconds, 0.0);

  // A second plugin object on the same root (a restarted node daemon)
  // finds the instance again.
  {
    auto again = makePlugin<sdk::Hypervisor>(kKvmSlowDescriptor, &a_.host);
    auto all = again->allInstancesInfo();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].name, "boot1");
    EXPECT_EQ((*all)[0].state, sdk::InstanceState::kRunning);
  }
  // Another node sees nothing of it.
  EXPECT_TRUE(b_.hv->listInstances()->empty());
  // The guest's balloon driver gives memory back on request.
  ASSERT_TRUE(a_.hv->balloonMemory(spec, 96));
  std::int64_t memory = 0;
  const auto balloonStart = Clock::now();
  while (secondsSince(balloonStart) < 30.0) {
    auto now = a_.hv->instanceInfo("boot1");
    ASSERT_TRUE(now && now->has_value());
    memory = (*now)->memoryMiB;
    if (memory == 96) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(memory, 96);

  auto console = a_.hv->console(spec);
  ASSERT_TRUE(console);
  EXPECT_EQ(console->socketPath, a_.serial("boot1").string());
  auto node = a_.hv->nodeResources();
  ASSERT_TRUE(node);
  EXPECT_FALSE(node->hvVersion.empty());

  const auto stopStart = Clock::now();
  auto stopped = a_.hv->stopInstance(spec, sdk::StopMode::kSoft, 30s);
  ASSERT_TRUE(stopped) << stopped.error().message;
  // The guest powered itself off on the ACPI button, well before the timeout.
  EXPECT_LT(secondsSince(stopStart), 25.0);
  EXPECT_TRUE(serial.waitForLine("POWER BUTTON", 1s)) << serial.transcript();
  EXPECT_FALSE(processAlive(*pid));
  EXPECT_TRUE(a_.leftNothing("boot1"));
  EXPECT_TRUE(a_.hv->listInstances()->empty());
}

TEST_F(KvmHypervisorSlowTest, SoftStopKillsAGuestThatIgnoresPowerdown) {
  // Without ACPI the guest never sees the button.
  sdk::InstanceSpec spec = instance("deaf1", {{"acpi", false}});
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  const auto pid = a_.pid("deaf1");
  ASSERT_TRUE(pid);
  const auto stopStart = Clock::now();
  auto stopped = a_.hv->stopInstance(spec, sdk::StopMode::kSoft, 1s);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_GE(secondsSince(stopStart), 1.0);
  EXPECT_LT(secondsSince(stopStart), 15.0);
  EXPECT_TRUE(a_.host.logged("did not power off in time"));
  EXPECT_FALSE(processAlive(*pid));
  EXPECT_TRUE(a_.leftNothing("deaf1"));
}

TEST_F(KvmHypervisorSlowTest, PausedStartRebootsAndHardStop) {
  sdk::InstanceSpec spec = instance("paused1");
  auto started = a_.hv->startInstance(spec, true);
  ASSERT_TRUE(started) << started.error().message;
  auto again = a_.hv->startInstance(spec, false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "Failed to start instance paused1: already running");
  auto info = a_.hv->instanceInfo("paused1");
  ASSERT_TRUE(info && info->has_value());
  EXPECT_EQ((*info)->state, sdk::InstanceState::kPaused);

  // A full reboot starts it afresh, running.
  const auto firstPid = a_.pid("paused1");
  const auto rebootStart = Clock::now();
  auto rebooted = a_.hv->rebootInstance(spec, sdk::RebootType::kFull);
  ASSERT_TRUE(rebooted) << rebooted.error().message;
  // A paused guest cannot answer the power button, so nobody waits for it.
  EXPECT_LT(secondsSince(rebootStart), 30.0);
  EXPECT_TRUE(a_.host.logged("stopping it without asking the guest"));
  const auto secondPid = a_.pid("paused1");
  ASSERT_TRUE(firstPid && secondPid);
  EXPECT_NE(*firstPid, *secondPid);
  EXPECT_FALSE(processAlive(*firstPid));
  SerialReader serial(a_.serial("paused1"), 10s);
  ASSERT_TRUE(serial.waitForLine(kReady, kBootTimeout)) << serial.transcript();

  // A hard reboot resets the machine in place: same process, new boot.
  auto reset = a_.hv->rebootInstance(spec, sdk::RebootType::kHard);
  ASSERT_TRUE(reset) << reset.error().message;
  EXPECT_EQ(a_.pid("paused1"), secondPid);
  ASSERT_TRUE(serial.waitForLine(kReady, kBootTimeout)) << serial.transcript();
  info = a_.hv->instanceInfo("paused1");
  ASSERT_TRUE(info && info->has_value());
  EXPECT_EQ((*info)->state, sdk::InstanceState::kRunning);

  // A soft reboot powers the guest off by ACPI and starts the same machine
  // again: a new process, a new boot.
  auto soft = a_.hv->rebootInstance(spec, sdk::RebootType::kSoft);
  ASSERT_TRUE(soft) << soft.error().message;
  EXPECT_TRUE(serial.waitForLine("POWER BUTTON", 5s)) << serial.transcript();
  EXPECT_FALSE(processAlive(*secondPid));
  const auto thirdPid = a_.pid("paused1");
  ASSERT_TRUE(thirdPid);
  SerialReader afterSoft(a_.serial("paused1"), 10s);
  ASSERT_TRUE(afterSoft.waitForLine(kReady, kBootTimeout)) << afterSoft.transcript();

  auto stopped = a_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_FALSE(processAlive(*thirdPid));
  EXPECT_TRUE(a_.leftNothing("paused1"));
}

TEST_F(KvmHypervisorSlowTest, QmpClientTalksToRealQemuAndSeesAGuestShutdown) {
  sdk::InstanceSpec spec = instance("qmp1");
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  SerialReader serial(a_.serial("qmp1"), 10s);
  ASSERT_TRUE(serial.waitForLine(kReady, kBootTimeout)) << serial.transcript();
  const auto pid = a_.pid("qmp1");
  ASSERT_TRUE(pid);
  {
    auto client = QmpClient::connect(a_.base() / "ctrl" / "qmp1.qmp", 10s);
    ASSERT_TRUE(client) << client.error().message;
    EXPECT_FALSE((*client)->qemuVersion().empty());
    auto status = (*client)->execute("query-status", 10s);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ((*status)["status"], "running");
    auto unknown = (*client)->execute("no-such-command", 10s);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("CommandNotFound"), std::string::npos);
    // The guest powers itself off (here: on a button press nobody else sees).
    ASSERT_TRUE((*client)->execute("system_powerdown", 10s));
    auto shutdown = (*client)->waitEvent("SHUTDOWN", 30s);
    ASSERT_TRUE(shutdown) << shutdown.error().message;
    EXPECT_NE(shutdown->data.find("guest-shutdown"), std::string::npos) << shutdown->data;
  }
  ASSERT_TRUE(waitForExit(*pid, 10s));
  // Gone by itself: not listed; cleanup removes what it left.
  EXPECT_TRUE(a_.hv->listInstances()->empty());
  auto info = a_.hv->instanceInfo("qmp1");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->has_value());
  ASSERT_TRUE(a_.hv->cleanupInstance("qmp1"));
  EXPECT_TRUE(a_.leftNothing("qmp1"));
}

bool run(TestHost& host, std::vector<std::string> argv) {
  sdk::ProcessRequest request;
  request.argv = std::move(argv);
  request.inheritEnv = true;
  auto ran = host.runProcess(request);
  return ran && ran->succeeded();
}

// stdout of a command, "" when it fails.
std::string output(TestHost& host, std::vector<std::string> argv) {
  sdk::ProcessRequest request;
  request.argv = std::move(argv);
  request.inheritEnv = true;
  auto ran = host.runProcess(request);
  return ran && ran->succeeded() ? ran->out : std::string();
}

TEST_F(KvmHypervisorSlowTest, BridgedNicJoinsItsBridge) {
  std::error_code ec;
  if (!fs::exists("/dev/net/tun", ec)) GTEST_SKIP() << "no /dev/net/tun on this machine";
  PrivateNetwork net;
  if (!net.entered()) GTEST_SKIP() << net.why();
  ASSERT_TRUE(run(a_.host, {"ip", "link", "add", "gbr0", "type", "bridge"}));
  sdk::InstanceSpec spec = instance("nic1");
  sdk::NicSpec nic;
  nic.uuid = "7b1c2d3e-4f50-4a61-8b72-9c8d0e1f2a3b";
  nic.mac = "aa:00:00:11:22:33";
  nic.mode = "bridged";
  nic.link = "gbr0";
  spec.nics = {nic};
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  // /sys shows the host's network; ask ip, which runs in this namespace.
  const std::string tap = "gnt7b1c2d3e4f50";
  const std::string link = output(a_.host, {"ip", "-o", "link", "show", "dev", tap});
  EXPECT_NE(link.find("master gbr0"), std::string::npos) << link;
  EXPECT_NE(link.find(",UP"), std::string::npos) << link;
  ASSERT_TRUE(a_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s));
  EXPECT_EQ(output(a_.host, {"ip", "-o", "link", "show", "dev", tap}), "")
      << "qemu's tap outlived it";

  // A bridge that does not exist fails the start and leaves nothing.
  spec.nics[0].link = "nosuchbr";
  auto refused = a_.hv->startInstance(spec, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("Failed to configure NIC 0"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(a_.hv->listInstances()->empty());
  EXPECT_TRUE(a_.leftNothing("nic1"));
}

// Reads Cpus_allowed_list of the qemu thread named `comm`.
std::string allowedCpus(pid_t pid, const std::string& comm) {
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream commFile(task.path() / "comm");
    std::string name;
    std::getline(commFile, name);
    if (name != comm) continue;
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Cpus_allowed_list:", 0) == 0) {
        return line.substr(line.find_first_not_of(" \t", 18));
      }
    }
  }
  return "(no thread " + comm + ")";
}

TEST_F(KvmHypervisorSlowTest, PinsEachVcpuAsCpuMaskSays) {
  sdk::InstanceSpec spec = instance("pin1", {{"cpu_mask", std::string("0:all")}});
  spec.vcpus = 2;
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  const auto pid = a_.pid("pin1");
  ASSERT_TRUE(pid);
  EXPECT_EQ(allowedCpus(*pid, "CPU 0/TCG"), "0");
  const long cpus = ::sysconf(_SC_NPROCESSORS_CONF);
  EXPECT_EQ(allowedCpus(*pid, "CPU 1/TCG"), cpus > 1 ? "0-" + std::to_string(cpus - 1) : "0");
  // Pinned while paused, then let go: the guest runs.
  auto info = a_.hv->instanceInfo("pin1");
  ASSERT_TRUE(info && info->has_value());
  EXPECT_EQ((*info)->state, sdk::InstanceState::kRunning);
  EXPECT_EQ((*info)->vcpus, 2);
  ASSERT_TRUE(a_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s));
  EXPECT_TRUE(a_.leftNothing("pin1"));

  sdk::InstanceSpec wrong = instance("pin2", {{"cpu_mask", std::string("0:0:0")}});
  wrong.vcpus = 2;
  auto refused = a_.hv->startInstance(wrong, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("number of CPU masks (3)"), std::string::npos);
  EXPECT_TRUE(a_.leftNothing("pin2"));
}

TEST_F(KvmHypervisorSlowTest, LiveMigrationKeepsTheGuestTicking) {
  sdk::InstanceSpec spec = instance("mig1");
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  SerialReader source(a_.serial("mig1"), 10s);
  ASSERT_TRUE(source.waitForLine(kReady, kBootTimeout)) << source.transcript();
  const auto tickBefore = source.nextTick(5s);
  ASSERT_TRUE(tickBefore);
  const auto sourcePid = a_.pid("mig1");

  auto info = a_.hv->migrationInfo(spec);
  ASSERT_TRUE(info) << info.error().message;
  auto accepted = b_.hv->acceptInstance(spec, *info, "127.0.0.1");
  ASSERT_TRUE(accepted) << accepted.error().message;
  auto targetInfo = b_.hv->instanceInfo("mig1");
  ASSERT_TRUE(targetInfo && targetInfo->has_value());
  EXPECT_EQ((*targetInfo)->state, sdk::InstanceState::kPaused);  // inmigrate

  const auto migrationStart = Clock::now();
  auto migrating = a_.hv->migrateInstance(spec, "127.0.0.1", true);
  ASSERT_TRUE(migrating) << migrating.error().message;
  sdk::MigrationStatus status;
  bool sawProgress = false;
  while (true) {
    auto polled = a_.hv->migrationStatus(spec);
    ASSERT_TRUE(polled) << polled.error().message;
    status = *polled;
    if (status.state != sdk::MigrationStatus::State::kActive) break;
    sawProgress = sawProgress || status.totalRamBytes > 0;
    ASSERT_LT(secondsSince(migrationStart), 120.0) << "migration did not finish";
    std::this_thread::sleep_for(50ms);
  }
  const double migrationSeconds = secondsSince(migrationStart);
  ASSERT_EQ(status.state, sdk::MigrationStatus::State::kCompleted) << status.message;
  EXPECT_GT(status.transferredRamBytes, 0);
  std::printf("migration: %.2f s, downtime %lld ms, %lld MiB sent\n", migrationSeconds,
              static_cast<long long>(status.downtimeMs),
              static_cast<long long>(status.transferredRamBytes >> 20));
  RecordProperty("migration_seconds", std::to_string(migrationSeconds));
  RecordProperty("migration_downtime_ms", std::to_string(status.downtimeMs));

  auto target = b_.hv->finalizeMigrationTarget(spec, *info, true);
  ASSERT_TRUE(target) << target.error().message;
  auto sourceDone = a_.hv->finalizeMigrationSource(spec, true, true);
  ASSERT_TRUE(sourceDone) << sourceDone.error().message;

  // The guest goes on counting on the target.
  SerialReader moved(b_.serial("mig1"), 10s);
  ASSERT_TRUE(moved.connected());
  const auto tickAfter = moved.nextTick(10s);
  ASSERT_TRUE(tickAfter) << moved.transcript();
  EXPECT_GT(*tickAfter, *tickBefore);
  targetInfo = b_.hv->instanceInfo("mig1");
  ASSERT_TRUE(targetInfo && targetInfo->has_value());
  EXPECT_EQ((*targetInfo)->state, sdk::InstanceState::kRunning);

  // The source is gone without a trace; the target is the only copy.
  ASSERT_TRUE(sourcePid);
  EXPECT_FALSE(processAlive(*sourcePid));
  EXPECT_TRUE(a_.hv->listInstances()->empty());
  EXPECT_TRUE(a_.leftNothing("mig1"));
  EXPECT_EQ(*b_.hv->listInstances(), std::vector<std::string>{"mig1"});

  const auto targetPid = b_.pid("mig1");
  ASSERT_TRUE(b_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s));
  ASSERT_TRUE(targetPid);
  EXPECT_FALSE(processAlive(*targetPid));
  EXPECT_TRUE(b_.leftNothing("mig1"));
}

TEST_F(KvmHypervisorSlowTest, NonLiveMigrationArrivesPausedAndResumes) {
  sdk::InstanceSpec spec = instance("cold1", {{"migration_mode", std::string("non-live")}});
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  SerialReader source(a_.serial("cold1"), 10s);
  ASSERT_TRUE(source.waitForLine(kReady, kBootTimeout)) << source.transcript();
  const auto tickBefore = source.nextTick(5s);
  ASSERT_TRUE(tickBefore);

  auto info = a_.hv->migrationInfo(spec);
  ASSERT_TRUE(info);
  ASSERT_TRUE(b_.hv->acceptInstance(spec, *info, "127.0.0.1"));
  ASSERT_TRUE(a_.hv->migrateInstance(spec, "127.0.0.1", false));
  const auto deadline = Clock::now() + 120s;
  sdk::MigrationStatus status;
  do {
    ASSERT_LT(Clock::now(), deadline) << "migration did not finish";
    auto polled = a_.hv->migrationStatus(spec);
    ASSERT_TRUE(polled) << polled.error().message;
    status = *polled;
    if (status.state == sdk::MigrationStatus::State::kActive) std::this_thread::sleep_for(50ms);
  } while (status.state == sdk::MigrationStatus::State::kActive);
  ASSERT_EQ(status.state, sdk::MigrationStatus::State::kCompleted) << status.message;
  // The guest was stopped before the transfer: it does not run on the
  // target until the target is finalized.
  auto arrived = b_.hv->instanceInfo("cold1");
  ASSERT_TRUE(arrived && arrived->has_value());
  EXPECT_EQ((*arrived)->state, sdk::InstanceState::kPaused);

  ASSERT_TRUE(b_.hv->finalizeMigrationTarget(spec, *info, true));
  ASSERT_TRUE(a_.hv->finalizeMigrationSource(spec, true, false));
  auto targetInfo = b_.hv->instanceInfo("cold1");
  ASSERT_TRUE(targetInfo && targetInfo->has_value());
  EXPECT_EQ((*targetInfo)->state, sdk::InstanceState::kRunning);
  SerialReader moved(b_.serial("cold1"), 10s);
  const auto tickAfter = moved.nextTick(10s);
  ASSERT_TRUE(tickAfter) << moved.transcript();
  EXPECT_GT(*tickAfter, *tickBefore);
  EXPECT_TRUE(a_.leftNothing("cold1"));
  ASSERT_TRUE(b_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s));
  EXPECT_TRUE(b_.leftNothing("cold1"));
}

TEST_F(KvmHypervisorSlowTest, AbortedMigrationLeavesTheSourceRunning) {
  // 1 MiB/s: the transfer is still running when it is aborted.
  sdk::InstanceSpec spec = instance("abort1", {{"migration_bandwidth", std::int64_t{1}}});
  auto started = a_.hv->startInstance(spec, false);
  ASSERT_TRUE(started) << started.error().message;
  SerialReader source(a_.serial("abort1"), 10s);
  ASSERT_TRUE(source.waitForLine(kReady, kBootTimeout)) << source.transcript();

  auto info = a_.hv->migrationInfo(spec);
  ASSERT_TRUE(info);
  ASSERT_TRUE(b_.hv->acceptInstance(spec, *info, "127.0.0.1"));
  const auto targetPid = b_.pid("abort1");
  ASSERT_TRUE(targetPid);
  // A second accept on the same node is refused.
  auto twice = b_.hv->acceptInstance(spec, *info, "127.0.0.1");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "Can't accept instance, already running");

  ASSERT_TRUE(a_.hv->migrateInstance(spec, "127.0.0.1", true));
  auto status = a_.hv->migrationStatus(spec);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kActive);

  auto aborted = a_.hv->abortMigration(spec);
  ASSERT_TRUE(aborted) << aborted.error().message;
  ASSERT_TRUE(b_.hv->finalizeMigrationTarget(spec, *info, false));
  ASSERT_TRUE(a_.hv->finalizeMigrationSource(spec, false, true));

  status = a_.hv->migrationStatus(spec);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kCancelled);
  auto sourceInfo = a_.hv->instanceInfo("abort1");
  ASSERT_TRUE(sourceInfo && sourceInfo->has_value());
  EXPECT_EQ((*sourceInfo)->state, sdk::InstanceState::kRunning);
  const auto tick = source.nextTick(5s);
  EXPECT_TRUE(tick) << source.transcript();

  EXPECT_FALSE(processAlive(*targetPid));
  EXPECT_TRUE(b_.hv->listInstances()->empty());
  EXPECT_TRUE(b_.leftNothing("abort1"));

  ASSERT_TRUE(a_.hv->stopInstance(spec, sdk::StopMode::kHard, 0s));
  EXPECT_TRUE(a_.leftNothing("abort1"));
}

}  // namespace
}  // namespace gantry::plugins::kvm
