// The debootstrap OS provider on a virtual cluster: Debian installed onto
// an instance's disk by a real debootstrap from the node's apt mirror, a
// second install from the node's cache tarball, the result named after
// its instance (also after a rename), and a boot under qemu to the login
// prompt on the instance's console. Both tests are slow (a cold install
// is about a minute, the boot under TCG about forty seconds); they print
// how long each step took.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "cluster/console_support.h"
#include "cluster/vcluster_support.h"
#include "guest_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kInstallTimeout = std::chrono::seconds(600);

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loop devices over files of the cluster, mounts under it: what an
// install must never leave behind.
std::string leftovers(const fs::path& clusterDir) {
  std::string found;
  std::istringstream loops(runCommand({"losetup", "--list", "--noheadings", "--output",
                                "NAME,BACK-FILE"}).out);
  for (std::string line; std::getline(loops, line);) {
    if (line.find(clusterDir.string()) != std::string::npos) found += "loop: " + line + "\n";
  }
  std::istringstream mounts(readText("/proc/self/mounts"));
  for (std::string line; std::getline(mounts, line);) {
    if (line.find(clusterDir.string()) != std::string::npos) found += "mount: " + line + "\n";
  }
  return found;
}

// A file of the installed system, read as an operator would: the root
// partition's offset from sfdisk, an offset loop, a read-only mount.
std::string fileInDisk(const fs::path& image, const fs::path& mountPoint,
                       const std::string& relative) {
  const auto table = runCommand({"sfdisk", "--json", image.string()});
  const auto doc = nlohmann::json::parse(table.out, nullptr, false);
  if (doc.is_discarded()) return "(no partition table)";
  const auto& part = doc["partitiontable"]["partitions"][0];
  const auto offset = part["start"].get<std::uint64_t>() * 512;
  const auto size = part["size"].get<std::uint64_t>() * 512;
  std::string loop = runCommand({"losetup", "--find", "--show", "--read-only", "--offset",
                          std::to_string(offset), "--sizelimit", std::to_string(size),
                          image.string()})
                         .out;
  while (!loop.empty() && loop.back() == '\n') loop.pop_back();
  if (loop.empty()) return "(no loop device)";
  fs::create_directories(mountPoint);
  std::string text = "(not mounted)";
  if (runCommand({"mount", "-o", "ro", loop, mountPoint.string()}).succeeded()) {
    text = readText(mountPoint / relative);
    runCommand({"umount", mountPoint.string()});
  }
  runCommand({"losetup", "--detach", loop});
  return text;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(DebootstrapClusterSlow, InstallsDebianOnceThenFromTheNodesCache) {
  VirtualCluster cluster(1, {"--kvm"});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  auto gnt = [&](const std::string& tool, const std::vector<std::string>& args) {
    return cluster.exec("node1", tool, args, kInstallTimeout);
  };
  const auto oses = gnt("gnt-os", {"list", "--no-headers"});
  EXPECT_NE(oses.out.find("debootstrap+default\n"), std::string::npos) << oses.out;
  auto add = [&](const std::string& name) {
    return gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "2g", "--no-nics", "--no-start",
                                "-o", "debootstrap+default", "-n", "node1", name});
  };
  const auto coldStart = Clock::now();
  auto first = add("vm1");
  const double cold = secondsSince(coldStart);
  ASSERT_TRUE(first.succeeded()) << first.out << first.err;
  const fs::path cacheDir = cluster.root("node1") / "var/cache/gantry/debootstrap";
  const auto tarball = onlyFileIn(cacheDir);
  EXPECT_EQ(tarball.filename().string().rfind("bookworm-default-", 0), 0u) << tarball;

  const auto warmStart = Clock::now();
  auto second = add("vm2");
  const double warm = secondsSince(warmStart);
  ASSERT_TRUE(second.succeeded()) << second.out << second.err;
  const std::string log = readText(cluster.root("node1") / "var/log/gantry/node-daemon.log");
  EXPECT_NE(log.find("debootstrap: installing bookworm from"), std::string::npos);
  EXPECT_NE(log.find("debootstrap: unpacking the cached bookworm system"), std::string::npos);
  std::cout << "[ debootstrap ] first install " << cold << " s, from the cache " << warm
            << " s\n";
  EXPECT_EQ(leftovers(cluster.dir()), "");

  // The installed system is the instance's own, and follows a rename.
  const fs::path mnt = cluster.dir() / "inspect";
  const auto disk = onlyFileIn(cluster.dir() / "shared-file-storage/vm2");
  EXPECT_EQ(fileInDisk(disk, mnt, "etc/hostname"), "vm2\n");
  EXPECT_NE(fileInDisk(disk, mnt, "etc/fstab").find("\t/\text4\t"), std::string::npos);
  auto renamed = gnt("gnt-instance", {"rename", "vm2", "web"});
  ASSERT_TRUE(renamed.succeeded()) << renamed.out << renamed.err;
  EXPECT_EQ(fileInDisk(onlyFileIn(cluster.dir() / "shared-file-storage/web"), mnt,
                       "etc/hostname"),
            "web\n");
  EXPECT_EQ(leftovers(cluster.dir()), "");

  // A parameter the OS does not have is refused before anything is made.
  auto refused = gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "--no-nics",
                                      "--no-start", "-o", "debootstrap+default", "-O",
                                      "partition_style=gpt", "-n", "node1", "vm3"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("partition_style"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(cluster.dir() / "shared-file-storage/vm3"));
}

