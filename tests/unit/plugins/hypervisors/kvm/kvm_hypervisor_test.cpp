// The kvm hypervisor without a guest: descriptor, parameters, consoles,
// node resources and the paths that must not need qemu.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/plugin_abi.h"
#include "kvm_hypervisor.h"
#include "kvm_params.h"
#include "test_host_support.h"

namespace gantry::plugins::kvm {
namespace {

namespace fs = std::filesystem;
using sdk::ErrorCode;
using testing::makePlugin;
using testing::PluginPtr;
using testing::TestHost;

GANTRY_PLUGIN_DESCRIPTOR(kKvmDescriptor, Hypervisor, KvmHypervisor, "kvm", "test");

sdk::InstanceSpec instance(const std::string& name, sdk::ParamMap hv = {}) {
  sdk::InstanceSpec spec;
  spec.name = name;
  spec.hypervisor = "kvm";
  spec.primaryNode = "node1.example.com";
  spec.startupMemoryMiB = 128;
  spec.vcpus = 1;
  spec.beparams = {{"maxmem", std::int64_t{128}}, {"minmem", std::int64_t{128}}};
  spec.hvparams = fillHvparams(hv);
  return spec;
}

class KvmHypervisorTest : public ::testing::Test {
 protected:
  TestHost host_;
  PluginPtr<sdk::Hypervisor> hv_ = makePlugin<sdk::Hypervisor>(kKvmDescriptor, &host_);
  sdk::Hypervisor& hv() { return *hv_; }
  fs::path base() const { return host_.paths().runDir / "kvm-hypervisor"; }
};

TEST(KvmHypervisorDescriptor, SharedObjectExportsAWorkingDescriptor) {
  EXPECT_EQ(kKvmDescriptor.create(nullptr), nullptr);
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/hypervisor/hv_kvm.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "hypervisor");
  EXPECT_EQ(std::string(desc->name), "kvm");
  EXPECT_EQ(desc->abi_major, GANTRY_SDK_ABI_MAJOR);
  TestHost host;
  auto hv = makePlugin<sdk::Hypervisor>(*desc, &host);
  ASSERT_NE(hv, nullptr);
  EXPECT_TRUE(hv->canMigrate());
  EXPECT_EQ(hv->parameters().size(), kvmParameters().size());
}

TEST_F(KvmHypervisorTest, CreatesItsRuntimeDirsUnderTheNodeRoot) {
  for (const char* dir : {"pid", "ctrl", "conf"}) {
    EXPECT_TRUE(fs::is_directory(base() / dir)) << dir;
  }
  EXPECT_TRUE(fs::is_directory(host_.paths().logDir / "kvm"));
}

TEST_F(KvmHypervisorTest, ChecksParametersByName) {
  auto checked = hv().checkParameters(defaultHvparams());
  EXPECT_TRUE(checked);
  sdk::ParamMap bad = defaultHvparams();
  bad["disk_cache"] = std::string("fast");
  checked = hv().checkParameters(bad);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalid);
  EXPECT_NE(checked.error().message.find("'disk_cache'"), std::string::npos);
}

TEST_F(KvmHypervisorTest, NothingRunsOnAFreshNode) {
  auto names = hv().listInstances();
  ASSERT_TRUE(names);
  EXPECT_TRUE(names->empty());
  auto info = hv().instanceInfo("inst1");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->has_value());
  auto all = hv().allInstancesInfo();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(KvmHypervisorTest, StoppingAStoppedInstanceSucceeds) {
  EXPECT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kSoft,
                                std::chrono::seconds(1)));
  EXPECT_TRUE(hv().stopInstance(instance("inst1"), sdk::StopMode::kHard,
                                std::chrono::seconds(1)));
}

TEST_F(KvmHypervisorTest, OperationsOnAStoppedInstanceAreStateErrors) {
  auto reboot = hv().rebootInstance(instance("inst1"), sdk::RebootType::kHard);
  ASSERT_FALSE(reboot);
  EXPECT_EQ(reboot.error().code, ErrorCode::kState);
  EXPECT_EQ(reboot.error().message, "Failed to reboot instance inst1: not running");
  auto balloon = hv().balloonMemory(instance("inst1"), 64);
  ASSERT_FALSE(balloon);
  EXPECT_EQ(balloon.error().code, ErrorCode::kState);
  EXPECT_FALSE(hv().migrationInfo(instance("inst1")));
  EXPECT_FALSE(hv().migrateInstance(instance("inst1"), "127.0.0.1", true));
  EXPECT_FALSE(hv().migrationStatus(instance("inst1")));
}

TEST_F(KvmHypervisorTest, RefusesInstanceNamesThatAreNotFileNames) {
  for (const char* name : {"", "../x", ".hidden", "a/b"}) {
    auto started = hv().startInstance(instance(name), false);
    ASSERT_FALSE(started) << name;
    EXPECT_EQ(started.error().code, ErrorCode::kInvalid);
  }
}

