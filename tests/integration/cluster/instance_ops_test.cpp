// The instance commands beyond the first lifecycle, on a 3-node virtual
// cluster through the CLI only: info, modify, grow-disk, activate- and
// deactivate-disks, reinstall, rename, batch-create, reboot of a
// selection, and a second job on a locked instance waiting its turn.
// Outputs are compared with golden files (cluster/golden_support.h).
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/golden_support.h"
#include "cluster/vcluster_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

class InstanceOpsTest : public ::testing::Test {
 protected:
  sdk::ProcessResult gnt(const std::string& tool, const std::vector<std::string>& args) {
    return cluster_.exec("node1", tool, args);
  }
  sdk::ProcessResult instance(const std::vector<std::string>& args) {
    return gnt("gnt-instance", args);
  }
  void golden(const std::string& name, const sdk::ProcessResult& result) {
    expectGolden(name, result.out + (result.err.empty() ? "" : "--- stderr\n" + result.err),
                 cluster_.dir());
  }
  std::string configState() { return configStoreState(cluster_.dataDir("node1")); }
  fs::path sharedDir(const std::string& name) {
    return cluster_.dir() / "shared-file-storage" / name;
  }
  // A started sharedfile instance with the shipped OS on `node`.
  void addInstance(const std::string& name, const std::string& node,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"add", "-t", "sharedfile", "-s", "256m", "-o",
                                     "gantry-image+default", "-n", node};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(name);
    auto added = instance(args);
    ASSERT_TRUE(added.succeeded()) << added.out << added.err;
  }

  VirtualCluster cluster_{3};
};

TEST_F(InstanceOpsTest, InfoModifyAndDiskCommands) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("web1", "node1", {"-B", "vcpus=2"});

  golden("info-running", instance({"info", "web1"}));
  golden("info-static", instance({"info", "-s", "web1"}));
  auto noName = instance({"info"});
  EXPECT_EQ(noName.exitCode, 1);
  EXPECT_EQ(noName.err,
            "No instance selected. Please pass in --all if you want to query all instances.\n"
            "Note that this can take a long time on a big cluster.\n");

  golden("modify-memory", instance({"modify", "-B", "memory=512m", "web1"}));
  golden("modify-disk-add", instance({"modify", "--disk", "add:size=128m,name=data", "web1"}));
  golden("modify-nic-add-modify",
         instance({"modify", "--net", "add:link=br1", "--net", "0:modify,mode=routed", "web1"}));
  auto list = instance({"list", "--no-headers", "-o", "name,be/maxmem,disk.sizes,nic.modes,nic.links"});
  EXPECT_EQ(list.out, "web1 512M 256,128 routed,bridged xen-br0,br1\n");

  // A disk is removed only while the instance is down.
  const std::string before = configState();
  auto whileUp = instance({"modify", "--disk", "1:remove", "web1"});
  EXPECT_EQ(whileUp.exitCode, 1);
  golden("modify-disk-remove-running", whileUp);
  EXPECT_EQ(configState(), before);
  ASSERT_TRUE(instance({"shutdown", "web1"}).succeeded());
  golden("modify-disk-remove", instance({"modify", "--disk", "1:remove", "web1"}));
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "disk.sizes"}).out, "256\n");

  // grow-disk: the file grows on the shared storage, the config follows.
  golden("grow-disk", instance({"grow-disk", "web1", "0", "64m"}));
  const fs::path disk = onlyFileIn(sharedDir("web1"));
  ASSERT_FALSE(disk.empty());
  EXPECT_EQ(fs::file_size(disk), 320u << 20);
  auto smaller = instance({"grow-disk", "--absolute", "web1", "0", "100m"});
  EXPECT_EQ(smaller.exitCode, 1);
  EXPECT_NE(smaller.err.find("Requested size (100M) is smaller than current disk size (320M)"),
            std::string::npos)
      << smaller.err;
  EXPECT_EQ(fs::file_size(disk), 320u << 20);

  golden("activate-disks", instance({"activate-disks", "web1"}));
  ASSERT_TRUE(instance({"deactivate-disks", "web1"}).succeeded());
  ASSERT_TRUE(instance({"startup", "web1"}).succeeded());
  auto running = instance({"deactivate-disks", "web1"});
  EXPECT_EQ(running.exitCode, 1);
  golden("deactivate-disks-running", running);
}

