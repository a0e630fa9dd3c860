#include "scripts_os_provider.h"

#include <dlfcn.h>
#include <unistd.h>
#include <algorithm>
#include <sstream>
#include <gtest/gtest.h>

#include "gantry/sdk/plugin_abi.h"
#include "os_fixture_support.h"
#include "test_host_support.h"

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;
using plugins::testing::makePlugin;
using plugins::testing::PluginPtr;
using plugins::testing::TestHost;
using sdk::ErrorCode;
using testing::dumpedEnvironment;
using testing::installEnvdump;
using testing::readText;
using testing::writeScript;
using testing::writeText;

// environ comes from unistd.h (_GNU_SOURCE).

GANTRY_PLUGIN_DESCRIPTOR(kScriptsDescriptor, OsProvider, ScriptsOsProvider, "scripts", "test");

// Variables a shell adds on its own; not part of what the provider passes.
bool shellAdded(const std::string& name) { return name == "PWD" || name == "OLDPWD"; }

class ScriptsOsProviderTest : public ::testing::Test {
 protected:
  TestHost host_;
  PluginPtr<sdk::OsProvider> os_ = makePlugin<sdk::OsProvider>(kScriptsDescriptor, &host_);

  fs::path searchDir() const { return host_.paths().osSearchPath.at(0); }
  fs::path install(const std::string& api) { return installEnvdump(searchDir(), api); }
  fs::path diskFile(const std::string& name) {
    const fs::path path = host_.root() / "disks" / name;
    writeText(path, std::string(4096, '\0'));
    return path;
  }

  // An instance with two disks (file and block, one read-only with a URI)
  // and two NICs (bridged on a network, routed), kvm-like hvparams.
  sdk::InstanceSpec instance(const std::string& name) {
    sdk::InstanceSpec spec;
    spec.name = name;
    spec.uuid = "6b7a1f0e-0000-4000-8000-000000000001";
    spec.hypervisor = "kvm";
    spec.os = "envdump+beta";
    spec.primaryNode = "node1.example.com";
    spec.primaryNodeUuid = "node-uuid-1";
    spec.secondaryNodes = {"node-uuid-2"};
    spec.ctime = 1796000809.0290992;
    spec.mtime = 1796000810.0;
    spec.beparams = {{"maxmem", std::int64_t{128}},
                     {"auto_balance", true},
                     {"spindle_use", std::int64_t{1}}};
    spec.hvparams = {{"disk_type", std::string("paravirtual")},
                     {"nic_type", std::string("e1000")},
                     {"kernel_path", std::string("")},
                     {"cpu_ratio", 0.5},
                     {"initrd_path", sdk::ParamValue{}}};
    sdk::AttachedDisk d0;
    d0.uuid = "disk-uuid-0";
    d0.name = "root";
    d0.devicePath = diskFile(name + ".disk0");
    d0.sizeMiB = 1024;
    d0.devType = "file";
    d0.logicalId = {"loop", d0.devicePath.string()};
    sdk::AttachedDisk d1;
    d1.uuid = "disk-uuid-1";
    d1.index = 1;
    d1.devicePath = diskFile(name + ".disk1");
    d1.uri = "rbd:pool/vol";
    d1.readOnly = true;
    d1.sizeMiB = 512;
    d1.devType = "plain";
    spec.disks = {d0, d1};
    sdk::NicSpec n0;
    n0.uuid = "nic-uuid-0";
    n0.name = "eth0";
    n0.mac = "aa:00:00:35:d1:7e";
    n0.ip = "192.0.2.10";
    n0.mode = "bridged";
    n0.link = "br0";
    n0.network = "net-uuid";
    n0.networkName = "frontend";
    n0.networkTags = {"a", "b"};
    n0.networkSubnet = "192.0.2.0/24";
    n0.networkGateway = "192.0.2.1";
    sdk::NicSpec n1;
    n1.uuid = "nic-uuid-1";
    n1.mac = "aa:00:00:35:d1:7f";
    n1.mode = "routed";
    spec.nics = {n0, n1};
    return spec;
  }

  sdk::OsRequest request(const std::string& name, std::string* output) {
    sdk::OsRequest r;
    r.instance = instance(name);
    r.osName = "envdump+beta";
    r.osParams = {{"flavor", std::string("good")}};
    r.osParamsPrivate = {{"my-param", std::string("private")}};
    r.osParamsSecret = {{"flavor", std::string("secret")}};
    r.debugLevel = 2;
    r.output = output;
    return r;
  }

