#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "fake_hypervisor.h"
#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/plugin_abi.h"
#include "test_host_support.h"

namespace gantry::plugins::fake {
namespace {

namespace fs = std::filesystem;
using sdk::ErrorCode;
using testing::makePlugin;
using testing::PluginPtr;
using testing::TestHost;

GANTRY_PLUGIN_DESCRIPTOR(kFakeDescriptor, Hypervisor, FakeHypervisor, "fake", "test");

PluginPtr<sdk::Hypervisor> makeFake(TestHost& host) {
  return makePlugin<sdk::Hypervisor>(kFakeDescriptor, &host);
}

sdk::InstanceSpec instance(const std::string& name, std::int64_t memoryMiB = 512,
                           std::int64_t vcpus = 2) {
  sdk::InstanceSpec spec;
  spec.name = name;
  spec.hypervisor = "fake";
  spec.startupMemoryMiB = memoryMiB;
  spec.vcpus = vcpus;
  spec.beparams = {{"maxmem", memoryMiB}, {"minmem", memoryMiB}, {"vcpus", vcpus}};
  spec.hvparams = {{"migration_mode", std::string("live")}};
  return spec;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path stateDir(const TestHost& host) {
  return host.paths().runDir / "fake-hypervisor";
}

class FakeHypervisorTest : public ::testing::Test {
 protected:
  TestHost host_;
  PluginPtr<sdk::Hypervisor> hv_ = makeFake(host_);
  sdk::Hypervisor& hv() { return *hv_; }
};

// --- descriptor and parameters ---------------------------------------------

TEST(FakeHypervisorDescriptor, DescribesTheFakeHypervisor) {
  EXPECT_EQ(std::string(kFakeDescriptor.kind), "hypervisor");
  EXPECT_EQ(std::string(kFakeDescriptor.name), "fake");
  EXPECT_EQ(kFakeDescriptor.abi_major, GANTRY_SDK_ABI_MAJOR);
  EXPECT_EQ(kFakeDescriptor.struct_size, sizeof(GantryPluginDescriptor));
  EXPECT_EQ(kFakeDescriptor.create(nullptr), nullptr);
}

TEST(FakeHypervisorDescriptor, SharedObjectExportsAWorkingDescriptor) {
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/hypervisor/hv_fake.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "hypervisor");
  EXPECT_EQ(std::string(desc->name), "fake");
  EXPECT_EQ(desc->abi_major, GANTRY_SDK_ABI_MAJOR);
  {
    TestHost host;
    auto hv = makePlugin<sdk::Hypervisor>(*desc, &host);
    ASSERT_NE(hv, nullptr);
    ASSERT_TRUE(hv->startInstance(instance("so1"), false).ok());
    EXPECT_EQ(readFile(stateDir(host) / "so1"), "0\n512\n2\n");
  }
  // Never unloaded, as the registry does: objects' code lives in the .so.
}

TEST_F(FakeHypervisorTest, DeclaresOnlyMigrationMode) {
  const auto params = hv().parameters();
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "migration_mode");
  EXPECT_EQ(params[0].type, sdk::ParamSpec::Type::kString);
  EXPECT_EQ(sdk::paramToString(params[0].defaultValue), "live");
  EXPECT_TRUE(params[0].required);
  EXPECT_TRUE(hv().canMigrate());
}

TEST_F(FakeHypervisorTest, CheckParametersAcceptsBothModes) {
  EXPECT_TRUE(hv().checkParameters({{"migration_mode", std::string("live")}}).ok());
  EXPECT_TRUE(hv().checkParameters({{"migration_mode", std::string("non-live")}}).ok());
  EXPECT_TRUE(hv().validateParameters({{"migration_mode", std::string("live")}}).ok());
}

TEST_F(FakeHypervisorTest, CheckParametersRejectsUnknownParameter) {
  auto r = hv().checkParameters(
      {{"migration_mode", std::string("live")}, {"kernel_path", std::string("/x")}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "Parameter 'kernel_path' is not supported");
}

TEST_F(FakeHypervisorTest, CheckParametersRejectsBadValues) {
  auto bad = hv().checkParameters({{"migration_mode", std::string("fast")}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().message,
            "Parameter 'migration_mode' fails syntax check: The value must be one "
            "of: live, non-live (current value: 'fast')");

  auto wrongType = hv().checkParameters({{"migration_mode", std::int64_t{1}}});
  ASSERT_FALSE(wrongType.ok());
  EXPECT_EQ(wrongType.error().message,
            "Parameter 'migration_mode' fails syntax check: The value must be one "
            "of: live, non-live (current value: '1')");

  auto empty = hv().checkParameters({{"migration_mode", std::string()}});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "Parameter 'migration_mode' is required but is currently not defined");

  auto missing = hv().checkParameters({});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Parameter 'migration_mode' is missing");
}

// --- lifecycle -------------------------------------------------------------

TEST_F(FakeHypervisorTest, StartWritesGanetiStateFile) {
  ASSERT_TRUE(hv().startInstance(instance("inst1", 512, 2), false).ok());
  EXPECT_EQ(readFile(stateDir(host_) / "inst1"), "0\n512\n2\n");

  auto names = hv().listInstances();
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"inst1"});

