// The allocator on a 3-node virtual cluster, through the CLI: instances
// placed by hail (-I and the cluster's default), failover and migration
// targets chosen by it, node evacuation, batch creation, gnt-debug
// allocator, and an allocation that cannot succeed changing nothing.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cluster/vcluster_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

class AllocatorTest : public ::testing::Test {
 protected:
  sdk::ProcessResult gnt(const std::string& tool, const std::vector<std::string>& args) {
    return cluster_.exec("node1", tool, args);
  }
  // "name pnode" lines of every instance.
  std::string placement() {
    return gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode"}).out;
  }
  std::string configState() { return configStoreState(cluster_.dataDir("node1")); }

  VirtualCluster cluster_{3};
};

// The default ipolicy wants disks of at least 1 GiB, so every disk here is.
TEST_F(AllocatorTest, HailPlacesMovesAndEvacuates) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  const std::string before = configState();
  auto noDefault = gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "-o",
                                        "gantry-image+default", "inst0"});
  EXPECT_EQ(noDefault.exitCode, 1);
  EXPECT_NE(noDefault.err.find("No iallocator or node given and no cluster-wide default "
                               "iallocator found"),
            std::string::npos)
      << noDefault.err;
  auto both = gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "-o",
                                   "gantry-image+default", "-n", "node1", "-I", "hail", "inst0"});
  EXPECT_EQ(both.exitCode, 1);
  EXPECT_NE(both.err.find("Do not specify both, iallocator and node"), std::string::npos);
  auto tooBig = gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "-B", "memory=64g",
                                     "-o", "gantry-image+default", "-I", "hail", "inst0"});
  EXPECT_EQ(tooBig.exitCode, 1);
  EXPECT_NE(tooBig.err.find("Can't compute nodes using iallocator 'hail': Request failed: "),
            std::string::npos)
      << tooBig.err;
  EXPECT_NE(tooBig.err.find("FailMem: 3"), std::string::npos) << tooBig.err;
  EXPECT_EQ(configState(), before);

  // Three instances, one per node: hail spreads them.
  for (const char* name : {"inst1", "inst2", "inst3"}) {
    auto added = gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "-o",
                                      "gantry-image+default", "-I", "hail", name});
    ASSERT_TRUE(added.succeeded()) << added.err;
    EXPECT_NE(added.out.find(" - INFO: Selected nodes for instance " + std::string(name) +
                             " via iallocator hail: node"),
              std::string::npos)
        << added.out;
  }
  auto list = gnt("gnt-node", {"list", "--no-headers", "-o", "name,pinst_cnt"});
  EXPECT_EQ(list.out, "node1 1\nnode2 1\nnode3 1\n");

  // The cluster's default allocator serves commands without a node.
  ASSERT_TRUE(gnt("gnt-cluster", {"modify", "-I", "hail"}).succeeded());
  auto migrated = gnt("gnt-instance", {"migrate", "-f", "inst1"});
  ASSERT_TRUE(migrated.succeeded()) << migrated.err;
  EXPECT_NE(migrated.out.find("Selected nodes for instance inst1 via iallocator hail: "),
            std::string::npos)
      << migrated.out;
  auto failedOver = gnt("gnt-instance", {"failover", "-f", "inst2"});
  ASSERT_TRUE(failedOver.succeeded()) << failedOver.err;

  // Evacuating inst3's node moves inst3 (and whatever else is there) away.
  std::string node = gnt("gnt-instance", {"list", "--no-headers", "-o", "pnode", "inst3"}).out;
  node.pop_back();
  auto evacuated = gnt("gnt-node", {"evacuate", "-f", node});
  ASSERT_TRUE(evacuated.succeeded()) << evacuated.out << evacuated.err;
  EXPECT_NE(evacuated.out.find(" - INFO: Instances to be moved: "), std::string::npos)
      << evacuated.out;
  EXPECT_NE(evacuated.out.find("inst3 (to node"), std::string::npos) << evacuated.out;
  EXPECT_NE(evacuated.out.find("All instances evacuated successfully.\n"), std::string::npos)
      << evacuated.out;
  EXPECT_EQ(gnt("gnt-node", {"list", "--no-headers", "-o", "pinst_cnt", node}).out, "0\n");
  auto nothing = gnt("gnt-node", {"evacuate", "-f", node});
  EXPECT_TRUE(nothing.succeeded());
  EXPECT_EQ(nothing.err, "No instances to evacuate on node(s) " + node + ", exiting.\n");
  EXPECT_EQ(gnt("gnt-instance", {"list", "--no-headers", "-o", "status"}).out,
            "running\nrunning\nrunning\n");
}