  // Everything OSEnvironment gives the instance of request(): the expected
  // values, written out as the API defines them.
  Env instanceVariables(const std::string& name, int api) {
    const fs::path disks = host_.root() / "disks";
    Env e = {
        {"OS_API_VERSION", std::to_string(api)},
        {"OS_NAME", "envdump"},
        {"OS_VARIANT", api >= 15 ? "beta" : ""},
        {"PATH", "/sbin:/bin:/usr/sbin:/usr/bin"},
        {"INSTANCE_NAME", name},
        {"INSTANCE_OS", "envdump+beta"},
        {"INSTANCE_UUID", "6b7a1f0e-0000-4000-8000-000000000001"},
        {"INSTANCE_CTIME", "1796000809.0290992"},
        {"INSTANCE_MTIME", "1796000810.0"},
        {"INSTANCE_PRIMARY_NODE", "node-uuid-1"},
        {"INSTANCE_SECONDARY_NODES", "node-uuid-2"},
        {"HYPERVISOR", "kvm"},
        {"DISK_COUNT", "2"},
        {"DISK_0_ACCESS", "rw"},
        {"DISK_0_UUID", "disk-uuid-0"},
        {"DISK_0_PATH", (disks / (name + ".disk0")).string()},
        {"DISK_0_NAME", "root"},
        {"DISK_0_SIZE", "1024"},
        {"DISK_0_FRONTEND_TYPE", "paravirtual"},
        {"DISK_0_BACKEND_TYPE", "file:loop"},
        {"DISK_1_ACCESS", "ro"},
        {"DISK_1_UUID", "disk-uuid-1"},
        {"DISK_1_PATH", (disks / (name + ".disk1")).string()},
        {"DISK_1_URI", "rbd:pool/vol"},
        {"DISK_1_SIZE", "512"},
        {"DISK_1_FRONTEND_TYPE", "paravirtual"},
        {"DISK_1_BACKEND_TYPE", "block"},
        {"NIC_COUNT", "2"},
        {"NIC_0_MAC", "aa:00:00:35:d1:7e"},
        {"NIC_0_UUID", "nic-uuid-0"},
        {"NIC_0_NAME", "eth0"},
        {"NIC_0_IP", "192.0.2.10"},
        {"NIC_0_MODE", "bridged"},
        {"NIC_0_BRIDGE", "br0"},
        {"NIC_0_LINK", "br0"},
        {"NIC_0_NETWORK_NAME", "frontend"},
        {"NIC_0_NETWORK_UUID", "net-uuid"},
        {"NIC_0_NETWORK_TAGS", "a b"},
        {"NIC_0_NETWORK_SUBNET", "192.0.2.0/24"},
        {"NIC_0_NETWORK_GATEWAY", "192.0.2.1"},
        {"NIC_0_FRONTEND_TYPE", "e1000"},
        {"NIC_1_MAC", "aa:00:00:35:d1:7f"},
        {"NIC_1_UUID", "nic-uuid-1"},
        {"NIC_1_MODE", "routed"},
        {"NIC_1_FRONTEND_TYPE", "e1000"},
        {"INSTANCE_BE_maxmem", "128"},
        {"INSTANCE_BE_auto_balance", "True"},
        {"INSTANCE_BE_spindle_use", "1"},
        {"INSTANCE_HV_disk_type", "paravirtual"},
        {"INSTANCE_HV_nic_type", "e1000"},
        {"INSTANCE_HV_kernel_path", ""},
        {"INSTANCE_HV_cpu_ratio", "0.5"},
        {"INSTANCE_HV_initrd_path", "None"},
    };
    return e;
  }
};

// Every expected variable with its value, and nothing else (bar what a
// shell adds, and `inherited` ones for import/export).
void expectEnvironment(const Env& got, const Env& expected, const Env& inherited = {}) {
  for (const auto& [name, value] : expected) {
    auto it = got.find(name);
    if (it == got.end()) {
      ADD_FAILURE() << "missing " << name;
      continue;
    }
    EXPECT_EQ(it->second, value) << "variable " << name;
  }
  for (const auto& [name, value] : got) {
    if (expected.count(name) || shellAdded(name)) continue;
    auto it = inherited.find(name);
    if (it != inherited.end() && it->second == value) continue;
    ADD_FAILURE() << "unexpected " << name << "=" << value;
  }
}