  auto info = hv().instanceInfo("inst1");
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->name, "inst1");
  EXPECT_EQ((*info)->id, 0);
  EXPECT_EQ((*info)->memoryMiB, 512);
  EXPECT_EQ((*info)->vcpus, 2);
  EXPECT_EQ((*info)->state, sdk::InstanceState::kRunning);
  EXPECT_EQ((*info)->cpuTimeSeconds, 0.0);
}

TEST_F(FakeHypervisorTest, StartingARunningInstanceFails) {
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  auto again = hv().startInstance(instance("inst1", 1024), false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kState);
  EXPECT_EQ(again.error().message, "Failed to start instance inst1: already running");
  EXPECT_EQ(readFile(stateDir(host_) / "inst1"), "0\n512\n2\n");
}

TEST_F(FakeHypervisorTest, StartupMemoryFallsBackToBeparams) {
  TestHost small({{"fake.memory", "2048"}, {"fake.node_memory", "512"}});
  auto hv = makeFake(small);
  sdk::InstanceSpec spec = instance("inst1");
  spec.startupMemoryMiB = 0;
  spec.beparams = {{"maxmem", std::int64_t{2048}}, {"minmem", std::int64_t{1024}}};
  ASSERT_TRUE(hv->startInstance(spec, false).ok());
  // max(minmem, min(maxmem, free = 2048 - 512)).
  EXPECT_EQ((*hv->instanceInfo("inst1"))->memoryMiB, 1536);

  sdk::InstanceSpec none = instance("inst2");
  none.startupMemoryMiB = 0;
  none.beparams.clear();
  auto r = hv->startInstance(none, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(fs::exists(stateDir(small) / "inst2"));
}

TEST_F(FakeHypervisorTest, StopRemovesStateAndStoppingAStoppedInstanceSucceeds) {
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  ASSERT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                                std::chrono::seconds(120)).ok());
  EXPECT_FALSE(fs::exists(stateDir(host_) / "inst1"));
  auto info = hv().instanceInfo("inst1");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_value());
  EXPECT_TRUE(hv().listInstances()->empty());

  EXPECT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                                std::chrono::seconds(1)).ok());
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  EXPECT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kHard,
                                std::chrono::seconds(0)).ok());
  EXPECT_FALSE(fs::exists(stateDir(host_) / "inst1"));
  EXPECT_TRUE(hv().cleanupInstance("inst1").ok());
}

TEST_F(FakeHypervisorTest, RebootNeedsARunningInstance) {
  auto r = hv().rebootInstance(instance("inst1"), sdk::RebootType::kSoft);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kState);
  EXPECT_EQ(r.error().message, "Cannot reboot instance inst1 that is not running");
  EXPECT_FALSE(fs::exists(stateDir(host_) / "inst1"));
}

TEST_F(FakeHypervisorTest, SoftAndHardRebootKeepStateFullRebootRestarts) {
  ASSERT_TRUE(hv().startInstance(instance("inst1", 1024), false).ok());
  ASSERT_TRUE(hv().balloonMemory(instance("inst1", 1024), 768).ok());
  ASSERT_TRUE(hv().rebootInstance(instance("inst1", 1024), sdk::RebootType::kSoft).ok());
  ASSERT_TRUE(hv().rebootInstance(instance("inst1", 1024), sdk::RebootType::kHard).ok());
  EXPECT_EQ((*hv().instanceInfo("inst1"))->memoryMiB, 768);
  ASSERT_TRUE(hv().rebootInstance(instance("inst1", 1024), sdk::RebootType::kFull).ok());
  EXPECT_EQ((*hv().instanceInfo("inst1"))->memoryMiB, 1024);
}

TEST_F(FakeHypervisorTest, BalloonRewritesMemory) {
  auto down = hv().balloonMemory(instance("inst1"), 256);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kState);
  EXPECT_EQ(down.error().message, "Failed to balloon memory for inst1: not running");
  EXPECT_FALSE(fs::exists(stateDir(host_) / "inst1"));

  ASSERT_TRUE(hv().startInstance(instance("inst1", 512, 2), false).ok());
  ASSERT_TRUE(hv().balloonMemory(instance("inst1", 512, 2), 256).ok());
  EXPECT_EQ(readFile(stateDir(host_) / "inst1"), "0\n256\n2\n");

  auto zero = hv().balloonMemory(instance("inst1"), 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalid);
  EXPECT_EQ((*hv().instanceInfo("inst1"))->memoryMiB, 256);
}

