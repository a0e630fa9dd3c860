#include "core/config/upgrade.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/config/fill.h"

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

// Deterministic uuids for what old configs lack.
config::UpgradeOptions countingUuids() {
  auto counter = std::make_shared<int>(0);
  config::UpgradeOptions options;
  options.newUuid = [counter] {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d",
                  ++*counter);
    return std::string(buf);
  };
  return options;
}

Json upgraded(const std::string& version) {
  Json data = loadSample(version);
  auto report = config::upgradeConfig(data, countingUuids());
  EXPECT_TRUE(report.ok()) << version << ": " << report.error().message;
  return data;
}

constexpr const char* kNode1 = "9a12d554-75c0-4cb1-8064-103365145db0";
constexpr const char* kNode2 = "2ae3d962-2dad-44f2-bdb1-85f77107f907";
constexpr const char* kNode3 = "41f9c238-173c-4120-9e41-04ad379b647a";
constexpr const char* kInstance1 = "6c078d22-3eb6-4780-857d-81772e09eef1";
constexpr const char* kDrbdDisk = "77ced3a5-6756-49ae-8d1f-274e27664c05";
constexpr const char* kPlainDisk3 = "150bd154-8e23-44d1-b762-5065ae5a507b";
constexpr const char* kGroupAnother = "6c0a8916-b719-45ad-95dd-82192b1e473f";

// What each sample holds, read from the files by hand. The upgrade makes
// the cluster's ssh key settings (dsa/1024 before 2.16's own values, as
// Ganeti does) and drops xen_cmd (gone in 3.1) except in the 3.1 sample,
// which is loaded as it is.
struct SampleFacts {
  const char* version;
  std::int64_t fileVersion;
  const char* sshKeyType;
  std::int64_t sshKeyBits;
  const char* xenCmd;  // nullptr: no xen_cmd after loading
  std::size_t hvParamCount;
  const char* nicVlan;  // cluster nicparams vlan; 2.14+ store "", older none
};

const SampleFacts kSamples[] = {
    {"2.7", 2070000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.8", 2080000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.9", 2090000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.10", 2100000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.11", 2110000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.12", 2120000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.13", 2130000, "dsa", 1024, nullptr, 17, nullptr},
    {"2.14", 2140000, "dsa", 1024, nullptr, 17, ""},
    {"2.15", 2150000, "dsa", 1024, nullptr, 17, ""},
    {"2.16", 2160000, "dsa", 1024, nullptr, 17, ""},
    {"3.0", 3000000, "rsa", 2048, nullptr, 17, ""},
    {"3.1", 3010000, "rsa", 2048, "xl", 18, ""},
};

class ConfigSample : public testing::TestWithParam<SampleFacts> {};

}  // namespace

TEST(ConfigVersion, SplitsAndFormats) {
  EXPECT_EQ(config::versionString(2100000), "2.10");
  EXPECT_EQ(config::versionString(3010000), "3.1");
  EXPECT_EQ(config::versionString(2160003), "2.16.3");
  EXPECT_EQ(config::buildVersion(3, 1), config::kConfigVersion);
  const auto v = config::splitVersion(2150000);
  EXPECT_EQ(v.major, 2);
  EXPECT_EQ(v.minor, 15);
  EXPECT_EQ(v.revision, 0);
}

TEST(ConfigVersion, RefusesOtherVersionsWithTheirName) {
  EXPECT_TRUE(config::checkConfigVersion(3010000).ok());

  auto old = config::checkConfigVersion(2100000);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, gantry::sdk::ErrorCode::kInvalid);
  EXPECT_EQ(old.error().message,
            "Configuration version 2.10 is not supported; this is 3.1: run "
            "gantry-cfgupgrade");

  auto newer = config::checkConfigVersion(3020000);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().message,
            "Configuration version 3.2 is not supported; this is 3.1");

  auto loaded = config::loadConfigData(loadSample("3.0"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message,
            "Configuration version 3.0 is not supported; this is 3.1: run "
            "gantry-cfgupgrade");

  auto noVersion = config::checkConfigVersion(Json{{"cluster", {}}});
  ASSERT_FALSE(noVersion.ok());
  EXPECT_EQ(noVersion.error().message,
            "Unable to determine configuration version");
}

TEST(ConfigVersion, LoadsCurrentVersionFromText) {
  std::ifstream in(std::string(GANTRY_SHARED_DIR) +
                   "/testdata/ganeti/test/data/cluster_config_3.1.json");
  std::stringstream text;
  text << in.rdbuf();
  auto loaded = config::loadConfigText(text.str());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->instances.size(), 3u);

  auto broken = config::loadConfigText("{\"version\": ");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message, "Configuration is not valid JSON");

  Json bad = loadSample("3.1");
  bad["nodes"][kNode1].erase("uuid");
  auto malformed = config::loadConfigData(bad);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().message,
            std::string("nodes/") + kNode1 + ": missing key 'uuid'");
}