TEST_F(InstanceOpsTest, ReinstallRenameAndBatchCreate) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("app1", "node2");

  auto up = instance({"reinstall", "-f", "app1"});
  EXPECT_EQ(up.exitCode, 1);
  golden("reinstall-running", up);
  ASSERT_TRUE(instance({"shutdown", "app1"}).succeeded());
  // The shipped OS writes its image header again: a marker the test puts
  // in its place is gone after the reinstall.
  const fs::path disk = onlyFileIn(sharedDir("app1"));
  ASSERT_FALSE(disk.empty());
  {
    std::fstream out(disk, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(0);
    out << "marker-before-reinstall";
  }
  golden("reinstall", instance({"reinstall", "-f", "app1"}));
  {
    std::ifstream in(disk, std::ios::binary);
    std::string head(256, '\0');
    in.read(head.data(), 256);
    EXPECT_EQ(head.find("marker-before-reinstall"), std::string::npos);
    EXPECT_NE(head.find("name=app1\n"), std::string::npos) << head;
  }

  addInstance("app2", "node3", {"--no-start"});
  const std::string before = configState();
  auto taken = instance({"rename", "app1", "app2"});
  EXPECT_EQ(taken.exitCode, 1);
  EXPECT_NE(taken.err.find("Instance 'app2' is already in the cluster"), std::string::npos)
      << taken.err;
  EXPECT_EQ(configState(), before);
  golden("rename", instance({"rename", "app1", "db1"}));
  EXPECT_TRUE(sharedDir("app1").empty() || !fs::exists(sharedDir("app1")));
  EXPECT_FALSE(onlyFileIn(sharedDir("db1")).empty());
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "name,status"}).out,
            "app2 ADMIN_down\ndb1  ADMIN_down\n");
  ASSERT_TRUE(instance({"startup", "db1"}).succeeded());

  // batch-create, Ganeti 3's form: a list of OP_INSTANCE_CREATE parameters.
  const fs::path batch = cluster_.dir() / "batch.json";
  std::ofstream(batch) << R"([
    {"instance_name": "b1", "mode": "create", "disk_template": "sharedfile",
     "disks": [{"size": 64}], "nics": [{}], "os_type": "gantry-image+default", "pnode": "node1"},
    {"instance_name": "b2", "mode": "create", "disk_template": "file",
     "disks": [{"size": 64}], "nics": [{}], "os_type": "gantry-image+default", "pnode": "node2",
     "start": false}])";
  golden("batch-create", instance({"batch-create", batch.string()}));
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "name,pnode,status", "b1", "b2"}).out,
            "b1 node1 running\nb2 node2 ADMIN_down\n");
  // Ganeti 2's documented form (the example file): read, then refused as a
  // whole because it names neither nodes nor an allocator.
  const std::string beforeBatch = configState();
  auto legacy = instance({"batch-create", std::string(GANTRY_SHARED_DIR) +
                                              "/testdata/ganeti/doc/examples/batcher-instances.json"});
  EXPECT_EQ(legacy.exitCode, 1);
  golden("batch-create-legacy-file", legacy);
  EXPECT_EQ(configState(), beforeBatch);
  auto unknownKey = std::ofstream(cluster_.dir() / "bad.json");
  unknownKey << R"([{"instance_name": "b3", "colour": "blue"}])";
  unknownKey.close();
  auto bad = instance({"batch-create", (cluster_.dir() / "bad.json").string()});
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find("Unknown fields in definition 0: colour"), std::string::npos) << bad.err;
}

TEST_F(InstanceOpsTest, RebootOfASelectionAsksThenRunsOneJobPerInstance) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("a1", "node1");
  addInstance("a2", "node2");
  addInstance("a3", "node2", {"--no-start"});
  // Without a terminal the question is answered no: nothing happens.
  auto declined = instance({"reboot", "--all"});
  EXPECT_EQ(declined.exitCode, 1);
  EXPECT_EQ(declined.out, "");
  golden("reboot-all", instance({"reboot", "--all", "--force-multiple"}));
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "name,status"}).out,
            "a1 running\na2 running\na3 running\n");
  golden("shutdown-primary-node2",
         instance({"shutdown", "--primary", "--force-multiple", "node2"}));
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "name,status"}).out,
            "a1 running\na2 ADMIN_down\na3 ADMIN_down\n");
  auto none = instance({"startup", "--tags", "--force-multiple", "nosuchtag"});
  EXPECT_EQ(none.exitCode, 1);
  EXPECT_NE(none.err.find("Selection filter does not match any instances"), std::string::npos);
}