TEST_F(FakeHypervisorTest, AllInstancesInfoListsEveryRunningInstance) {
  ASSERT_TRUE(hv().startInstance(instance("b-inst", 256, 1), false).ok());
  ASSERT_TRUE(hv().startInstance(instance("a-inst", 1024, 4), false).ok());
  auto all = hv().allInstancesInfo();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "a-inst");
  EXPECT_EQ((*all)[0].memoryMiB, 1024);
  EXPECT_EQ((*all)[0].vcpus, 4);
  EXPECT_EQ((*all)[1].name, "b-inst");
  EXPECT_EQ((*all)[1].memoryMiB, 256);
  EXPECT_EQ((*all)[1].vcpus, 1);
}

TEST_F(FakeHypervisorTest, ListingSkipsTempAndForeignEntries) {
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  std::ofstream(stateDir(host_) / ".inst2.tmp") << "0\n1\n1\n";
  fs::create_directory(stateDir(host_) / "subdir");
  fs::create_symlink(stateDir(host_) / "inst1", stateDir(host_) / "link");
  EXPECT_EQ(*hv().listInstances(), std::vector<std::string>{"inst1"});
  EXPECT_EQ(hv().allInstancesInfo()->size(), 1u);
}

TEST_F(FakeHypervisorTest, MalformedStateFileIsReported) {
  std::ofstream(stateDir(host_) / "broken") << "zero\n";
  auto info = hv().instanceInfo("broken");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kFault);
  EXPECT_EQ(info.error().message,
            "Failed to list instance broken: Malformed state file: '" +
                (stateDir(host_) / "broken").string() + "'");
  auto all = hv().allInstancesInfo();
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().message.rfind("Failed to list instances: ", 0), 0u);
}

TEST_F(FakeHypervisorTest, InvalidNamesNeverBecomePaths) {
  const std::vector<std::string> names = {"",       "../escape", "a/b",  "..",
                                          ".",      ".hidden",   "x..y",
                                          std::string("nul\0x", 5)};
  for (const std::string& name : names) {
    SCOPED_TRACE("name: " + name);
    auto start = hv().startInstance(instance(name), false);
    ASSERT_FALSE(start.ok());
    EXPECT_EQ(start.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(start.error().message.rfind("Invalid instance name '", 0), 0u);
    EXPECT_EQ(hv().instanceInfo(name).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(hv().stopInstance(instance(name), sdk::StopMode::kHard,
                                std::chrono::seconds(0)).error().code,
              ErrorCode::kInvalid);
    EXPECT_EQ(hv().balloonMemory(instance(name), 128).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(hv().acceptInstance(instance(name), "", "127.0.0.2").error().code,
              ErrorCode::kInvalid);
    EXPECT_EQ(hv().finalizeMigrationTarget(instance(name), "", true).error().code,
              ErrorCode::kInvalid);
  }
  EXPECT_FALSE(fs::exists(host_.paths().runDir / "escape"));
  EXPECT_TRUE(hv().listInstances()->empty());
}

// --- node resources ----------------------------------------------------------

TEST_F(FakeHypervisorTest, NodeResourcesDefaults) {
  auto r = hv().nodeResources();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->memoryTotalMiB, 32768);
  EXPECT_EQ(r->memoryDom0MiB, 1024);
  EXPECT_EQ(r->memoryFreeMiB, 32768 - 1024);
  EXPECT_EQ(r->memoryHvMiB, 0);
  EXPECT_EQ(r->cpuTotal, 4);
  EXPECT_EQ(r->cpuDom0, 4);
  EXPECT_EQ(r->cpuNodes, 1);
  EXPECT_EQ(r->cpuSockets, 1);
}

TEST(FakeHypervisorResources, SettingsAndRunningInstancesDecideFreeMemory) {
  TestHost host({{"fake.memory", "32G"}, {"fake.cpus", "8"},
                 {"fake.node_memory", "2048"}, {"fake.node_cpus", "1"}});
  auto hv = makeFake(host);
  auto before = hv->nodeResources();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->memoryTotalMiB, 32768);
  EXPECT_EQ(before->memoryDom0MiB, 2048);
  EXPECT_EQ(before->memoryFreeMiB, 30720);
  EXPECT_EQ(before->cpuTotal, 8);
  EXPECT_EQ(before->cpuDom0, 1);

  ASSERT_TRUE(hv->startInstance(instance("inst1", 4096), false).ok());
  ASSERT_TRUE(hv->startInstance(instance("inst2", 2048), false).ok());
  EXPECT_EQ(hv->nodeResources()->memoryFreeMiB, 30720 - 6144);
  ASSERT_TRUE(hv->balloonMemory(instance("inst1", 4096), 1024).ok());
  EXPECT_EQ(hv->nodeResources()->memoryFreeMiB, 30720 - 3072);
  ASSERT_TRUE(hv->stopInstance(instance("inst2"), sdk::StopMode::kHard,
                               std::chrono::seconds(0)).ok());
  EXPECT_EQ(hv->nodeResources()->memoryFreeMiB, 30720 - 1024);
}

TEST(FakeHypervisorResources, HypervisorMemoryIsNotFree) {
  TestHost host({{"fake.memory", "32G"}, {"fake.node_memory", "1G"},
                 {"fake.hv_memory", "512M"}});
  auto r = makeFake(host)->nodeResources();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->memoryDom0MiB, 1024);
  EXPECT_EQ(r->memoryHvMiB, 512);
  EXPECT_EQ(r->memoryFreeMiB, 32768 - 1024 - 512);  // the walkthrough's 30.5G

  TestHost tooMuch({{"fake.memory", "2G"}, {"fake.node_memory", "1G"},
                    {"fake.hv_memory", "2G"}});
  auto refused = makeFake(tooMuch)->nodeResources();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "Settings 'fake.node_memory' and 'fake.hv_memory' (3072 MiB together) exceed the "
            "node's memory (2048 MiB)");
}