TEST(ConfigUpgrade, RefusesUnsupportedVersions) {
  Json tooOld = loadSample("2.7");
  tooOld["version"] = 2060000;
  const Json before = tooOld;
  auto r = config::upgradeConfig(tooOld);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Configuration version 2.6 is too old to upgrade; upgrade it to "
            "2.7 or later with Ganeti's cfgupgrade first");
  EXPECT_EQ(tooOld, before);

  Json future = loadSample("3.1");
  future["version"] = 3020000;
  r = config::upgradeConfig(future);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Configuration version 3.2 is not supported by this tool");

  Json inconsistent = loadSample("2.16");
  inconsistent["cluster"]["config_version"] = 2160000;
  r = config::upgradeConfig(inconsistent);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Inconsistent configuration: found config_version in "
            "configuration file");
}

TEST(ConfigUpgrade, CurrentVersionIsLeftAlone) {
  Json data = loadSample("3.1");
  const Json before = data;
  auto r = config::upgradeConfig(data);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->changed);
  EXPECT_TRUE(r->actions.empty());
  EXPECT_EQ(data, before);
}

TEST(ConfigUpgrade, FailureLeavesTheDocumentUnchanged) {
  Json data = loadSample("2.12");
  data["instances"][kInstance1]["disks"] = Json::array({"no-such-disk"});
  const Json before = data;
  auto r = config::upgradeConfig(data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Upgrade failed: instance instance1.example.com refers to an "
            "unknown disk \"no-such-disk\"");
  EXPECT_EQ(data, before);
}

TEST(ConfigUpgrade, From30IsThe31SampleWithoutXenCmd) {
  Json expected = loadSample("3.1");
  expected["cluster"]["hvparams"]["xen-pvm"].erase("xen_cmd");
  expected["cluster"]["hvparams"]["xen-hvm"].erase("xen_cmd");
  Json data = loadSample("3.0");
  auto r = config::upgradeConfig(data);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(r->fromVersion, 3000000);
  EXPECT_EQ(r->actions,
            (std::vector<std::string>{
                "cluster: removed hvparam xen_cmd of xen-pvm",
                "cluster: removed hvparam xen_cmd of xen-hvm"}));
  EXPECT_EQ(data, expected) << Json::diff(expected, data).dump(1);
}