// The shipped OS with a create script that waits until the test opens
// its gate, so a job can be held at a known point.
fs::path installGatedOs(const VirtualCluster& cluster, const std::string& node) {
  const fs::path target = cluster.root(node) / "srv/gantry/os/gatedos";
  fs::create_directories(target.parent_path());
  fs::copy(fs::path(GANTRY_BINARY_DIR) / "share/gantry/os/gantry-image", target,
           fs::copy_options::recursive);
  fs::remove(target / "variants.list");
  const fs::path gate = cluster.dir() / "gate";
  std::ofstream(target / "create", std::ios::trunc)
      << "#!/bin/sh\ni=0\nwhile [ ! -e '" << gate.string()
      << "' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n";
  fs::permissions(target / "create", fs::perms::owner_all);
  return gate;
}

TEST_F(InstanceOpsTest, ASecondJobOnTheSameInstanceWaitsForTheLock) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  const fs::path gate = installGatedOs(cluster_, "node2");
  addInstance("locked", "node2", {"--no-start"});
  ASSERT_TRUE(instance({"reinstall", "-f", "--submit", "-o", "gatedos", "locked"}).succeeded());
  auto jobStatus = [&] { return gnt("gnt-job", {"list", "--no-headers", "-o", "id,status"}).out; };
  auto waitUntil = [&](const std::string& text) {
    for (int i = 0; i < 600 && jobStatus().find(text) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return jobStatus();
  };
  const std::string reinstallRunning = waitUntil(" running");
  ASSERT_NE(reinstallRunning.find(" running"), std::string::npos) << reinstallRunning;
  auto start = instance({"startup", "--submit", "locked"});
  ASSERT_TRUE(start.succeeded()) << start.err;
  // The start job waits for the instance lock while the reinstall holds it.
  const std::string both = waitUntil(" waiting");
  EXPECT_NE(both.find(" running"), std::string::npos) << both;
  EXPECT_NE(both.find(" waiting"), std::string::npos) << both;
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "status"}).out, "ADMIN_down\n");

  std::ofstream(gate) << "open\n";
  const std::string done = waitUntil(" success\n");
  for (int i = 0; i < 600 && jobStatus().find("running") != std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string finished = jobStatus();
  EXPECT_EQ(finished.find("running"), std::string::npos) << finished;
  EXPECT_EQ(finished.find("waiting"), std::string::npos) << finished;
  EXPECT_EQ(finished.find("error"), std::string::npos) << finished;
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "os,status"}).out, "gatedos running\n");
}

// modify --runtime-memory: the running instance's memory changes in place
// (the config's bounds stay), within minmem..maxmem unless forced, only
// as far as the node has memory free, and only while it runs.
TEST_F(InstanceOpsTest, RuntimeMemoryBalloonsARunningInstanceWithinItsBounds) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("mem1", "node2", {"-B", "maxmem=512,minmem=256"});
  auto ballooned = instance({"modify", "-m", "300", "mem1"});
  ASSERT_TRUE(ballooned.succeeded()) << ballooned.err;
  EXPECT_NE(ballooned.out.find("Modified instance mem1\n - runtime_memory -> 300\n"),
            std::string::npos)
      << ballooned.out;
  EXPECT_EQ(instance({"list", "--no-headers", "--units", "m", "-o", "oper_ram,be/maxmem"}).out,
            "300 512\n");

  const std::string before = configState();
  auto outside = instance({"modify", "-m", "1024", "mem1"});
  EXPECT_EQ(outside.exitCode, 1);
  EXPECT_NE(outside.err.find("Instance mem1 must have memory between 256 and 512 MB of memory "
                             "unless --force is given"),
            std::string::npos)
      << outside.err;
  auto tooMuch = instance({"modify", "-m", "100000", "--force", "mem1"});
  EXPECT_EQ(tooMuch.exitCode, 1);
  EXPECT_NE(tooMuch.err.find("Not enough memory on node node2 for ballooning memory for "
                             "instance mem1: needed "),
            std::string::npos)
      << tooMuch.err;
  EXPECT_EQ(configState(), before);
  EXPECT_EQ(instance({"list", "--no-headers", "--units", "m", "-o", "oper_ram"}).out, "300\n");

  ASSERT_TRUE(instance({"modify", "-m", "1024", "--force", "mem1"}).succeeded());
  EXPECT_EQ(instance({"list", "--no-headers", "--units", "m", "-o", "oper_ram"}).out, "1024\n");
  ASSERT_TRUE(instance({"shutdown", "mem1"}).succeeded());
  auto stopped = instance({"modify", "-m", "300", "mem1"});
  EXPECT_EQ(stopped.exitCode, 1);
  EXPECT_NE(stopped.err.find("Instance mem1 is not running"), std::string::npos) << stopped.err;
}