TEST(FakeHypervisorResources, FreeMemoryNeverGoesNegative) {
  TestHost host({{"fake.memory", "4096"}, {"fake.node_memory", "1024"}});
  auto hv = makeFake(host);
  ASSERT_TRUE(hv->startInstance(instance("big", 8192), false).ok());
  auto r = hv->nodeResources();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->memoryTotalMiB, 4096);
  EXPECT_EQ(r->memoryFreeMiB, 0);
}

TEST(FakeHypervisorResources, MemoryUnits) {
  const std::pair<const char*, std::int64_t> cases[] = {
      {"32768", 32768}, {"1.5G", 1536}, {"2g", 2048}, {"512MiB", 512},
      {"1T", 1048576}, {" 64 GB ", 65536}, {"0.5m", 1}};
  for (const auto& [text, mib] : cases) {
    SCOPED_TRACE(text);
    TestHost host({{"fake.memory", text}, {"fake.node_memory", "0"}});
    auto r = makeFake(host)->nodeResources();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->memoryTotalMiB, mib);
    EXPECT_EQ(r->memoryFreeMiB, mib);
  }
}

TEST(FakeHypervisorResources, BadSettingsAreEnvironmentErrors) {
  const std::pair<std::map<std::string, std::string>, std::string> cases[] = {
      {{{"fake.memory", "lots"}}, "Invalid value 'lots' for setting 'fake.memory': not a size"},
      {{{"fake.memory", "4X"}}, "Invalid value '4X' for setting 'fake.memory': unknown unit"},
      {{{"fake.memory", "0"}}, "Invalid value '0' for setting 'fake.memory': must be more than 0"},
      {{{"fake.cpus", "four"}}, "Invalid value 'four' for setting 'fake.cpus': not a whole number"},
      {{{"fake.memory", "1024"}, {"fake.node_memory", "2048"}},
       "Setting 'fake.node_memory' (2048 MiB) exceeds the node's memory (1024 MiB)"},
      {{{"fake.cpus", "2"}, {"fake.node_cpus", "3"}},
       "Setting 'fake.node_cpus' (3) exceeds the node's CPUs (2)"},
  };
  for (const auto& [settings, message] : cases) {
    SCOPED_TRACE(message);
    TestHost host(settings);
    auto hv = makeFake(host);
    auto r = hv->nodeResources();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
    EXPECT_EQ(r.error().message, message);
    auto v = hv->verify();
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message, message);
    EXPECT_TRUE(host.logged(message));
  }
}

// --- console and verify ------------------------------------------------------

TEST_F(FakeHypervisorTest, ConsoleIsAMessage) {
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  auto c = hv().console(instance("inst1"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, sdk::ConsoleInfo::Kind::kMessage);
  EXPECT_EQ(c->instance, "inst1");
  EXPECT_EQ(c->message, "Console not available for fake hypervisor");
}

TEST_F(FakeHypervisorTest, VerifyReportsAMissingStateDir) {
  EXPECT_TRUE(fs::is_directory(stateDir(host_)));  // made with the object
  EXPECT_TRUE(hv().verify().ok());
  fs::remove_all(stateDir(host_));
  auto v = hv().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(v.error().message,
            "The required directory '" + stateDir(host_).string() + "' does not exist");
  EXPECT_TRUE(hv().listInstances()->empty());
  // The next write makes it again.
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  EXPECT_TRUE(hv().verify().ok());
}

// --- migration ---------------------------------------------------------------

TEST(FakeHypervisorMigration, FullMigrationMovesTheInstance) {
  TestHost sourceHost;
  TestHost targetHost;
  auto source = makeFake(sourceHost);
  auto target = makeFake(targetHost);
  const auto spec = instance("inst1", 1024, 2);
  ASSERT_TRUE(source->startInstance(spec, false).ok());

  auto info = source->migrationInfo(spec);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(target->acceptInstance(spec, *info, "127.0.0.2").ok());
  EXPECT_TRUE(target->listInstances()->empty());  // not up until finalized
  ASSERT_TRUE(source->migrateInstance(spec, "127.0.0.2", true).ok());
  EXPECT_TRUE(sourceHost.logged("Fake hypervisor migrating inst1 to 127.0.0.2 (live=True)"));
  auto status = source->migrationStatus(spec);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kCompleted);

  ASSERT_TRUE(target->finalizeMigrationTarget(spec, *info, true).ok());
  EXPECT_EQ(readFile(stateDir(targetHost) / "inst1"), "0\n1024\n2\n");
  ASSERT_TRUE(source->finalizeMigrationSource(spec, true, true).ok());
  EXPECT_TRUE(source->listInstances()->empty());
  EXPECT_EQ(*target->listInstances(), std::vector<std::string>{"inst1"});
}