TEST(ConfigUpgrade, From210MovesDisksToTopLevel) {
  const Json original = loadSample("2.10");
  ASSERT_FALSE(original.contains("disks"));
  Json data = upgraded("2.10");
  EXPECT_EQ(data["version"], 3010000);

  const Json& inst = data["instances"][kInstance1];
  EXPECT_EQ(inst["disks"], Json({kDrbdDisk}));
  EXPECT_FALSE(inst.contains("disk_template"));
  EXPECT_EQ(inst["admin_state_source"], "admin");

  const Json& disk = data["disks"][kDrbdDisk];
  EXPECT_EQ(disk["dev_type"], "drbd");
  EXPECT_EQ(disk["serial_no"], 1);
  EXPECT_EQ(disk["ctime"], 1363620258.608976);  // the instance's ctime
  EXPECT_EQ(disk["mtime"], 1363620258.608976);
  EXPECT_EQ(disk["nodes"], Json({kNode1, kNode3}));
  EXPECT_EQ(disk["logical_id"][2], 32100);
  // 2.10 children have no uuid: new ones, and the parent's nodes.
  EXPECT_EQ(disk["children"][0]["uuid"], "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(disk["children"][1]["uuid"], "00000000-0000-4000-8000-000000000002");
  EXPECT_EQ(disk["children"][1]["nodes"], Json({kNode1, kNode3}));
  EXPECT_EQ(data["disks"][kPlainDisk3]["nodes"], Json({kNode2}));

  EXPECT_EQ(data["disks"]["79acf611-be58-4334-9fe4-4f2b73ae8abb"]["ctime"],
            1355186880.451181);

  const Json& cluster = data["cluster"];
  EXPECT_EQ(cluster["candidate_certs"], Json::object());
  EXPECT_EQ(cluster["default_iallocator_params"], Json::object());
  EXPECT_EQ(cluster["enabled_user_shutdown"], false);
  EXPECT_EQ(cluster["compression_tools"],
            Json({"gzip", "gzip-fast", "gzip-slow"}));
  EXPECT_EQ(cluster["install_image"], "");
  EXPECT_EQ(cluster["data_collectors"].size(), 6u);
  EXPECT_TRUE(cluster["data_collectors"]["lv"]["interval"].is_number_float());
  EXPECT_EQ(cluster["data_collectors"]["lv"]["interval"], 5000000.0);
  EXPECT_FALSE(cluster["hvparams"]["xen-pvm"].contains("xen_cmd"));
  EXPECT_EQ(data["filters"], Json::object());
}

TEST(ConfigUpgrade, From211DiskOfInstanceWithoutCtimeGetsZero) {
  ASSERT_FALSE(loadSample("2.11")["instances"]
                   ["8fde9f6d-e1f1-4850-9e9c-154966f622f5"]
                       .contains("ctime"));
  Json data = upgraded("2.11");
  const Json& disk = data["disks"]["79acf611-be58-4334-9fe4-4f2b73ae8abb"];
  EXPECT_EQ(disk["ctime"], 0);
  EXPECT_EQ(disk["mtime"], 0);
  EXPECT_EQ(disk["serial_no"], 1);
}

TEST(ConfigUpgrade, From27RekeysByUuidAndConvertsIPolicy) {
  const Json original = loadSample("2.7");
  ASSERT_TRUE(original["nodes"].contains("node1.example.com"));
  Json data = original;
  auto report = config::upgradeConfig(data, countingUuids());
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Group "another" has exclusive storage and the disks no spindles.
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_EQ(report->warnings[0].rfind("Some instance disks could be needing "
                                      "to update the spindles parameter",
                                      0),
            0u);

  EXPECT_TRUE(data["nodes"].contains(kNode1));
  EXPECT_FALSE(data["nodes"].contains("node1.example.com"));
  EXPECT_EQ(data["cluster"]["master_node"], kNode1);
  EXPECT_EQ(data["instances"][kInstance1]["primary_node"], kNode1);

  // 2.7 disks have no uuids at all: the instance names its new one.
  ASSERT_EQ(data["instances"][kInstance1]["disks"].size(), 1u);
  const std::string diskUuid = data["instances"][kInstance1]["disks"][0];
  EXPECT_EQ(diskUuid, "00000000-0000-4000-8000-000000000001");
  const Json& disk = data["disks"][diskUuid];
  EXPECT_EQ(disk["dev_type"], "drbd");
  EXPECT_EQ(disk["iv_name"], "disk/0");
  EXPECT_EQ(disk["logical_id"][0], kNode1);
  EXPECT_EQ(disk["logical_id"][1], kNode3);
  EXPECT_FALSE(disk.contains("physical_id"));
  EXPECT_EQ(disk["children"][0]["dev_type"], "plain");
  EXPECT_FALSE(disk["children"][0].contains("physical_id"));

  // 2.7 NICs have no uuid; the writer's first load gives them one.
  EXPECT_TRUE(data["instances"][kInstance1]["nics"][0]["uuid"].is_string());

  // Cluster: min/max/std -> minmax + std.
  const Json& cpol = data["cluster"]["ipolicy"];
  EXPECT_FALSE(cpol.contains("min"));
  EXPECT_EQ(cpol["minmax"][0]["max"]["memory-size"], 32768);
  EXPECT_EQ(cpol["std"]["disk-size"], 1024);
  // Group "another": partial min/max completed from the cluster, std gone.
  const Json& gpol = data["nodegroups"][kGroupAnother]["ipolicy"];
  EXPECT_EQ(gpol, loadSample("2.8")["nodegroups"][kGroupAnother]["ipolicy"]);
  EXPECT_EQ(gpol["minmax"][0]["min"]["cpu-count"], 2);
  EXPECT_EQ(gpol["minmax"][0]["min"]["memory-size"], 128);
  EXPECT_FALSE(gpol.contains("std"));
  // Group "default": empty min/max/std -> nothing left.
  EXPECT_EQ(data["nodegroups"]["5244a46d-7506-4e14-922d-02b58153dde1"]["ipolicy"],
            Json::object());
}

TEST_P(ConfigSample, UpgradesRoundTripsAndFills) {
  const SampleFacts& facts = GetParam();
  const Json original = loadSample(facts.version);
  ASSERT_EQ(original["version"], facts.fileVersion);

  const Json data = upgraded(facts.version);
  EXPECT_EQ(data["version"], 3010000);
  auto loaded = config::loadConfigData(data);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const ConfigData& cfg = *loaded;
  EXPECT_EQ(cfg.toJson(), data) << Json::diff(data, cfg.toJson()).dump(1);

  EXPECT_EQ(cfg.nodes.size(), 3u);
  EXPECT_EQ(cfg.instances.size(), 3u);
  EXPECT_EQ(cfg.disks.size(), 3u);
  EXPECT_EQ(cfg.nodegroups.size(), 2u);
  EXPECT_EQ(cfg.cluster.sshKeyType, facts.sshKeyType);
  EXPECT_EQ(cfg.cluster.sshKeyBits, facts.sshKeyBits);

  const config::Instance* inst = cfg.findInstanceByName("instance1.example.com");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->uuid, kInstance1);
  const config::Node* primary = cfg.findNode(inst->primaryNode);
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->name, "node1.example.com");
  EXPECT_EQ(cfg.diskTemplate(*inst), "drbd");
  ASSERT_EQ(cfg.secondaryNodes(*inst).size(), 1u);
  EXPECT_EQ(cfg.findNode(cfg.secondaryNodes(*inst)[0])->name,
            "node3.example.com");

  const config::Instance* inst3 = cfg.findInstanceByName("instance3.example.com");
  ASSERT_NE(inst3, nullptr);
  EXPECT_EQ(cfg.findNode(inst3->primaryNode)->name, "node2.example.com");
  EXPECT_EQ(cfg.diskTemplate(*inst3), "plain");
  EXPECT_EQ(cfg.findDisk(inst3->disks.at(0))->size, 1280);

  const Json hv = config::fillInstanceHvParams(cfg.cluster, *inst);
  EXPECT_EQ(hv.size(), facts.hvParamCount) << hv.dump();
  EXPECT_EQ(hv["kernel_path"], "/boot/vmlinuz-xenU");  // cluster over built-in
  EXPECT_EQ(hv["root_path"], "/dev/xvda1");
  EXPECT_EQ(hv["migration_port"], 8082);
  EXPECT_EQ(hv["migration_mode"], "live");
  EXPECT_EQ(hv["kernel_args"], "ro");
  EXPECT_EQ(hv["cpu_weight"], 256);
  EXPECT_EQ(hv["use_bootloader"], false);
  EXPECT_EQ(hv["vif_script"], "");
  EXPECT_EQ(hv["soundhw"], "");
  if (facts.xenCmd != nullptr) {
    EXPECT_EQ(hv["xen_cmd"], facts.xenCmd);
  } else {
    EXPECT_FALSE(hv.contains("xen_cmd"));
  }

  const Json be = config::fillInstanceBeParams(cfg.cluster, *inst);
  EXPECT_EQ(be, Json({{"always_failover", false},
                      {"auto_balance", true},
                      {"maxmem", 128},
                      {"minmem", 128},
                      {"spindle_use", 1},
                      {"vcpus", 1}}));

  const Json nic = config::fillNicParams(cfg.cluster, inst->nics.at(0).nicparams);
  EXPECT_EQ(nic["link"], "br974");
  EXPECT_EQ(nic["mode"], "bridged");
  EXPECT_EQ(cfg.cluster.nicparams.at("default").contains("vlan"),
            facts.nicVlan != nullptr);
  EXPECT_EQ(nic["vlan"], "");

  const Json gpol =
      config::fillGroupIPolicy(cfg.cluster, cfg.nodegroups.at(kGroupAnother));
  EXPECT_EQ(gpol["minmax"][0]["max"]["nic-count"], 18);
  EXPECT_EQ(gpol["disk-templates"], Json({"plain"}));
  EXPECT_EQ(gpol["std"]["memory-size"], 128);
}