TEST(DebootstrapClusterSlow, InstalledInstanceBootsToALoginPrompt) {
  std::string why;
  if (!plugins::kvm::testing::tinyGuest(why)) GTEST_SKIP() << why;
  // The install cache is shared with later runs in this build tree.
  const std::string cache = std::string(GANTRY_BINARY_DIR) + "/debootstrap-cache";
  VirtualCluster cluster(1, {"--kvm", "--setting", "debootstrap.cache_dir=" + cache});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  const auto installStart = Clock::now();
  auto added = cluster.exec("node1", "gnt-instance",
                            {"add", "-t", "sharedfile", "-s", "2g", "--no-nics", "--no-start",
                             "-B", "maxmem=256M,minmem=256M", "-o", "debootstrap+default", "-n",
                             "node1", "deb1"},
                            kInstallTimeout);
  const double install = secondsSince(installStart);
  ASSERT_TRUE(added.succeeded()) << added.out << added.err;

  // The cluster's kernel and initramfs (the tiny guest's) find /sbin/init
  // on root=/dev/vda1 and hand over to the installed system.
  const auto bootStart = Clock::now();
  auto started = cluster.exec("node1", "gnt-instance", {"startup", "deb1"});
  ASSERT_TRUE(started.succeeded()) << started.err;
  ConsoleClient console(cluster, "node1", "deb1");
  ASSERT_TRUE(console.waitFor("deb1 login:", 240s)) << console.transcript();
  const double boot = secondsSince(bootStart);
  std::cout << "[ debootstrap ] install " << install << " s, boot to the login prompt " << boot
            << " s\n";
  EXPECT_NE(console.transcript().find("Debian GNU/Linux 12"), std::string::npos);
  EXPECT_EQ(console.detach(), 0);

  // minbase has no ACPI daemon: the shutdown timeout ends the guest.
  auto stopped = cluster.exec("node1", "gnt-instance", {"shutdown", "--timeout", "5", "deb1"});
  EXPECT_TRUE(stopped.succeeded()) << stopped.err;
  auto removed = cluster.exec("node1", "gnt-instance", {"remove", "-f", "deb1"});
  EXPECT_TRUE(removed.succeeded()) << removed.err;
  EXPECT_EQ(leftovers(cluster.dir()), "");
}

}  // namespace
}  // namespace gantry::test