TEST(FakeHypervisorMigration, FailedMigrationKeepsTheSource) {
  TestHost sourceHost;
  TestHost targetHost;
  auto source = makeFake(sourceHost);
  auto target = makeFake(targetHost);
  const auto spec = instance("inst1");
  ASSERT_TRUE(source->startInstance(spec, false).ok());
  ASSERT_TRUE(target->acceptInstance(spec, "", "127.0.0.2").ok());
  ASSERT_TRUE(source->migrateInstance(spec, "127.0.0.2", false).ok());
  EXPECT_TRUE(sourceHost.logged("(live=False)"));
  ASSERT_TRUE(source->abortMigration(spec).ok());
  // A half-made target copy is removed on failure.
  ASSERT_TRUE(target->startInstance(spec, true).ok());
  ASSERT_TRUE(target->finalizeMigrationTarget(spec, "", false).ok());
  EXPECT_TRUE(target->listInstances()->empty());
  ASSERT_TRUE(source->finalizeMigrationSource(spec, false, false).ok());
  EXPECT_EQ(*source->listInstances(), std::vector<std::string>{"inst1"});
}

TEST(FakeHypervisorMigration, TargetRefusesARunningInstance) {
  TestHost host;
  auto hv = makeFake(host);
  ASSERT_TRUE(hv->startInstance(instance("inst1"), false).ok());
  auto r = hv->acceptInstance(instance("inst1"), "", "127.0.0.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kState);
  EXPECT_EQ(r.error().message, "Can't accept instance, already running");
}

// --- state under the node's root ----------------------------------------------

TEST(FakeHypervisorState, HostsWithSeparateRootsAreIndependent) {
  TestHost hostA;
  TestHost hostB(std::map<std::string, std::string>{{"fake.memory", "16G"}});
  auto a = makeFake(hostA);
  auto b = makeFake(hostB);
  ASSERT_TRUE(a->startInstance(instance("inst1", 2048), false).ok());
  EXPECT_TRUE(b->listInstances()->empty());
  EXPECT_FALSE(b->instanceInfo("inst1")->has_value());
  ASSERT_TRUE(b->startInstance(instance("inst1", 512), false).ok());
  EXPECT_EQ((*a->instanceInfo("inst1"))->memoryMiB, 2048);
  EXPECT_EQ((*b->instanceInfo("inst1"))->memoryMiB, 512);
  EXPECT_EQ(a->nodeResources()->memoryFreeMiB, 32768 - 1024 - 2048);
  EXPECT_EQ(b->nodeResources()->memoryFreeMiB, 16384 - 1024 - 512);
  ASSERT_TRUE(b->stopInstance(instance("inst1"), sdk::StopMode::kHard,
                              std::chrono::seconds(0)).ok());
  EXPECT_EQ(*a->listInstances(), std::vector<std::string>{"inst1"});
}

TEST(FakeHypervisorState, ANewObjectOnTheSameRootSeesRunningInstances) {
  TestHost host;
  {
    auto before = makeFake(host);
    ASSERT_TRUE(before->startInstance(instance("inst1", 4096, 3), false).ok());
  }
  auto after = makeFake(host);
  EXPECT_EQ(*after->listInstances(), std::vector<std::string>{"inst1"});
  auto info = after->instanceInfo("inst1");
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->memoryMiB, 4096);
  EXPECT_EQ((*info)->vcpus, 3);
  EXPECT_EQ(after->nodeResources()->memoryFreeMiB, 32768 - 1024 - 4096);
  auto again = after->startInstance(instance("inst1"), false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "Failed to start instance inst1: already running");
}