// OP_INSTANCE_CONSOLE as any client may submit it (RAPI's /console does):
// the console object of a running instance; Ganeti's error for a stopped
// one.
TEST_F(InstanceOpsTest, ConsoleOpcodeAnswersForARunningInstanceOnly) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("con1", "node2");
  const fs::path job = cluster_.dir() / "console-job.json";
  std::ofstream(job) << R"([{"OP_ID": "OP_INSTANCE_CONSOLE", "instance_name": "con1"}])";
  auto submitted = gnt("gnt-debug", {"submit-job", job.string()});
  ASSERT_TRUE(submitted.succeeded()) << submitted.out << submitted.err;
  const std::string waiting = "Waiting for job ";
  const auto at = submitted.out.find(waiting);
  ASSERT_NE(at, std::string::npos) << submitted.out;
  const std::string jobId = submitted.out.substr(
      at + waiting.size(), submitted.out.find(' ', at + waiting.size()) - at - waiting.size());
  auto info = gnt("gnt-job", {"info", jobId});
  EXPECT_NE(info.out.find(R"(Result: {"instance":"con1","kind":"msg",)"
                          R"("message":"Console not available for fake hypervisor"})"),
            std::string::npos)
      << info.out;

  ASSERT_TRUE(instance({"shutdown", "con1"}).succeeded());
  auto refused = gnt("gnt-debug", {"submit-job", job.string()});
  EXPECT_NE((refused.out + refused.err).find("Instance con1 is not running (state ADMIN_down)"),
            std::string::npos)
      << refused.out << refused.err;
}

// A migration interrupted after the guest moved (the config still names
// the old node): --cleanup finds it and makes the config agree; it refuses
// to guess when the guest runs nowhere.
TEST_F(InstanceOpsTest, MigrateCleanupMakesTheConfigAgreeWithTheNodes) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("mover", "node1");
  golden("migrate-cleanup-in-place", instance({"migrate", "--cleanup", "-f", "mover"}));
  const fs::path records = "var/run/gantry/fake-hypervisor";
  fs::create_directories(cluster_.root("node3") / records);
  fs::rename(cluster_.root("node1") / records / "mover",
             cluster_.root("node3") / records / "mover");
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "pnode,status"}).out,
            "node1 ERROR_wrongnode\n");
  golden("migrate-cleanup-moved", instance({"migrate", "--cleanup", "-f", "mover"}));
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "pnode,status"}).out, "node3 running\n");

  fs::remove(cluster_.root("node3") / records / "mover");
  auto nowhere = instance({"migrate", "--cleanup", "-f", "mover"});
  EXPECT_EQ(nowhere.exitCode, 1);
  EXPECT_NE(nowhere.err.find("Instance does not seem to be running at all"), std::string::npos)
      << nowhere.err;
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "pnode"}).out, "node3\n");
}

