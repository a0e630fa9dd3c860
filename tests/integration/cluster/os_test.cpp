// gnt-os list, info and diagnose on a 3-node virtual cluster: the shipped
// gantry-image OS everywhere, an OS broken on one node, and a node-local
// copy that shadows another.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "cluster/vcluster_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

// A copy of the test fixture OS (Ganeti's format) under a node's own OS dir.
void installFixtureOs(const VirtualCluster& cluster, const std::string& node,
                      const std::string& name) {
  const fs::path target = cluster.root(node) / "srv/gantry/os" / name;
  fs::create_directories(target.parent_path());
  fs::copy(fs::path(GANTRY_SOURCE_DIR) / "tests/fixtures/os/envdump", target,
           fs::copy_options::recursive);
}

TEST(GntOsTest, ListInfoAndDiagnose) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;

  auto list = cluster.exec("node1", "gnt-os", {"list"});
  ASSERT_TRUE(list.succeeded()) << list.err;
  EXPECT_EQ(list.out, "Name                \ndebootstrap+default\ndebootstrap+minbase\n"
            "gantry-image+default\ngantry-image+verbose\n");
  auto bare = cluster.exec("node1", "gnt-os", {"list", "--no-headers"});
  EXPECT_EQ(bare.out, "debootstrap+default\ndebootstrap+minbase\n"
            "gantry-image+default\ngantry-image+verbose\n");

  // envdump on two nodes only, and broken (no create script) on node3;
  // node2 also shadows gantry-image with a copy of its own.
  installFixtureOs(cluster, "node1", "envdump");
  installFixtureOs(cluster, "node2", "envdump");
  installFixtureOs(cluster, "node3", "envdump");
  fs::remove(cluster.root("node3") / "srv/gantry/os/envdump/create");
  fs::copy(fs::path(GANTRY_BINARY_DIR) / "share/gantry/os/gantry-image",
           cluster.root("node2") / "srv/gantry/os/gantry-image", fs::copy_options::recursive);

  list = cluster.exec("node1", "gnt-os", {"list", "--no-headers"});
  EXPECT_EQ(list.out, "debootstrap+default\ndebootstrap+minbase\n"
            "gantry-image+default\ngantry-image+verbose\n")
      << "invalid OSes are left out";

  auto info = cluster.exec("node1", "gnt-os", {"info", "envdump", "nosuch"});
  ASSERT_TRUE(info.succeeded()) << info.err;
  EXPECT_EQ(info.out,
            "envdump:\n  - valid: False\n  - hidden: False\n  - blacklisted: False\n"
            "  - trusted: True\n\nnosuch: \n\n");

  auto diagnose = cluster.exec("node1", "gnt-os", {"diagnose"});
  EXPECT_EQ(diagnose.exitCode, 1) << diagnose.out << diagnose.err;
  EXPECT_NE(diagnose.out.find("OS: envdump [global status: partial valid]\n"), std::string::npos)
      << diagnose.out;
  EXPECT_NE(diagnose.out.find("status: invalid - "), std::string::npos) << diagnose.out;
  EXPECT_NE(diagnose.out.find("OS: gantry-image [global status: valid]\n  Variants: [default, "
                              "verbose]\n"),
            std::string::npos)
      << diagnose.out;
  EXPECT_NE(diagnose.out.find("    [hidden] path: "), std::string::npos) << diagnose.out;
  EXPECT_NE(diagnose.out.find("[API versions: 20, 15, 10] [variants: "), std::string::npos)
      << diagnose.out;
}