TEST(FakeHypervisorState, ConcurrentCallsKeepStateConsistent) {
  TestHost host;
  auto hv = makeFake(host);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const auto spec = instance("t" + std::to_string(t) + "-" + std::to_string(i), 100);
        EXPECT_TRUE(hv->startInstance(spec, false).ok());
        EXPECT_TRUE(hv->nodeResources().ok());
        if (i % 2 == 0) {
          EXPECT_TRUE(hv->stopInstance(spec, sdk::StopMode::kHard,
                                       std::chrono::seconds(0)).ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(hv->listInstances()->size(), 4u * 12u);
  EXPECT_EQ(hv->nodeResources()->memoryFreeMiB, 32768 - 1024 - 48 * 100);
}

// --- paused starts, reboots, soft stops ------------------------------------------

fs::path extrasFile(const TestHost& host, const std::string& name) {
  return host.paths().runDir / "fake-hypervisor-extra" / name;
}

fs::path migrationFile(const TestHost& host, const std::string& name, const char* end) {
  return host.paths().runDir / "fake-hypervisor-migration" / (name + end);
}

TEST_F(FakeHypervisorTest, PausedStartIsListedAsPausedUntilRebooted) {
  ASSERT_TRUE(hv().startInstance(instance("inst1", 512, 2), true).ok());
  EXPECT_EQ(readFile(stateDir(host_) / "inst1"), "0\n512\n2\n");  // Ganeti's file unchanged
  EXPECT_EQ(*hv().listInstances(), std::vector<std::string>{"inst1"});
  EXPECT_EQ((*hv().instanceInfo("inst1"))->state, sdk::InstanceState::kPaused);
  EXPECT_EQ((*hv().allInstancesInfo())[0].state, sdk::InstanceState::kPaused);
  EXPECT_EQ(readFile(extrasFile(host_, "inst1")), "paused=1\nboots=1\n");

  ASSERT_TRUE(hv().rebootInstance(instance("inst1", 512, 2), sdk::RebootType::kHard).ok());
  EXPECT_EQ((*hv().instanceInfo("inst1"))->state, sdk::InstanceState::kRunning);
  EXPECT_EQ(readFile(extrasFile(host_, "inst1")), "paused=0\nboots=2\n");
  EXPECT_TRUE(host_.logged("Rebooted fake instance inst1 (hard)"));
  ASSERT_TRUE(hv().rebootInstance(instance("inst1", 512, 2), sdk::RebootType::kSoft).ok());
  EXPECT_EQ(readFile(extrasFile(host_, "inst1")), "paused=0\nboots=3\n");

  ASSERT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kHard,
                                std::chrono::seconds(0)).ok());
  EXPECT_FALSE(fs::exists(extrasFile(host_, "inst1")));
}

TEST_F(FakeHypervisorTest, AnObedientGuestStopsAtOnce) {
  ASSERT_TRUE(hv().startInstance(instance("inst1"), false).ok());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                                std::chrono::seconds(60)).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(hv().instanceInfo("inst1")->has_value());
  EXPECT_FALSE(host_.logged("did not shut down"));
}

TEST(FakeHypervisorStop, AGuestIgnoringSoftStopIsDestroyedAfterTheTimeout) {
  TestHost host({{"fake.soft_shutdown", "ignore"}});
  auto hv = makeFake(host);
  ASSERT_TRUE(hv->startInstance(instance("inst1"), false).ok());
  ASSERT_TRUE(hv->stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                               std::chrono::seconds(0)).ok());
  EXPECT_FALSE(hv->instanceInfo("inst1")->has_value());
  EXPECT_TRUE(host.logged("Instance inst1 did not shut down within 0s, destroying it"));
  // A hard stop never asks the guest.
  ASSERT_TRUE(hv->startInstance(instance("inst2"), false).ok());
  ASSERT_TRUE(hv->stopInstance(instance("inst2"), sdk::StopMode::kHard,
                               std::chrono::seconds(60)).ok());
  EXPECT_FALSE(host.logged("Instance inst2 did not shut down"));
}

TEST(FakeHypervisorStop, AWaitingSoftStopEndsWhenTheInstanceGoesAway) {
  TestHost host({{"fake.soft_shutdown", "ignore"}});
  auto hv = makeFake(host);
  ASSERT_TRUE(hv->startInstance(instance("inst1"), false).ok());
  const auto start = std::chrono::steady_clock::now();
  std::thread soft([&] {
    EXPECT_TRUE(hv->stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                                 std::chrono::seconds(60)).ok());
  });
  ASSERT_TRUE(hv->stopInstance(instance("inst1"), sdk::StopMode::kHard,
                               std::chrono::seconds(0)).ok());
  soft.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(host.logged("did not shut down"));
}