// b2 is written as Ganeti 3.0's client sends a definition: every field,
// null where nothing was given (null means the default).
TEST_F(AllocatorTest, BatchCreateAndDebugAllocator) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  const fs::path batch = cluster_.dir() / "batch.json";
  std::ofstream(batch) << R"([
    {"instance_name": "b1", "mode": "create", "disk_template": "sharedfile",
     "disks": [{"size": 1024}], "nics": [{}], "os_type": "gantry-image+default"},
    {"instance_name": "b2", "mode": "create", "disk_template": "sharedfile",
     "disks": [{"size": 1024}], "nics": [{}], "os_type": "gantry-image+default",
     "hypervisor": null, "pnode": null, "snode": null, "iallocator": null,
     "group_name": null, "osparams_private": null, "no_install": null}])";
  auto created = gnt("gnt-instance", {"batch-create", "-I", "hail", batch.string()});
  ASSERT_TRUE(created.succeeded()) << created.out << created.err;
  EXPECT_NE(created.out.find("All instances created successfully.\n"), std::string::npos)
      << created.out;
  EXPECT_EQ(gnt("gnt-instance", {"list", "--no-headers", "-o", "name,status"}).out,
            "b1 running\nb2 running\n");

  auto input = gnt("gnt-debug", {"allocator", "--dir", "in", "-m", "allocate", "-t",
                                 "sharedfile", "-o", "gantry-image", "--disks", "1024",
                                 "--memory", "512", "new1"});
  ASSERT_TRUE(input.succeeded()) << input.err;
  const auto request = nlohmann::json::parse(input.out);
  EXPECT_EQ(request["request"]["type"], "allocate");
  EXPECT_EQ(request["request"]["memory"], 512);
  EXPECT_EQ(request["request"]["disk_space_total"], 1024);
  EXPECT_EQ(request["nodes"].size(), 3u);
  EXPECT_EQ(request["nodes"]["node1"]["total_memory"], 32768);
  EXPECT_TRUE(request["instances"].contains("b1"));
  EXPECT_EQ(request["instances"]["b1"]["disk_template"], "sharedfile");

  auto output = gnt("gnt-debug", {"allocator", "--dir", "out", "-I", "hail", "-m", "allocate",
                                  "-t", "sharedfile", "-o", "gantry-image", "--disks", "1024",
                                  "new1"});
  ASSERT_TRUE(output.succeeded()) << output.err;
  const auto answer = nlohmann::json::parse(output.out);
  EXPECT_EQ(answer["success"], true) << output.out;
  EXPECT_EQ(answer["result"].size(), 1u);
  auto relocate = gnt("gnt-debug", {"allocator", "--dir", "out", "-I", "hail", "b1"});
  ASSERT_TRUE(relocate.succeeded()) << relocate.err;
  EXPECT_EQ(nlohmann::json::parse(relocate.out)["success"], true) << relocate.out;
  auto missing = gnt("gnt-debug", {"allocator", "--dir", "out", "-I", "nosuch", "-m", "allocate",
                                   "-t", "sharedfile", "-o", "x", "new1"});
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("iallocator module 'nosuch' not found in the search path"),
            std::string::npos)
      << missing.err;
}

}  // namespace
}  // namespace gantry::test
