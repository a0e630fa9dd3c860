#include "core/rpc/node_files.h"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace fs = std::filesystem;
using namespace gantry::core::rpc;

const fs::path kData = "/r/var/lib/gantry";

std::string uploadError(std::string_view name) {
  auto path = uploadFilePath(kData, name);
  return path.ok() ? "" : path.error().message;
}

TEST(NodeFiles, WhitelistedUploadsLandInTheDataDir) {
  EXPECT_EQ(uploadFilePath(kData, "config.data").value(), kData / "config.data");
  EXPECT_EQ(uploadFilePath(kData, "known_hosts").value(), kData / "known_hosts");
  EXPECT_EQ(uploadFilePath(kData, "cluster-curve.pub").value(), kData / "cluster-curve.pub");
  EXPECT_EQ(uploadFilePath(kData, "rapi/users").value(), kData / "rapi/users");
  EXPECT_EQ(uploadFilePath(kData, "ssconf_master_node").value(),
            kData / "ssconf_master_node");
  EXPECT_EQ(uploadFilePath(kData, "cluster-curve.key").value(), kData / "cluster-curve.key");
  EXPECT_EQ(uploadFilePath(kData, "node-keys/node3.example.com.json").value(),
            kData / "node-keys/node3.example.com.json");
  for (const auto& name : uploadableFileNames()) {
    auto path = uploadFilePath(kData, name);
    ASSERT_TRUE(path.ok()) << name;
    EXPECT_EQ(path->string().rfind(kData.string() + "/", 0), 0u) << name;
    EXPECT_EQ(path->lexically_normal(), *path) << name;
  }
}

TEST(NodeFiles, OtherNamesAreRefused) {
  EXPECT_EQ(uploadError("passwd"),
            "File 'passwd' is not one a node accepts through upload_file");
  EXPECT_EQ(uploadError("node-curve.key"),
            "File 'node-curve.key' is not one a node accepts through upload_file");
  EXPECT_EQ(uploadError("join-token"),
            "File 'join-token' is not one a node accepts through upload_file");
  for (std::string_view bad : {"node-keys/../config.data", "node-keys/.json",
                               "node-keys/a/b.json", "node-keys/node1.key"}) {
    EXPECT_NE(uploadError(bad), "") << bad;
  }
  for (std::string_view bad : {"../config.data", "/etc/passwd", "queue/job-1",
                               "rapi/../config.data", "..", ".", ""}) {
    EXPECT_EQ(uploadError(bad), "File name '" + std::string(bad) +
                                    "' must be a plain name in the node's data directory")
        << bad;
  }
  EXPECT_NE(uploadError("ssconf_../x"), "");
  EXPECT_NE(uploadError("ssconf_"), "");
  EXPECT_NE(uploadError("ssconf_Upper"), "");
  EXPECT_NE(uploadError(std::string_view("config.data\0x", 13)), "");
}

TEST(NodeFiles, SsconfKeys) {
  EXPECT_TRUE(isValidSsconfKey("master_node"));
  EXPECT_TRUE(isValidSsconfKey("hvparams_kvm"));
  EXPECT_TRUE(isValidSsconfKey("hvparams_xen-pvm"));
  EXPECT_FALSE(isValidSsconfKey(""));
  EXPECT_FALSE(isValidSsconfKey("_x"));
  EXPECT_FALSE(isValidSsconfKey("9x"));
  EXPECT_FALSE(isValidSsconfKey("a/b"));
  EXPECT_FALSE(isValidSsconfKey("a.b"));
  EXPECT_FALSE(isValidSsconfKey(std::string(65, 'a')));
  EXPECT_EQ(ssconfFilePath(kData, "cluster_name").value(), kData / "ssconf_cluster_name");
  auto bad = ssconfFilePath(kData, "../x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "Invalid ssconf key '../x'");
}

TEST(NodeFiles, UploadModes) {
  EXPECT_EQ(uploadFileMode(0640).value(), 0640u);
  EXPECT_EQ(uploadFileMode(0).value(), 0u);
  EXPECT_FALSE(uploadFileMode(04755).ok());
  EXPECT_FALSE(uploadFileMode(-1).ok());
}

TEST(NodeFiles, QueueNames) {
  const fs::path queue = queueDir(kData);
  EXPECT_EQ(queue, kData / "queue");
  EXPECT_EQ(queueUpdatePath(queue, "job-17").value(), queue / "job-17");
  EXPECT_EQ(queueUpdatePath(queue, "serial").value(), queue / "serial");
  for (std::string_view bad : {"job-", "job-1a", "job--1", "../job-1", "lock",
                               "archive/0/job-1", "version"}) {
    EXPECT_FALSE(queueUpdatePath(queue, bad).ok()) << bad;
  }
  EXPECT_EQ(queueRenamePath(queue, "job-3").value(), queue / "job-3");
  EXPECT_EQ(queueRenamePath(queue, "archive/0/job-3").value(), queue / "archive/0/job-3");
  for (std::string_view bad : {"serial", "archive/x/job-1", "archive/0/../job-1",
                               "archive//job-1", "archive/0/job-1/x", "/job-1"}) {
    EXPECT_FALSE(queueRenamePath(queue, bad).ok()) << bad;
  }
}

}  // namespace