Env processEnvironment() {
  Env env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

// --- descriptor ------------------------------------------------------------------

TEST(ScriptsOsDescriptor, SharedObjectExportsAWorkingDescriptor) {
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/os/os_scripts.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "os");
  EXPECT_EQ(std::string(desc->name), "scripts");
  EXPECT_EQ(desc->create(nullptr), nullptr);
  TestHost host;
  installEnvdump(host.paths().osSearchPath.at(0), "20\n");
  auto os = makePlugin<sdk::OsProvider>(*desc, &host);
  ASSERT_NE(os, nullptr);
  auto found = os->findOs("envdump+alpha");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE(found->valid);
}

// --- listing ---------------------------------------------------------------------

TEST_F(ScriptsOsProviderTest, ListsValidAndInvalidDefinitions) {
  install("20\n");
  installEnvdump(searchDir(), "5\n", "broken");
  auto list = os_->listOses();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "broken");
  EXPECT_FALSE((*list)[0].valid);
  EXPECT_NE((*list)[0].diagnose.find("API version mismatch"), std::string::npos);
  EXPECT_EQ((*list)[1].name, "envdump");
  EXPECT_TRUE((*list)[1].valid);
  auto missing = os_->findOs("nothere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "Directory for OS nothere not found in search path");
}

TEST(ScriptsOsSearchPath, SettingAddsDirectoriesAfterTheNodesOwn) {
  TestHost host;
  const fs::path extra = host.root() / "share/gantry/os";
  installEnvdump(extra, "10\n", "shared");
  installEnvdump(host.paths().osSearchPath.at(0), "20\n", "shared");
  host.setSetting("os.search_path", " " + (host.root() / "nowhere").string() + "," +
                                        extra.string());
  ScriptsOsProvider os(&host);
  EXPECT_EQ(os.searchPath(), (std::vector<fs::path>{host.paths().osSearchPath.at(0),
                                                    host.root() / "nowhere", extra}));
  auto found = os.findOs("shared");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->path, host.paths().osSearchPath.at(0) / "shared");
  EXPECT_EQ(found->hiddenPaths, std::vector<fs::path>{extra / "shared"});
}

// --- create: the environment per API version ---------------------------------------

TEST_F(ScriptsOsProviderTest, CreateEnvironmentApi20) {
  install("20\n15\n10\n");
  std::string output;
  auto r = request("inst1", &output);
  ASSERT_TRUE(os_->create(r).ok());
  std::string header;
  const Env got = dumpedEnvironment(output, "create", &header);
  EXPECT_EQ(header, "== create 0 ");  // no arguments
  Env expected = instanceVariables("inst1", 20);
  expected["DEBUG_LEVEL"] = "2";
  // Private overrides public, secret overrides both (create only).
  expected["OSP_FLAVOR"] = "secret";
  expected["OSP_MY_PARAM"] = "private";
  expectEnvironment(got, expected);
  EXPECT_EQ(got.at("PWD"), (searchDir() / "envdump").string());
  // The script wrote into the first disk.
  EXPECT_EQ(readText(r.instance.disks[0].devicePath).substr(0, 14), "envdump inst1\n");
}

TEST_F(ScriptsOsProviderTest, CreateEnvironmentApi15) {
  install("15\n");
  std::string output;
  ASSERT_TRUE(os_->create(request("inst1", &output)).ok());
  Env expected = instanceVariables("inst1", 15);
  expected["DEBUG_LEVEL"] = "2";
  // Ganeti's OSCoreEnv passes the parameters whatever the version.
  expected["OSP_FLAVOR"] = "secret";
  expected["OSP_MY_PARAM"] = "private";
  expectEnvironment(dumpedEnvironment(output, "create"), expected);
}