TEST(FakeHypervisorStop, BadBehaviourSettingsAreReported) {
  TestHost host({{"fake.soft_shutdown", "sometimes"}, {"fake.migration", "maybe"}});
  auto hv = makeFake(host);
  ASSERT_TRUE(hv->startInstance(instance("inst1"), false).ok());
  auto stop = hv->stopInstance(instance("inst1"), sdk::StopMode::kSoft, std::chrono::seconds(0));
  ASSERT_FALSE(stop.ok());
  EXPECT_EQ(stop.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(stop.error().message,
            "Invalid value 'sometimes' for setting 'fake.soft_shutdown': must be obey or ignore");
  EXPECT_EQ(hv->verify().error().message,
            "Invalid value 'sometimes' for setting 'fake.soft_shutdown': must be obey or ignore");
  host.setSetting("fake.soft_shutdown", "obey");
  EXPECT_EQ(hv->verify().error().message,
            "Invalid value 'maybe' for setting 'fake.migration': must be complete, fail or stall");
  EXPECT_FALSE(hv->migrateInstance(instance("inst1"), "127.0.0.2", true).ok());
}

// --- migration phases ----------------------------------------------------------------

class FakeMigrationTest : public ::testing::Test {
 protected:
  TestHost sourceHost_;
  TestHost targetHost_;
  PluginPtr<sdk::Hypervisor> source_ = makeFake(sourceHost_);
  PluginPtr<sdk::Hypervisor> target_ = makeFake(targetHost_);
  sdk::InstanceSpec spec_ = instance("inst1", 1024, 2);

  void startOnSource() {
    ASSERT_TRUE(source_->startInstance(spec_, false).ok());
    ASSERT_TRUE(source_->balloonMemory(spec_, 700).ok());
    ASSERT_TRUE(source_->rebootInstance(spec_, sdk::RebootType::kSoft).ok());
  }
};

TEST_F(FakeMigrationTest, StateMovesFromTheSourceRootToTheTarget) {
  startOnSource();
  auto info = source_->migrationInfo(spec_);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info, "fake-migration 1\nname=inst1\nmemory=700\nvcpus=2\nboots=2\n");

  ASSERT_TRUE(target_->acceptInstance(spec_, *info, "127.0.1.2").ok());
  EXPECT_TRUE(fs::exists(migrationFile(targetHost_, "inst1", ".incoming")));
  EXPECT_TRUE(target_->listInstances()->empty());  // prepared, not running

  ASSERT_TRUE(source_->migrateInstance(spec_, "127.0.1.2", true).ok());
  auto status = source_->migrationStatus(spec_);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kCompleted);
  EXPECT_EQ(status->totalRamBytes, 700LL * 1024 * 1024);
  EXPECT_EQ(status->transferredRamBytes, status->totalRamBytes);
  EXPECT_EQ(status->remainingRamBytes, 0);
  // A live migration keeps the source running until it is finalized.
  EXPECT_EQ((*source_->instanceInfo("inst1"))->state, sdk::InstanceState::kRunning);

  ASSERT_TRUE(target_->finalizeMigrationTarget(spec_, *info, true).ok());
  // The target runs what left the source: ballooned memory, boot count.
  EXPECT_EQ(readFile(stateDir(targetHost_) / "inst1"), "0\n700\n2\n");
  EXPECT_EQ(readFile(extrasFile(targetHost_, "inst1")), "paused=0\nboots=2\n");
  EXPECT_FALSE(fs::exists(migrationFile(targetHost_, "inst1", ".incoming")));
  ASSERT_TRUE(source_->finalizeMigrationSource(spec_, true, true).ok());
  EXPECT_TRUE(source_->listInstances()->empty());
  EXPECT_FALSE(fs::exists(extrasFile(sourceHost_, "inst1")));
  EXPECT_FALSE(fs::exists(migrationFile(sourceHost_, "inst1", ".outgoing")));
  EXPECT_EQ(target_->nodeResources()->memoryFreeMiB, 32768 - 1024 - 700);
  EXPECT_EQ(source_->nodeResources()->memoryFreeMiB, 32768 - 1024);
}

TEST_F(FakeMigrationTest, NonLiveMigrationFreezesTheSourceUntilFinalized) {
  startOnSource();
  auto info = source_->migrationInfo(spec_);
  ASSERT_TRUE(target_->acceptInstance(spec_, *info, "127.0.1.2").ok());
  ASSERT_TRUE(source_->migrateInstance(spec_, "127.0.1.2", false).ok());
  EXPECT_EQ((*source_->instanceInfo("inst1"))->state, sdk::InstanceState::kPaused);
  EXPECT_TRUE(sourceHost_.logged("Fake hypervisor migrating inst1 to 127.0.1.2 (live=False)"));
  // The master decides to give up after all: the source resumes.
  ASSERT_TRUE(target_->finalizeMigrationTarget(spec_, *info, false).ok());
  ASSERT_TRUE(source_->finalizeMigrationSource(spec_, false, false).ok());
  EXPECT_EQ((*source_->instanceInfo("inst1"))->state, sdk::InstanceState::kRunning);
  EXPECT_TRUE(target_->listInstances()->empty());
}

TEST_F(FakeMigrationTest, AFailedTransferLeavesTheSourceRunning) {
  sourceHost_.setSetting("fake.migration", "fail");
  startOnSource();
  auto info = source_->migrationInfo(spec_);
  ASSERT_TRUE(target_->acceptInstance(spec_, *info, "127.0.1.2").ok());
  ASSERT_TRUE(source_->migrateInstance(spec_, "127.0.1.2", true).ok());
  auto status = source_->migrationStatus(spec_);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kFailed);
  EXPECT_EQ(status->message, "transfer failed (node setting fake.migration=fail)");
  EXPECT_EQ(status->transferredRamBytes, 0);

  ASSERT_TRUE(target_->finalizeMigrationTarget(spec_, *info, false).ok());
  ASSERT_TRUE(source_->finalizeMigrationSource(spec_, false, true).ok());
  EXPECT_EQ(*source_->listInstances(), std::vector<std::string>{"inst1"});
  EXPECT_EQ(readFile(stateDir(sourceHost_) / "inst1"), "0\n700\n2\n");
  EXPECT_TRUE(target_->listInstances()->empty());
  EXPECT_FALSE(fs::exists(migrationFile(targetHost_, "inst1", ".incoming")));
  EXPECT_FALSE(fs::exists(migrationFile(sourceHost_, "inst1", ".outgoing")));
}