TEST_F(KvmHypervisorTest, FailedStartReportsQemusWordsAndLeavesNothing) {
  // A "qemu" that fails the way qemu does on a bad option.
  const fs::path fake = host_.root() / "fake-qemu";
  {
    std::ofstream out(fake);
    out << "#!/bin/sh\necho 'qemu-system-x86_64: -foo: invalid option' >&2\nexit 1\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  auto started = hv().startInstance(
      instance("inst1", {{"kvm_path", fake.string()}, {"kernel_path", std::string()}}), false);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("Failed to start instance inst1: exited with exit code 1"),
            std::string::npos)
      << started.error().message;
  EXPECT_NE(started.error().message.find("-foo: invalid option"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(base() / "pid"));
  EXPECT_TRUE(fs::is_empty(base() / "conf"));
}

TEST_F(KvmHypervisorTest, StartRefusesInvalidParametersBeforeRunningAnything) {
  auto started = hv().startInstance(
      instance("inst1", {{"kernel_path", std::string("/nonexistent/vmlinuz")}}), false);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("Parameter 'kernel_path' fails validation"),
            std::string::npos);
  started = hv().startInstance(instance("inst1", {{"nic_type", std::string("virtio")}}), false);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("'nic_type'"), std::string::npos);
}

TEST_F(KvmHypervisorTest, AStalePidFileIsNotARunningInstance) {
  // Our own pid is alive, but it is not a qemu with this pid file.
  std::ofstream(base() / "pid" / "ghost") << ::getpid() << "\n";
  std::ofstream(base() / "pid" / "dead") << 999999 << "\n";
  auto names = hv().listInstances();
  ASSERT_TRUE(names);
  EXPECT_TRUE(names->empty());
  EXPECT_TRUE(hv().cleanupInstance("ghost"));
  EXPECT_FALSE(fs::exists(base() / "pid" / "ghost"));
}

TEST_F(KvmHypervisorTest, ConsoleKindsFollowGaneti) {
  auto serial = hv().console(instance("inst1"));
  ASSERT_TRUE(serial);
  EXPECT_EQ(serial->kind, sdk::ConsoleInfo::Kind::kSerialSocket);
  EXPECT_EQ(serial->socketPath, (base() / "ctrl" / "inst1.serial").string());
  EXPECT_EQ(serial->host, "node1.example.com");
  ASSERT_FALSE(serial->command.empty());
  EXPECT_EQ(serial->command.back(), "UNIX-CONNECT:" + serial->socketPath);

  sdk::InstanceSpec vnc = instance("inst1", {{"serial_console", false},
                                             {"vnc_bind_address", std::string("127.0.0.1")}});
  vnc.networkPort = 5903;
  auto vncConsole = hv().console(vnc);
  ASSERT_TRUE(vncConsole);
  EXPECT_EQ(vncConsole->kind, sdk::ConsoleInfo::Kind::kVnc);
  EXPECT_EQ(vncConsole->host, "127.0.0.1");
  EXPECT_EQ(vncConsole->port, 5903);
  EXPECT_EQ(vncConsole->display, 3);

  sdk::InstanceSpec spice = instance("inst1", {{"serial_console", false},
                                               {"spice_bind", std::string("127.0.0.1")}});
  spice.networkPort = 11000;
  auto spiceConsole = hv().console(spice);
  ASSERT_TRUE(spiceConsole);
  EXPECT_EQ(spiceConsole->kind, sdk::ConsoleInfo::Kind::kSpice);
  EXPECT_EQ(spiceConsole->port, 11000);

  auto none = hv().console(instance("inst1", {{"serial_console", false}}));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->kind, sdk::ConsoleInfo::Kind::kMessage);
  EXPECT_EQ(none->message, "No serial shell for instance inst1");
}

TEST_F(KvmHypervisorTest, NodeResourcesComeFromProc) {
  auto node = hv().nodeResources();
  ASSERT_TRUE(node) << node.error().message;
  EXPECT_GT(node->memoryTotalMiB, 0);
  EXPECT_LE(node->memoryFreeMiB, node->memoryTotalMiB);
  EXPECT_EQ(node->memoryDom0MiB + node->memoryFreeMiB, node->memoryTotalMiB);
  EXPECT_EQ(node->cpuTotal, ::sysconf(_SC_NPROCESSORS_ONLN));  // cpuinfo lists online CPUs
}

TEST_F(KvmHypervisorTest, VerifyNamesAMissingBinary) {
  host_.setSetting("kvm.path", "/nonexistent/qemu");
  auto verified = hv().verify();
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().message, "The KVM binary ('/nonexistent/qemu') does not exist");
  host_.setSetting("kvm.path", "/bin/sh");
  EXPECT_TRUE(hv().verify());
}

}  // namespace
}  // namespace gantry::plugins::kvm
