#include "core/config/fill.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/config/defaults.h"

namespace config = gantry::core::config;
using config::ConfigData;
using Json = nlohmann::json;

namespace {

ConfigData loadSample31() {
  std::ifstream in(std::string(GANTRY_SHARED_DIR) +
                   "/testdata/ganeti/test/data/cluster_config_3.1.json");
  std::stringstream text;
  text << in.rdbuf();
  return ConfigData::fromJson(Json::parse(text.str()));
}

constexpr const char* kInstance1 = "6c078d22-3eb6-4780-857d-81772e09eef1";
constexpr const char* kNode1 = "9a12d554-75c0-4cb1-8064-103365145db0";
constexpr const char* kGroupDefault = "5244a46d-7506-4e14-922d-02b58153dde1";
constexpr const char* kGroupAnother = "6c0a8916-b719-45ad-95dd-82192b1e473f";

class Fill : public testing::Test {
 protected:
  ConfigData cfg = loadSample31();
  config::Cluster& cluster = cfg.cluster;
  config::Instance& inst = cfg.instances.at(kInstance1);
};

}  // namespace

TEST(FillDict, CustomWinsAndSkipKeysAreDropped) {
  const Json defaults = {{"a", 1}, {"b", 2}, {"c", 3}};
  EXPECT_EQ(config::fillDict(defaults, {{"b", 20}, {"d", 4}}),
            Json({{"a", 1}, {"b", 20}, {"c", 3}, {"d", 4}}));
  EXPECT_EQ(config::fillDict(defaults, {{"b", 20}}, {"a", "b"}),
            Json({{"c", 3}}));
  EXPECT_EQ(config::fillDict(defaults, nullptr), defaults);
}

TEST_F(Fill, HvClusterOverBuiltInThenOsThenInstance) {
  inst.hvparams = {{"kernel_args", "ro quiet"}};
  Json hv = config::fillInstanceHvParams(cluster, inst);
  EXPECT_EQ(hv["kernel_args"], "ro quiet");          // instance
  EXPECT_EQ(hv["kernel_path"], "/boot/vmlinuz-xenU");  // cluster
  EXPECT_EQ(hv["cpuid"], "");                          // cluster
  EXPECT_EQ(hv["root_path"], "/dev/xvda1");            // cluster, no os_hvp

  // os_hvp is looked up with the full OS name.
  inst.os = "TEMP-Ganeti-QA-OS";
  hv = config::fillInstanceHvParams(cluster, inst);
  EXPECT_EQ(hv["root_path"], "/dev/sda5");
  inst.os = "TEMP-Ganeti-QA-OS+variant";
  hv = config::fillInstanceHvParams(cluster, inst);
  EXPECT_EQ(hv["root_path"], "/dev/xvda1");

  // The instance level still wins over os_hvp.
  inst.os = "TEMP-Ganeti-QA-OS";
  inst.hvparams["root_path"] = "/dev/xvda2";
  EXPECT_EQ(config::fillInstanceHvParams(cluster, inst)["root_path"],
            "/dev/xvda2");
}

TEST_F(Fill, HvGlobalsAreClusterOnly) {
  inst.hvparams = {{"migration_port", 1234}, {"cpu_weight", 512}};
  Json hv = config::fillInstanceHvParams(cluster, inst);
  EXPECT_EQ(hv["migration_port"], 8082);  // instance value ignored
  EXPECT_EQ(hv["cpu_weight"], 512);

  hv = config::fillInstanceHvParams(cluster, inst, /*skipGlobals=*/true);
  EXPECT_FALSE(hv.contains("migration_port"));
  EXPECT_FALSE(hv.contains("migration_mode"));
  EXPECT_EQ(hv["cpu_weight"], 512);
}