TEST(GntOsTest, ModifyHidesBlacklistsAndSetsParameters) {
  VirtualCluster cluster(2);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;
  auto os = [&](const std::vector<std::string>& args) {
    return cluster.exec("node1", "gnt-os", args);
  };
  auto nothing = os({"modify", "gantry-image"});
  EXPECT_EQ(nothing.exitCode, 1);
  EXPECT_EQ(nothing.err, "At least one of OS parameters or hypervisor parameters must be passed\n");

  ASSERT_TRUE(os({"modify", "--hidden", "yes", "gantry-image"}).succeeded());
  EXPECT_EQ(os({"list", "--no-headers"}).out, "debootstrap+default\ndebootstrap+minbase\n");
  EXPECT_NE(os({"info", "gantry-image"}).out.find("  - hidden: True\n"), std::string::npos);
  auto again = os({"modify", "--hidden", "yes", "gantry-image"});
  EXPECT_TRUE(again.succeeded());
  EXPECT_NE(again.out.find("OS gantry-image already in hidden OS list, ignoring"),
            std::string::npos)
      << again.out;
  ASSERT_TRUE(os({"modify", "--hidden", "no", "--blacklisted", "yes", "gantry-image"}).succeeded());
  EXPECT_EQ(os({"list", "--no-headers"}).out, "debootstrap+default\ndebootstrap+minbase\n");
  ASSERT_TRUE(os({"modify", "--blacklisted", "no", "gantry-image"}).succeeded());
  EXPECT_EQ(os({"list", "--no-headers"}).out,
            "debootstrap+default\ndebootstrap+minbase\n"
            "gantry-image+default\ngantry-image+verbose\n");

  // Cluster-wide OS parameters reach the instance's filled parameters.
  ASSERT_TRUE(os({"modify", "-O", "label=fromcluster", "gantry-image"}).succeeded());
  auto added = cluster.exec("node1", "gnt-instance",
                            {"add", "-t", "file", "-s", "64m", "-o", "gantry-image+default", "-n",
                             "node2", "--no-start", "inst1"});
  ASSERT_TRUE(added.succeeded()) << added.err;
  auto info = cluster.exec("node1", "gnt-instance", {"info", "-s", "inst1"});
  EXPECT_NE(info.out.find("  Operating system parameters: \n    label: default (fromcluster)\n"),
            std::string::npos)
      << info.out;
  // A parameter the OS does not declare is refused on the master, as
  // Ganeti's CheckOSParams refuses it, and the config keeps what it had;
  // an OS the master does not have is kept unchecked, with a note.
  auto unknown = os({"modify", "-O", "colour=blue", "gantry-image"});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.err.find("Failure: command execution error:\nOS Parameters validation "
                             "failed on node node1: The following parameters are not supported "
                             "by the OS gantry-image: colour"),
            std::string::npos)
      << unknown.err;
  // A variant's parameters are checked with the base OS's under them; the
  // same key public and private is refused, as Ganeti's SimpleFillOS does.
  auto variantUnknown = os({"modify", "-O", "shade=dark", "gantry-image+verbose"});
  EXPECT_EQ(variantUnknown.exitCode, 1);
  EXPECT_NE(variantUnknown.err.find("not supported by the OS gantry-image: shade"),
            std::string::npos)
      << variantUnknown.err;
  auto twice = os({"modify", "--os-parameters-private", "label=secret", "gantry-image"});
  EXPECT_EQ(twice.exitCode, 1);
  EXPECT_NE(twice.err.find("Cannot assign multiple values to OS parameters."), std::string::npos)
      << twice.err;
  EXPECT_NE(twice.err.find("- at private visibility: 'label'"), std::string::npos) << twice.err;
  EXPECT_EQ(cluster.exec("node1", "gnt-cluster", {"info"}).out.find("colour"), std::string::npos);
  auto elsewhere = os({"modify", "-O", "colour=blue", "nosuchos"});
  EXPECT_TRUE(elsewhere.succeeded()) << elsewhere.err;
  EXPECT_NE(elsewhere.out.find("OS nosuchos not found on node node1, validation skipped"),
            std::string::npos)
      << elsewhere.out;
  auto badHv = os({"modify", "-H", "fake:colour=blue", "gantry-image"});
  EXPECT_EQ(badHv.exitCode, 1);
  EXPECT_NE(badHv.err.find("Unknown parameter 'colour' of hypervisor fake"), std::string::npos)
      << badHv.err;
}

// An OS in Ganeti's format whose create script fails: the job fails with
// the script's last output lines in its error.
TEST(GntOsTest, FailingCreateScriptFailsTheJobWithItsOutput) {
  VirtualCluster cluster(2);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;
  const fs::path target = cluster.root("node2") / "srv/gantry/os/brokenos";
  fs::create_directories(target.parent_path());
  fs::copy(fs::path(GANTRY_SOURCE_DIR) / "tests/fixtures/os/envdump", target,
           fs::copy_options::recursive);
  fs::remove(target / "variants.list");
  std::ofstream(target / "create", std::ios::trunc)
      << "#!/bin/sh\necho \"formatting $INSTANCE_NAME\"\necho 'mkfs: disk is on fire' >&2\n"
         "exit 3\n";
  fs::permissions(target / "create", fs::perms::owner_all);
  auto added = cluster.exec("node1", "gnt-instance",
                            {"add", "-t", "file", "-s", "64m", "-o", "brokenos", "-n", "node2",
                             "inst1"});
  EXPECT_EQ(added.exitCode, 1);
  EXPECT_NE(added.err.find("Could not add os for instance inst1 on node node2"),
            std::string::npos)
      << added.err;
  EXPECT_NE(added.err.find("formatting inst1"), std::string::npos) << added.err;
  EXPECT_NE(added.err.find("mkfs: disk is on fire"), std::string::npos) << added.err;
}

}  // namespace
}  // namespace gantry::test