INSTANTIATE_TEST_SUITE_P(
    AllVersions, ConfigSample, testing::ValuesIn(kSamples),
    [](const testing::TestParamInfo<SampleFacts>& info) {
      std::string name = std::string("v") + info.param.version;
      for (auto& ch : name) {
        if (ch == '.') ch = '_';
      }
      return name;
    });

TEST(ConfigUpgrade, UpgradedSampleUpgradesNoFurther) {
  Json data = upgraded("2.11");
  const Json once = data;
  auto again = config::upgradeConfig(data);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(data, once);
}

TEST(ConfigUpgrade, NetworkNamesOnNicsBecomeUuids) {
  Json data = loadSample("2.10");
  data["instances"][kInstance1]["nics"][0]["network"] = "a network";
  auto r = config::upgradeConfig(data, countingUuids());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(data["instances"][kInstance1]["nics"][0]["network"],
            "99f0128a-1c84-44da-90b9-9581ea00c075");
}

TEST(ConfigUpgrade, KvmDiskDiscardDefaultBecomesIgnore) {
  Json data = loadSample("3.0");
  data["cluster"]["hvparams"]["kvm"]["disk_discard"] = "default";
  data["instances"][kInstance1]["hvparams"] = {{"disk_discard", "default"}};
  auto r = config::upgradeConfig(data);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(data["cluster"]["hvparams"]["kvm"]["disk_discard"], "ignore");
  EXPECT_EQ(data["instances"][kInstance1]["hvparams"]["disk_discard"], "ignore");
}

TEST(ConfigUpgrade, RandomUuidsAreVersion4) {
  const std::string a = config::randomUuid();
  const std::string b = config::randomUuid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
}