TEST_F(Fill, HvBuiltInDefaultsForKvmAndFake) {
  cluster.hvparams.erase("kvm");
  cluster.hvparams.erase("fake");
  const Json kvm = config::fillHvParams(cluster, "kvm", "busybox",
                                        {{"kvm_flag", "disabled"}});
  EXPECT_EQ(kvm["kvm_path"], "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(kvm["kernel_path"], "/boot/vmlinuz-3-kvmU");
  EXPECT_EQ(kvm["migration_port"], 8102);
  EXPECT_EQ(kvm["migration_bandwidth"], 32);
  EXPECT_EQ(kvm["vhost_net"], true);
  EXPECT_EQ(kvm["disk_discard"], "ignore");
  EXPECT_EQ(kvm["kvm_pci_reservations"], 12);
  EXPECT_EQ(kvm["kvm_flag"], "disabled");
  EXPECT_EQ(kvm.size(), config::hvDefaults("kvm").size());

  EXPECT_EQ(config::fillHvParams(cluster, "fake", "", {}),
            Json({{"migration_mode", "live"}}));

  // With the sample's kvm entry the cluster values win.
  const config::ConfigData fresh = loadSample31();
  const Json sampleKvm =
      config::fillHvParams(fresh.cluster, "kvm", "busybox", Json::object());
  EXPECT_EQ(sampleKvm["migration_port"], 4041);
  EXPECT_EQ(sampleKvm["vhost_net"], false);
  EXPECT_EQ(sampleKvm["scsi_controller_type"], "lsi");  // built-in only
}

TEST_F(Fill, BeParamsClusterDefaultThenInstanceWithMemoryAlias) {
  cluster.beparams["default"]["vcpus"] = 2;
  cluster.beparams["default"].erase("spindle_use");
  inst.beparams = {{"memory", 512}};
  const Json be = config::fillInstanceBeParams(cluster, inst);
  EXPECT_EQ(be["vcpus"], 2);        // cluster
  EXPECT_EQ(be["spindle_use"], 1);  // built-in
  EXPECT_EQ(be["maxmem"], 512);     // alias
  EXPECT_EQ(be["minmem"], 512);
  EXPECT_FALSE(be.contains("memory"));

  inst.beparams = {{"maxmem", 1024}};
  EXPECT_EQ(config::fillInstanceBeParams(cluster, inst)["minmem"], 128);
}

TEST_F(Fill, NicParamsAndGroupNetwork) {
  config::Nic nic = inst.nics.at(0);
  nic.nicparams = {{"mode", "routed"}};
  Json filled = config::fillNicParams(cluster, nic.nicparams);
  EXPECT_EQ(filled, Json({{"mode", "routed"}, {"link", "br974"}, {"vlan", ""}}));

  config::NodeGroup group = cfg.nodegroups.at(kGroupDefault);
  group.networks["net-1"] = {{"mode", "openvswitch"}, {"link", "switch1"},
                             {"vlan", ".100"}};
  nic.network = "net-1";
  filled = config::fillNic(cluster, &group, nic);
  EXPECT_EQ(filled, Json({{"mode", "openvswitch"},
                          {"link", "switch1"},
                          {"vlan", ".100"}}));
  nic.network = "not-connected";
  EXPECT_EQ(config::fillNic(cluster, &group, nic)["mode"], "routed");
}

TEST_F(Fill, OsParamsWithoutVariantThenVariantThenInstance) {
  EXPECT_EQ(config::osNameWithoutVariant("debootstrap+buster"), "debootstrap");
  EXPECT_EQ(config::osNameWithoutVariant("busybox"), "busybox");

  cluster.osparams["debootstrap"] = {{"a", "1"}, {"b", "1"}};
  cluster.osparams["debootstrap+buster"] = {{"b", "2"}};
  cluster.osparams["debootstrap+bullseye"] = {{"b", "3"}};
  EXPECT_EQ(config::fillOsParams(cluster, "debootstrap+buster", {{"c", "3"}}),
            Json({{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(config::fillOsParams(cluster, "debootstrap", Json::object()),
            Json({{"a", "1"}, {"b", "1"}}));

  cluster.osparamsPrivateCluster["debootstrap"] = {{"password", "x"}};
  EXPECT_EQ(config::fillOsParamsPrivate(cluster, "debootstrap+buster",
                                        Json::object()),
            Json({{"password", "x"}}));

  auto merged = config::fillOsParamsAll(cluster, "debootstrap+buster",
                                        {{"c", "3"}}, Json::object(),
                                        {{"secret", "s"}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, Json({{"a", "1"},
                           {"b", "2"},
                           {"c", "3"},
                           {"password", "x"},
                           {"secret", "s"}}));

  auto clash = config::fillOsParamsAll(cluster, "debootstrap+buster",
                                       Json::object(), {{"a", "p"}},
                                       Json::object());
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, gantry::sdk::ErrorCode::kInvalid);
  EXPECT_NE(clash.error().message.find("- at public visibility:  'a'"),
            std::string::npos)
      << clash.error().message;
  EXPECT_NE(clash.error().message.find("- at secret visibility:  (none)"),
            std::string::npos);
}

TEST_F(Fill, NdParamsClusterGroupNode) {
  config::Node node = cfg.nodes.at(kNode1);
  node.ndparams = {{"spindle_count", 4}};
  const config::NodeGroup& another = cfg.nodegroups.at(kGroupAnother);
  Json nd = config::fillNodeNdParams(cluster, another, node);
  EXPECT_EQ(nd["exclusive_storage"], true);  // group
  EXPECT_EQ(nd["spindle_count"], 4);         // node
  EXPECT_EQ(nd["ovs_name"], "switch1");      // cluster
  EXPECT_EQ(nd.size(), config::ndDefaults().size());

  cluster.ndparams = {{"ssh_port", 2222}};
  nd = config::fillGroupNdParams(cluster, cfg.nodegroups.at(kGroupDefault));
  EXPECT_EQ(nd["ssh_port"], 2222);
  EXPECT_EQ(nd["exclusive_storage"], false);  // built-in
  EXPECT_EQ(nd["cpu_speed"], 1.0);
}

TEST_F(Fill, DiskParamsBuiltInClusterGroup) {
  config::NodeGroup group = cfg.nodegroups.at(kGroupAnother);
  group.diskparams["drbd"] = {{"resync-rate", 2048}};
  Json drbd = config::fillDiskParams(cluster, &group, "drbd");
  EXPECT_EQ(drbd["resync-rate"], 2048);   // group
  EXPECT_EQ(drbd["c-plan-ahead"], 1);     // cluster
  EXPECT_EQ(drbd["protocol"], "C");

  cluster.diskparams.erase("rbd");
  cluster.diskparams.erase("drbd");
  Json rbd = config::fillDiskParams(cluster, nullptr, "rbd");
  EXPECT_EQ(rbd, Json({{"pool", "rbd"}, {"access", "kernelspace"}}));
  drbd = config::fillDiskParams(cluster, nullptr, "drbd");
  EXPECT_EQ(drbd["resync-rate"], 61440);  // built-in
  EXPECT_EQ(drbd["c-min-rate"], 4096);
  EXPECT_EQ(drbd["disk-barriers"], "n");

  auto all = config::fillGroupDiskParams(cluster, group);
  EXPECT_EQ(all.size(), config::diskTemplates().size());
  EXPECT_EQ(all.at("drbd")["resync-rate"], 2048);
  EXPECT_EQ(all.at("plain")["stripes"], 2);
  EXPECT_EQ(all.at("diskless"), Json::object());
}

TEST_F(Fill, IPolicyGroupReplacesMinmaxWholeAndMergesStd) {
  const config::NodeGroup& another = cfg.nodegroups.at(kGroupAnother);
  Json pol = config::fillGroupIPolicy(cluster, another);
  // minmax replaced as a whole: the group's entry, not a key merge.
  ASSERT_EQ(pol["minmax"].size(), 1u);
  EXPECT_EQ(pol["minmax"], another.ipolicy["minmax"]);
  EXPECT_EQ(pol["minmax"][0]["max"]["nic-count"], 18);
  EXPECT_EQ(pol["minmax"][0]["min"]["cpu-count"], 2);
  EXPECT_EQ(pol["disk-templates"], Json({"plain"}));
  EXPECT_EQ(pol["vcpu-ratio"], 3.14);
  EXPECT_EQ(pol["spindle-ratio"], 5.2);
  EXPECT_EQ(pol["std"], cluster.ipolicy["std"]);  // copied from cluster

  // A partial minmax entry is not completed from the cluster's.
  config::NodeGroup partial = another;
  partial.ipolicy = {{"minmax", Json::array({{{"min", {{"cpu-count", 3}}},
                                              {"max", {{"cpu-count", 4}}}}})},
                     {"std", {{"cpu-count", 3}}}};
  pol = config::fillGroupIPolicy(cluster, partial);
  EXPECT_EQ(pol["minmax"][0]["min"], Json({{"cpu-count", 3}}));
  EXPECT_FALSE(pol["minmax"][0]["max"].contains("memory-size"));
  // std merged key by key.
  EXPECT_EQ(pol["std"]["cpu-count"], 3);
  EXPECT_EQ(pol["std"]["memory-size"], 128);
  EXPECT_EQ(pol["disk-templates"], cluster.ipolicy["disk-templates"]);
  EXPECT_EQ(pol["vcpu-ratio"], 1.0);

  // The default group has no policy of its own.
  EXPECT_EQ(config::fillGroupIPolicy(cluster, cfg.nodegroups.at(kGroupDefault)),
            cluster.ipolicy);
}

TEST_F(Fill, IPolicyClusterFromBuiltIn) {
  cluster.ipolicy = {{"vcpu-ratio", 2.0}, {"std", {{"disk-size", 2048}}}};
  const Json pol = config::fillClusterIPolicy(cluster);
  EXPECT_EQ(pol["vcpu-ratio"], 2.0);
  EXPECT_EQ(pol["spindle-ratio"], 32.0);
  EXPECT_EQ(pol["std"]["disk-size"], 2048);
  EXPECT_EQ(pol["std"]["memory-size"], 128);
  EXPECT_EQ(pol["minmax"][0]["max"]["memory-size"], 32768);
  EXPECT_EQ(pol["disk-templates"].size(), 9u);
}

TEST(FillParamMap, ConvertsJsonTypes) {
  const auto map = config::toParamMap({{"s", "x"},
                                       {"b", true},
                                       {"i", 3},
                                       {"f", 1.5},
                                       {"n", nullptr},
                                       {"l", Json::array({1})}});
  EXPECT_EQ(std::get<std::string>(map.at("s")), "x");
  EXPECT_EQ(std::get<bool>(map.at("b")), true);
  EXPECT_EQ(std::get<std::int64_t>(map.at("i")), 3);
  EXPECT_EQ(std::get<double>(map.at("f")), 1.5);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(map.at("n")));
  EXPECT_EQ(std::get<std::string>(map.at("l")), "[1]");
}