// Instance hooks run on the master and the instance's primary with
// Ganeti's instance environment; a failing pre hook stops the opcode.
TEST_F(InstanceOpsTest, HooksSeeTheInstanceEnvironmentAndAFailingPreHookStops) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("hooked", "node2", {"--no-start", "--tags", "web,db"});
  for (const char* node : {"node1", "node2", "node3"}) {
    const fs::path dir = cluster_.root(node) / "etc/gantry/hooks/instance-start-pre.d";
    fs::create_directories(dir);
    std::ofstream(dir / "dump") << "#!/bin/sh\nenv | grep ^GANETI_ | sort > " << cluster_.dir().string()
                                << "/env-" << node << "\n";
    fs::permissions(dir / "dump", fs::perms::owner_all);
  }
  ASSERT_TRUE(instance({"startup", "hooked"}).succeeded());
  EXPECT_TRUE(fs::exists(cluster_.dir() / "env-node1"));
  EXPECT_FALSE(fs::exists(cluster_.dir() / "env-node3")) << "node3 has nothing of the instance";
  std::ifstream in(cluster_.dir() / "env-node2");
  const std::string env((std::istreambuf_iterator<char>(in)), {});
  for (const char* line :
       {"GANETI_HOOKS_PHASE=pre", "GANETI_HOOKS_PATH=instance-start", "GANETI_OBJECT_TYPE=INSTANCE",
        "GANETI_OP_CODE=OP_INSTANCE_STARTUP", "GANETI_INSTANCE_NAME=hooked",
        "GANETI_INSTANCE_PRIMARY=node2", "GANETI_INSTANCE_SECONDARIES=",
        "GANETI_INSTANCE_OS_TYPE=gantry-image+default", "GANETI_INSTANCE_STATUS=down",
        "GANETI_INSTANCE_MAXMEM=128", "GANETI_INSTANCE_VCPUS=1",
        "GANETI_INSTANCE_DISK_TEMPLATE=sharedfile", "GANETI_INSTANCE_DISK_COUNT=1",
        "GANETI_INSTANCE_DISK0_SIZE=256", "GANETI_INSTANCE_DISK0_MODE=rw",
        "GANETI_INSTANCE_NIC_COUNT=1", "GANETI_INSTANCE_NIC0_MODE=bridged",
        "GANETI_INSTANCE_NIC0_BRIDGE=xen-br0", "GANETI_INSTANCE_TAGS=web db",
        "GANETI_INSTANCE_BE_auto_balance=True", "GANETI_INSTANCE_HYPERVISOR=fake",
        "GANETI_OP_TARGET=hooked"}) {
    EXPECT_NE(env.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << env;
  }
  ASSERT_TRUE(instance({"shutdown", "hooked"}).succeeded());
  std::ofstream(cluster_.root("node2") / "etc/gantry/hooks/instance-start-pre.d/dump", std::ios::trunc)
      << "#!/bin/sh\necho not today\nexit 1\n";
  auto refused = instance({"startup", "hooked"});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("not today"), std::string::npos) << refused.err;
  EXPECT_EQ(instance({"list", "--no-headers", "-o", "status"}).out, "ADMIN_down\n");
}

TEST_F(InstanceOpsTest, RefusalsOfModifyChangeNothing) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  addInstance("web1", "node1");
  ASSERT_TRUE(instance({"shutdown", "web1"}).succeeded());
  const std::string before = configState();
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"-B", "colour=blue"}, "Unknown parameter 'colour'"},
      {{"-H", "kernel_path=/boot/vmlinuz"}, "Unknown parameter 'kernel_path'"},
      {{"-H", "migration_port=1"}, "The following hypervisor parameters are global and cannot "
                                   "be customized at instance level, please modify them at "
                                   "cluster level: migration_port"},
      {{"--disk", "0:remove"}, "Cannot remove the last disk of instance web1"},
      {{"--disk", "0:modify,size=1g"}, "Disk size change not possible, use grow-disk"},
      {{"--disk", "add:mode=rw"}, "Required disk parameter 'size' missing"},
      {{"--net", "4:remove"}, "Got NIC index 4, but there are only 1"},
      {{"--net", "0:modify,mode=tunnel"}, "Invalid NIC mode 'tunnel'"},
      {{"-B", "minmem=1g,maxmem=512m"},
       "Minimum memory (1024) cannot be greater than maximum memory (512)"},
      {{"-B", "maxmem=64g"}, "This change will prevent the instance from starting, due to"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"modify"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.push_back("web1");
    auto result = instance(args);
    EXPECT_EQ(result.exitCode, 1) << c.error;
    EXPECT_NE(result.err.find(c.error), std::string::npos) << result.err;
  }
  auto nothing = instance({"modify", "web1"});
  EXPECT_EQ(nothing.exitCode, 1);
  EXPECT_EQ(nothing.err, "Please give at least one of the parameters.\n");
  EXPECT_EQ(configState(), before);
}

}  // namespace
}  // namespace gantry::test
