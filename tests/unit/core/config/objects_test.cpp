#include "core/config/objects.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace config = gantry::core::config;
using config::ConfigData;
using Json = nlohmann::json;

namespace {

Json loadSample(const std::string& version) {
  const std::string path = std::string(GANTRY_SHARED_DIR) +
                           "/testdata/ganeti/test/data/cluster_config_" +
                           version + ".json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

constexpr const char* kInstance1 = "6c078d22-3eb6-4780-857d-81772e09eef1";
constexpr const char* kDrbdDisk = "77ced3a5-6756-49ae-8d1f-274e27664c05";
constexpr const char* kNode1 = "9a12d554-75c0-4cb1-8064-103365145db0";
constexpr const char* kNode3 = "41f9c238-173c-4120-9e41-04ad379b647a";
constexpr const char* kNetwork = "99f0128a-1c84-44da-90b9-9581ea00c075";

}  // namespace

TEST(ConfigObjects, Sample31RoundTripsEqual) {
  const Json input = loadSample("3.1");
  const ConfigData data = ConfigData::fromJson(input);
  const Json output = data.toJson();
  EXPECT_EQ(output, input) << "diff: " << Json::diff(input, output).dump(1);
}

TEST(ConfigObjects, Sample31TypedFields) {
  const ConfigData data = ConfigData::fromJson(loadSample("3.1"));
  EXPECT_EQ(data.version, 3010000);
  EXPECT_EQ(data.serialNo, 7627);
  EXPECT_DOUBLE_EQ(data.mtime, 1421677173.729104);
  EXPECT_EQ(data.nodes.size(), 3u);
  EXPECT_EQ(data.nodegroups.size(), 2u);
  EXPECT_EQ(data.instances.size(), 3u);
  EXPECT_EQ(data.disks.size(), 3u);
  EXPECT_EQ(data.networks.size(), 1u);
  EXPECT_TRUE(data.filters.empty());

  const auto& c = data.cluster;
  EXPECT_EQ(c.clusterName, "cluster.name.example.com");
  EXPECT_EQ(c.masterNode, kNode1);
  EXPECT_EQ(c.masterIp, "192.0.2.87");
  EXPECT_EQ(c.masterNetdev, "eth0");
  EXPECT_EQ(c.macPrefix, "aa:bb:cc");
  EXPECT_EQ(c.highestUsedPort, 32105);
  EXPECT_EQ(c.tcpudpPortPool,
            (std::vector<std::int64_t>{32104, 32105, 32101, 32102, 32103}));
  EXPECT_EQ(c.enabledHypervisors, std::vector<std::string>{"xen-pvm"});
  EXPECT_EQ(c.enabledDiskTemplates,
            (std::vector<std::string>{"drbd", "plain", "file", "sharedfile"}));
  EXPECT_EQ(c.candidatePoolSize, 10);
  EXPECT_EQ(c.defaultIallocator, "hail");
  EXPECT_EQ(c.volumeGroupName, "xenvg");
  EXPECT_EQ(c.drbdUsermodeHelper, "/bin/true");
  EXPECT_FALSE(c.dsahostkeypub.has_value());
  EXPECT_EQ(c.hvparams.at("xen-pvm").at("root_path"), "/dev/xvda1");
  EXPECT_EQ(c.osHvp.at("TEMP-Ganeti-QA-OS").at("xen-pvm").at("root_path"),
            "/dev/sda5");
  EXPECT_EQ(c.beparams.at("default").at("maxmem"), 128);
  EXPECT_EQ(c.nicparams.at("default").at("link"), "br974");
  EXPECT_EQ(c.ndparams.at("ssh_port"), 22);
  EXPECT_EQ(c.diskparams.at("drbd").at("resync-rate"), 1024);
  EXPECT_EQ(c.ipolicy.at("vcpu-ratio"), 1.0);
  EXPECT_EQ(c.tags, std::vector<std::string>{"mytag"});
  EXPECT_EQ(c.sshKeyType, "rsa");
  EXPECT_EQ(c.sshKeyBits, 2048);

  const config::Node& node3 = data.nodes.at(kNode3);
  EXPECT_EQ(node3.name, "node3.example.com");
  EXPECT_EQ(node3.primaryIp, "192.0.2.84");
  EXPECT_EQ(node3.secondaryIp, "198.51.100.84");
  EXPECT_EQ(node3.group, "5244a46d-7506-4e14-922d-02b58153dde1");
  EXPECT_TRUE(node3.masterCandidate);
  EXPECT_FALSE(node3.offline);
  EXPECT_FALSE(node3.drained);
  EXPECT_TRUE(node3.vmCapable);
  EXPECT_TRUE(node3.masterCapable);

  const config::NodeGroup& another =
      data.nodegroups.at("6c0a8916-b719-45ad-95dd-82192b1e473f");
  EXPECT_EQ(another.name, "another");
  EXPECT_EQ(another.allocPolicy, "preferred");
  EXPECT_EQ(another.ndparams.at("exclusive_storage"), true);
  EXPECT_EQ(another.ipolicy.at("disk-templates"), Json({"plain"}));
  EXPECT_DOUBLE_EQ(another.ctime, 0);  // missing in the sample

  const config::Instance& inst = data.instances.at(kInstance1);
  EXPECT_EQ(inst.name, "instance1.example.com");
  EXPECT_EQ(inst.primaryNode, kNode1);
  EXPECT_EQ(inst.os, "busybox");
  EXPECT_EQ(inst.hypervisor, "xen-pvm");
  EXPECT_EQ(inst.adminState, "up");
  EXPECT_TRUE(inst.disksActive);
  EXPECT_EQ(inst.disks, std::vector<std::string>{kDrbdDisk});
  ASSERT_EQ(inst.nics.size(), 1u);
  EXPECT_EQ(inst.nics[0].mac, "aa:bb:cc:b2:6e:0b");
  EXPECT_FALSE(inst.nics[0].ip.has_value());
  EXPECT_TRUE(inst.tags.empty());  // missing in the sample: reader default

  const config::Disk& drbd = data.disks.at(kDrbdDisk);
  EXPECT_EQ(drbd.devType, "drbd");
  EXPECT_EQ(drbd.size, 1024);
  EXPECT_EQ(drbd.mode, "rw");
  EXPECT_EQ(drbd.ivName, "disk/0");
  EXPECT_EQ(drbd.nodes, (std::vector<std::string>{kNode1, kNode3}));
  EXPECT_EQ(drbd.drbdNode(0), kNode1);
  EXPECT_EQ(drbd.drbdNode(1), kNode3);
  EXPECT_EQ(drbd.drbdPort(), 32100);
  EXPECT_EQ(drbd.drbdMinor(0), 0);
  EXPECT_EQ(drbd.drbdSecret(), "d3c3fd475fcbaf5fd177fb245ac43b71247ada38");
  ASSERT_EQ(drbd.children.size(), 2u);
  EXPECT_EQ(drbd.children[1].devType, "plain");
  EXPECT_EQ(drbd.children[1].size, 128);
  EXPECT_EQ(drbd.children[1].logicalId[1],
            "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta");
  EXPECT_TRUE(drbd.children[1].uuid.empty());

  const config::Network& net = data.networks.at(kNetwork);
  EXPECT_EQ(net.name, "a network");
  EXPECT_EQ(net.network, "203.0.113.0/24");
  EXPECT_FALSE(net.gateway.has_value());
  ASSERT_TRUE(net.extReservations.has_value());
  EXPECT_EQ(net.extReservations->size(), 256u);
}

TEST(ConfigObjects, DerivedInstanceFacts) {
  const ConfigData data = ConfigData::fromJson(loadSample("3.1"));
  const config::Instance* inst1 = data.findInstanceByName("instance1.example.com");
  const config::Instance* inst2 = data.findInstanceByName("instance2.example.com");
  ASSERT_NE(inst1, nullptr);
  ASSERT_NE(inst2, nullptr);
  EXPECT_EQ(data.diskTemplate(*inst1), "drbd");
  EXPECT_EQ(data.diskTemplate(*inst2), "plain");
  EXPECT_EQ(data.secondaryNodes(*inst1), std::vector<std::string>{kNode3});
  EXPECT_TRUE(data.secondaryNodes(*inst2).empty());
  EXPECT_EQ(data.findNode(inst1->primaryNode)->name, "node1.example.com");
  EXPECT_EQ(data.findNodeByName("node2.example.com")->uuid,
            "2ae3d962-2dad-44f2-bdb1-85f77107f907");
  EXPECT_EQ(data.findNodeByName("nope.example.com"), nullptr);

  config::Instance diskless = *inst2;
  diskless.disks.clear();
  EXPECT_EQ(data.diskTemplate(diskless), "diskless");
}

TEST(ConfigObjects, UnknownKeysSurviveRoundTrip) {
  Json input = loadSample("3.1");
  input["x_top"] = {{"a", 1}};
  input["cluster"]["x_cluster"] = "kept";
  input["nodes"][kNode1]["x_node"] = Json::array({1, 2});
  input["instances"][kInstance1]["x_instance"] = true;
  input["instances"][kInstance1]["nics"][0]["x_nic"] = 5;
  input["disks"][kDrbdDisk]["children"][0]["x_child"] = nullptr;
  input["nodegroups"]["5244a46d-7506-4e14-922d-02b58153dde1"]["members"] =
      Json::array();
  input["networks"][kNetwork]["x_net"] = "n";
  input["filters"]["f1"] = {{"uuid", "f1"},
                            {"watermark", 12},
                            {"priority", 0},
                            {"predicates", Json::array()},
                            {"action", "ACCEPT"},
                            {"reason_trail", Json::array()},
                            {"x_filter", 1}};

  const ConfigData data = ConfigData::fromJson(input);
  EXPECT_EQ(data.extras.unknown.at("x_top"), Json({{"a", 1}}));
  EXPECT_EQ(data.filters.at("f1").watermark, 12);
  EXPECT_EQ(data.filters.at("f1").action, "ACCEPT");
  EXPECT_EQ(data.toJson(), input);

  // Changing a typed field keeps the unknown ones beside it.
  ConfigData changed = data;
  changed.instances.at(kInstance1).name = "renamed.example.com";
  const Json out = changed.toJson();
  EXPECT_EQ(out["instances"][kInstance1]["name"], "renamed.example.com");
  EXPECT_EQ(out["instances"][kInstance1]["x_instance"], true);
  EXPECT_EQ(out["instances"][kInstance1]["nics"][0]["x_nic"], 5);
}

TEST(ConfigObjects, DefaultedKeysStayAbsentUnlessChanged) {
  const Json input = loadSample("3.1");
  ASSERT_FALSE(input["instances"][kInstance1].contains("tags"));
  ConfigData data = ConfigData::fromJson(input);
  EXPECT_FALSE(data.toJson()["instances"][kInstance1].contains("tags"));

  data.instances.at(kInstance1).tags = {"web"};
  EXPECT_EQ(data.toJson()["instances"][kInstance1]["tags"], Json({"web"}));
}

TEST(ConfigObjects, NullOptionalSurvives) {
  Json input = loadSample("3.1");
  input["instances"][kInstance1]["nics"][0]["ip"] = nullptr;
  const ConfigData data = ConfigData::fromJson(input);
  EXPECT_FALSE(data.instances.at(kInstance1).nics[0].ip.has_value());
  EXPECT_TRUE(data.toJson()["instances"][kInstance1]["nics"][0]["ip"].is_null());
}

TEST(ConfigObjects, NewObjectsWriteEveryField) {
  config::Instance inst;
  inst.uuid = "u1";
  inst.serialNo = 1;
  inst.name = "new.example.com";
  const Json out = inst.toJson();
  EXPECT_EQ(out["tags"], Json::array());
  EXPECT_EQ(out["disks_active"], false);
  EXPECT_EQ(out["admin_state"], "down");
  EXPECT_EQ(out["ctime"], 0);
  EXPECT_FALSE(out.contains("forthcoming"));  // written only as true
  EXPECT_FALSE(out.contains("network_port"));

  inst.forthcoming = true;
  EXPECT_EQ(inst.toJson()["forthcoming"], true);

  config::Node node;
  node.uuid = "n1";
  node.name = "n1.example.com";
  const Json nodeOut = node.toJson();
  EXPECT_EQ(nodeOut["vm_capable"], true);
  EXPECT_FALSE(nodeOut.contains("hv_state_static"));  // omitted when empty
}

TEST(ConfigObjects, MalformedObjectsNameTheirPlace) {
  Json input = loadSample("3.1");
  input["nodes"][kNode1].erase("name");
  try {
    ConfigData::fromJson(input);
    FAIL() << "accepted a node without name";
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              std::string("nodes/") + kNode1 + ": missing key 'name'");
  }

  input = loadSample("3.1");
  input["instances"][kInstance1]["disks_active"] = "yes";
  try {
    ConfigData::fromJson(input);
    FAIL() << "accepted a string for a bool";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(std::string("instances/") +
                                         kInstance1 +
                                         ": bad value for 'disks_active'"),
              std::string::npos)
        << e.what();
  }

  input = loadSample("3.1");
  input["disks"] = Json::array();
  EXPECT_THROW(ConfigData::fromJson(input), config::ConfigError);
}