TEST_F(ScriptsOsProviderTest, CreateEnvironmentApi10HasNoVariant) {
  install("10\n");
  std::string output;
  auto r = request("inst1", &output);
  r.debugLevel = 0;
  r.osParams.clear();
  r.osParamsPrivate.clear();
  r.osParamsSecret = {{"root-pw", std::string("s3cret")}};
  ASSERT_TRUE(os_->create(r).ok());
  Env expected = instanceVariables("inst1", 10);
  expected["DEBUG_LEVEL"] = "0";
  expected["OSP_ROOT_PW"] = "s3cret";
  const Env got = dumpedEnvironment(output, "create");
  expectEnvironment(got, expected);
  EXPECT_EQ(got.at("OS_VARIANT"), "");
}

TEST_F(ScriptsOsProviderTest, VariantDefaultsToTheFirstOne) {
  install("20\n");
  std::string output;
  auto r = request("inst1", &output);
  r.osName = "envdump";
  ASSERT_TRUE(os_->create(r).ok());
  const Env got = dumpedEnvironment(output, "create");
  EXPECT_EQ(got.at("OS_VARIANT"), "alpha");
  EXPECT_EQ(got.at("INSTANCE_OS"), "envdump");
}

TEST_F(ScriptsOsProviderTest, ReinstallSetsTheFlag) {
  install("20\n");
  std::string output;
  auto r = request("inst1", &output);
  r.reinstall = true;
  ASSERT_TRUE(os_->create(r).ok());
  EXPECT_EQ(dumpedEnvironment(output, "create").at("INSTANCE_REINSTALL"), "1");
}

TEST_F(ScriptsOsProviderTest, CreateOutputIsAppendedToTheOsLog) {
  install("20\n");
  std::string output;
  ASSERT_TRUE(os_->create(request("inst1", &output)).ok());
  const fs::path logDir = host_.paths().logDir / "os";
  std::vector<fs::path> logs;
  for (const auto& entry : fs::directory_iterator(logDir)) logs.push_back(entry.path());
  ASSERT_EQ(logs.size(), 1u);
  const std::string name = logs[0].filename().string();
  EXPECT_EQ(name.rfind("add-envdump+beta-inst1-", 0), 0u) << name;
  EXPECT_EQ(name.substr(name.size() - 4), ".log");
  EXPECT_EQ(readText(logs[0]), output);
}

TEST_F(ScriptsOsProviderTest, FailingCreateQuotesItsLastLines) {
  install("20\n");
  std::string output;
  auto r = os_->create(request("failing1", &output));
  ASSERT_FALSE(r.ok());
  const std::string& msg = r.error().message;
  const std::string head =
      "OS create script failed (exited with exit code 3), last lines in the log file:\n";
  ASSERT_EQ(msg.substr(0, head.size()), head) << msg;
  const std::string tail = msg.substr(head.size());
  // 20 lines: progress 7..25 and the error line.
  EXPECT_EQ(tail.substr(0, tail.find('\n')), "create progress line 7");
  EXPECT_EQ(tail.substr(tail.rfind('\n') + 1), "envdump: cannot install failing1");
  EXPECT_EQ(std::count(tail.begin(), tail.end(), '\n'), 19);
  // The whole output still reached the caller.
  EXPECT_NE(output.find("create progress line 1\n"), std::string::npos);
  EXPECT_NE(output.find("INSTANCE_NAME=failing1"), std::string::npos);
}

TEST_F(ScriptsOsProviderTest, ScriptKilledBySignal) {
  const fs::path dir = install("20\n");
  writeScript(dir / "create", "#!/bin/sh\necho going\nkill -9 $$\n");
  auto r = os_->create(request("inst1", nullptr));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "OS create script failed (terminated by signal 9), last lines in the log "
            "file:\ngoing");
}

TEST_F(ScriptsOsProviderTest, InvalidOrMissingDefinitionsAreReportedWithTheReason) {
  const fs::path dir = install("20\n");
  fs::permissions(dir / "create", fs::perms(0644));
  auto r = os_->create(request("inst1", nullptr));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "File 'create' under path '" + dir.string() + "' is not executable");
  auto req = request("inst1", nullptr);
  req.osName = "other+x";
  auto missing = os_->create(req);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "Directory for OS other not found in search path");
}

TEST_F(ScriptsOsProviderTest, UntrustedOnlyOsCannotBeInstalledHere) {
  const fs::path dir = install("20\n");
  fs::rename(dir / "create", dir / "create_untrusted");
  auto r = os_->create(request("inst1", nullptr));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("only an untrusted create script"), std::string::npos);
}

// --- rename ------------------------------------------------------------------------