TEST_F(FakeMigrationTest, AStalledTransferIsAborted) {
  sourceHost_.setSetting("fake.migration", "stall");
  startOnSource();
  auto info = source_->migrationInfo(spec_);
  ASSERT_TRUE(target_->acceptInstance(spec_, *info, "127.0.1.2").ok());
  ASSERT_TRUE(source_->migrateInstance(spec_, "127.0.1.2", true).ok());
  EXPECT_EQ(source_->migrationStatus(spec_)->state, sdk::MigrationStatus::State::kActive);
  auto twice = source_->migrateInstance(spec_, "127.0.1.3", true);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kState);
  EXPECT_EQ(twice.error().message,
            "Failed to migrate instance inst1: a migration to 127.0.1.2 is already in progress");

  ASSERT_TRUE(source_->abortMigration(spec_).ok());
  auto status = source_->migrationStatus(spec_);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::MigrationStatus::State::kCancelled);
  EXPECT_EQ(status->message, "migration aborted");
  EXPECT_TRUE(sourceHost_.logged("Aborted the migration of inst1 to 127.0.1.2"));
  ASSERT_TRUE(source_->abortMigration(spec_).ok());  // nothing left to abort

  ASSERT_TRUE(target_->finalizeMigrationTarget(spec_, *info, false).ok());
  ASSERT_TRUE(source_->finalizeMigrationSource(spec_, false, true).ok());
  EXPECT_EQ(*source_->listInstances(), std::vector<std::string>{"inst1"});
  EXPECT_TRUE(target_->listInstances()->empty());
  auto none = source_->migrationStatus(spec_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "No migration of inst1 in progress");
}

TEST_F(FakeMigrationTest, PhasesCheckWhereTheInstanceRuns) {
  auto info = source_->migrationInfo(spec_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kState);
  EXPECT_EQ(info.error().message, "Instance inst1 is not running on this node");
  auto migrate = source_->migrateInstance(spec_, "127.0.1.2", true);
  ASSERT_FALSE(migrate.ok());
  EXPECT_EQ(migrate.error().message, "Failed to migrate instance inst1: not running");

  startOnSource();
  auto good = source_->migrationInfo(spec_);
  ASSERT_TRUE(good.ok());
  auto garbled = target_->acceptInstance(spec_, "not a payload", "127.0.1.2");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(garbled.error().message, "Can't accept instance inst1: malformed migration info");
  auto other = target_->acceptInstance(instance("inst2"), *good, "127.0.1.2");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message,
            "Can't accept instance inst2: the migration info is for inst1");
  EXPECT_FALSE(fs::exists(migrationFile(targetHost_, "inst2", ".incoming")));
}

TEST_F(FakeMigrationTest, CleanupDropsLeftoversOfAStoppedInstance) {
  startOnSource();
  auto info = source_->migrationInfo(spec_);
  ASSERT_TRUE(target_->acceptInstance(spec_, *info, "127.0.1.2").ok());
  ASSERT_TRUE(source_->migrateInstance(spec_, "127.0.1.2", true).ok());
  // A running instance keeps its records.
  ASSERT_TRUE(source_->cleanupInstance("inst1").ok());
  EXPECT_TRUE(fs::exists(migrationFile(sourceHost_, "inst1", ".outgoing")));
  // The master gave up on the target without finalizing: cleanup there.
  ASSERT_TRUE(target_->cleanupInstance("inst1").ok());
  EXPECT_FALSE(fs::exists(migrationFile(targetHost_, "inst1", ".incoming")));
  ASSERT_TRUE(source_->stopInstance(spec_, sdk::StopMode::kHard, std::chrono::seconds(0)).ok());
  ASSERT_TRUE(source_->cleanupInstance("inst1").ok());
  EXPECT_FALSE(fs::exists(migrationFile(sourceHost_, "inst1", ".outgoing")));
}

TEST_F(FakeMigrationTest, WithoutInfoTheTargetStartsFromTheStartupMemory) {
  startOnSource();
  // Ganeti's own fake hypervisor sends no info.
  ASSERT_TRUE(target_->acceptInstance(spec_, "", "127.0.1.2").ok());
  ASSERT_TRUE(target_->finalizeMigrationTarget(spec_, "", true).ok());
  EXPECT_EQ(readFile(stateDir(targetHost_) / "inst1"), "0\n1024\n2\n");
}

}  // namespace
}  // namespace gantry::plugins::fake