TEST_F(ScriptsOsProviderTest, RenameEnvironment) {
  install("20\n");
  std::string output;
  auto r = request("new1", &output);
  r.oldName = "old1";
  r.debugLevel = 1;
  ASSERT_TRUE(os_->rename(r).ok());
  Env expected = instanceVariables("new1", 20);
  expected["DEBUG_LEVEL"] = "1";
  expected["OSP_FLAVOR"] = "good";  // no secret parameters outside create
  expected["OSP_MY_PARAM"] = "private";
  expected["OLD_INSTANCE_NAME"] = "old1";
  expectEnvironment(dumpedEnvironment(output, "rename"), expected);
  bool found = false;
  for (const auto& entry : fs::directory_iterator(host_.paths().logDir / "os")) {
    const std::string name = entry.path().filename().string();
    found = found || name.rfind("rename-envdump+beta-old1-new1-", 0) == 0;
  }
  EXPECT_TRUE(found);
  r.oldName.clear();
  EXPECT_EQ(os_->rename(r).error().code, ErrorCode::kInvalid);
}

TEST_F(ScriptsOsProviderTest, FailingRenameNamesTheScript) {
  const fs::path dir = install("20\n");
  writeScript(dir / "rename", "#!/bin/sh\necho cannot rename >&2\nexit 1\n");
  auto r = request("new1", nullptr);
  r.oldName = "old1";
  auto result = os_->rename(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "OS rename script failed (exited with exit code 1), last lines in the log "
            "file:\ncannot rename");
}

// --- import and export ------------------------------------------------------------------

TEST_F(ScriptsOsProviderTest, ExportThenImportMoveTheDiskThroughTheStream) {
  install("20\n");
  auto r = request("inst1", nullptr);
  writeText(r.instance.disks[1].devicePath, "disk one data");
  std::string output;
  r.output = &output;
  r.diskIndex = 1;
  r.streamFile = host_.root() / "dump";
  ASSERT_TRUE(os_->exportDisk(r).ok()) << output;
  EXPECT_EQ(readText(r.streamFile), "disk one data");
  Env expected = instanceVariables("inst1", 20);
  expected["DEBUG_LEVEL"] = "0";
  expected["OSP_FLAVOR"] = "good";
  expected["OSP_MY_PARAM"] = "private";
  expected["LC_ALL"] = "C";
  expected["EXP_SIZE_FD"] = "3";
  Env exportExpected = expected;
  exportExpected["EXPORT_INDEX"] = "1";
  exportExpected["EXPORT_DEVICE"] = r.instance.disks[1].devicePath.string();
  exportExpected["EXPORT_DISK_PATH"] = r.instance.disks[1].devicePath.string();
  exportExpected["EXPORT_DISK_URI"] = "rbd:pool/vol";
  // The node daemon's own environment is passed on (Ganeti's import-export
  // daemon does so), under the OS variables.
  const Env inherited = processEnvironment();
  expectEnvironment(dumpedEnvironment(output, "export"), exportExpected, inherited);
  EXPECT_TRUE(host_.logged("announced 13 bytes for disk 1"));

  output.clear();
  r.diskIndex = 0;
  ASSERT_TRUE(os_->importDisk(r).ok()) << output;
  EXPECT_EQ(readText(r.instance.disks[0].devicePath), "disk one data");
  Env importExpected = expected;
  importExpected["IMPORT_INDEX"] = "0";
  importExpected["IMPORT_DEVICE"] = r.instance.disks[0].devicePath.string();
  importExpected["IMPORT_DISK_PATH"] = r.instance.disks[0].devicePath.string();
  expectEnvironment(dumpedEnvironment(output, "import"), importExpected, inherited);
  EXPECT_TRUE(fs::exists(host_.paths().logDir / "os"));
}

TEST_F(ScriptsOsProviderTest, ExportOfASnapshotNamesTheSnapshot) {
  install("20\n");
  auto r = request("inst1", nullptr);
  std::string output;
  r.output = &output;
  r.exportDevice = diskFile("snap");
  r.streamFile = host_.root() / "dump";
  ASSERT_TRUE(os_->exportDisk(r).ok()) << output;
  const Env got = dumpedEnvironment(output, "export");
  EXPECT_EQ(got.at("EXPORT_DEVICE"), r.exportDevice.string());
  EXPECT_EQ(got.count("EXPORT_DISK_URI"), 0u);
  EXPECT_EQ(got.at("DISK_0_PATH"), r.instance.disks[0].devicePath.string());
}

TEST_F(ScriptsOsProviderTest, TransferErrors) {
  const fs::path dir = install("20\n");
  auto r = request("inst1", nullptr);
  r.streamFile = host_.root() / "dump";
  r.diskIndex = 2;
  EXPECT_EQ(os_->exportDisk(r).error().message, "Instance inst1 has no disk 2");
  r.diskIndex = 0;
  r.streamFile = "relative";
  EXPECT_EQ(os_->importDisk(r).error().code, ErrorCode::kInvalid);
  r.streamFile = host_.root() / "no-such-stream";
  auto missing = os_->importDisk(r);
  ASSERT_FALSE(missing.ok());
  // The stream is opened for the script: a missing one means it never ran.
  EXPECT_EQ(missing.error().message.rfind("OS import script could not be run: ", 0), 0u)
      << missing.error().message;
  writeScript(dir / "export", "#!/bin/sh\necho broken pipe here >&2\nexit 4\n");
  r.streamFile = host_.root() / "dump";
  auto failed = os_->exportDisk(r);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message,
            "OS export script failed (exited with exit code 4), last lines in the log "
            "file:\nbroken pipe here");
}

// --- validation ---------------------------------------------------------------------

TEST_F(ScriptsOsProviderTest, ValidateRunsVerifyWithTheCoreEnvironment) {
  const fs::path dir = install("20\n");
  // A verify that keeps its environment for inspection.
  writeScript(dir / "verify",
              "#!/bin/sh\n[ \"$1\" = parameters ] || exit 2\nenv > \"$OSP_FLAVOR\"\n");
  const fs::path out = host_.root() / "verify-env";
  ASSERT_TRUE(os_->validate("envdump+beta",
                            {{"flavor", std::string(out.string())},
                             {"my-param", std::string("x")}},
                            false)
                  .ok());
  Env got;
  std::istringstream in(readText(out));
  for (std::string line; std::getline(in, line);) {
    got[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
  }
  expectEnvironment(got, {{"OS_API_VERSION", "20"},
                          {"OS_NAME", "envdump"},
                          {"OS_VARIANT", "beta"},
                          {"DEBUG_LEVEL", "0"},
                          {"OSP_FLAVOR", out.string()},
                          {"OSP_MY_PARAM", "x"},
                          {"PATH", "/sbin:/bin:/usr/sbin:/usr/bin"}});
}

TEST_F(ScriptsOsProviderTest, ValidateFailuresUseGanetisMessages) {
  install("20\n");
  auto bad = os_->validate("envdump+beta", {{"flavor", std::string("bad")}}, false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(
                "OS validation script failed (exited with exit code 1), output: == verify 1 "
                "parameters\n",
                0),
            0u)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("envdump: flavor must be good or better\n"),
            std::string::npos);

  EXPECT_EQ(os_->validate("envdump", {}, false).error().message,
            "OS name 'envdump' must include a variant");
  EXPECT_EQ(os_->validate("envdump+gamma", {}, false).error().message,
            "OS 'envdump' does not support variant 'gamma'");
  EXPECT_TRUE(os_->validate("envdump+gamma", {}, true).ok());
  EXPECT_EQ(os_->validate("envdump+beta", {{"zeta", std::string("1")},
                                           {"alpha", std::string("2")}},
                          false)
                .error()
                .message,
            "The following parameters are not supported by the OS envdump: alpha, zeta");
  EXPECT_EQ(os_->validate("nothere", {}, false).error().code, ErrorCode::kNotFound);
}

TEST_F(ScriptsOsProviderTest, ValidateBelowApi20ChecksOnlyTheVariant) {
  const fs::path dir = install("10\n");
  EXPECT_EQ(os_->validate("envdump+beta", {}, false).error().message,
            "OS 'envdump' does not support variants ('beta' passed)");
  // No parameter check, no script, below API 20.
  writeScript(dir / "verify", "#!/bin/sh\nexit 1\n");
  EXPECT_TRUE(os_->validate("envdump", {{"anything", std::string("x")}}, false).ok());
}

}  // namespace
}  // namespace gantry::plugins::os_scripts
