#include "core/opcodes/definitions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ops = gantry::core::opcodes;
using nlohmann::json;

namespace {

// The ids the catalog lacks (empty when every one is defined).
std::vector<std::string> missingFromCatalog(const std::vector<std::string>& ids) {
  std::vector<std::string> missing;
  for (const auto& id : ids) {
    if (ops::catalog().find(id) == nullptr) missing.push_back(id);
  }
  return missing;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(OpcodeCatalog, HasEveryClusterOpcode) {
  EXPECT_EQ(missingFromCatalog({"OP_CLUSTER_POST_INIT", "OP_CLUSTER_DESTROY",
                    "OP_CLUSTER_QUERY", "OP_CLUSTER_VERIFY",
                    "OP_CLUSTER_VERIFY_CONFIG", "OP_CLUSTER_VERIFY_GROUP",
                    "OP_CLUSTER_VERIFY_DISKS", "OP_GROUP_VERIFY_DISKS",
                    "OP_CLUSTER_REPAIR_DISK_SIZES", "OP_CLUSTER_CONFIG_QUERY",
                    "OP_CLUSTER_RENAME", "OP_CLUSTER_SET_PARAMS",
                    "OP_CLUSTER_REDIST_CONF", "OP_CLUSTER_ACTIVATE_MASTER_IP",
                    "OP_CLUSTER_DEACTIVATE_MASTER_IP",
                    "OP_CLUSTER_RENEW_CRYPTO"}),
            std::vector<std::string>{});
}

TEST(OpcodeCatalog, HasEveryNodeOpcode) {
  EXPECT_EQ(missingFromCatalog({"OP_NODE_ADD", "OP_NODE_REMOVE", "OP_NODE_SET_PARAMS",
                    "OP_NODE_POWERCYCLE", "OP_NODE_EVACUATE",
                    "OP_NODE_MIGRATE", "OP_NODE_QUERYVOLS",
                    "OP_NODE_QUERY_STORAGE", "OP_NODE_MODIFY_STORAGE",
                    "OP_REPAIR_NODE_STORAGE", "OP_OOB_COMMAND",
                    "OP_RESTRICTED_COMMAND"}),
            std::vector<std::string>{});
}

TEST(OpcodeCatalog, HasEveryInstanceOpcode) {
  EXPECT_EQ(missingFromCatalog(
      {"OP_INSTANCE_CREATE", "OP_INSTANCE_MULTI_ALLOC", "OP_INSTANCE_REMOVE",
       "OP_INSTANCE_STARTUP", "OP_INSTANCE_SHUTDOWN", "OP_INSTANCE_REBOOT",
       "OP_INSTANCE_REINSTALL", "OP_INSTANCE_RENAME",
       "OP_INSTANCE_SET_PARAMS", "OP_INSTANCE_GROW_DISK",
       "OP_INSTANCE_ACTIVATE_DISKS", "OP_INSTANCE_DEACTIVATE_DISKS",
       "OP_INSTANCE_RECREATE_DISKS", "OP_INSTANCE_FAILOVER",
       "OP_INSTANCE_MIGRATE", "OP_INSTANCE_MOVE", "OP_INSTANCE_REPLACE_DISKS",
       "OP_INSTANCE_CONSOLE", "OP_INSTANCE_QUERY_DATA",
       "OP_INSTANCE_CHANGE_GROUP"}),
            std::vector<std::string>{});
}

TEST(OpcodeCatalog, HasEveryTestAndOtherDomainOpcode) {
  EXPECT_EQ(missingFromCatalog({"OP_TEST_DELAY", "OP_TEST_ALLOCATOR", "OP_TEST_JQUEUE",
                    "OP_TEST_OS_PARAMS", "OP_TEST_DUMMY", "OP_QUERY",
                    "OP_QUERY_FIELDS", "OP_GROUP_ADD", "OP_GROUP_ASSIGN_NODES",
                    "OP_GROUP_SET_PARAMS", "OP_GROUP_REMOVE", "OP_GROUP_RENAME",
                    "OP_GROUP_EVACUATE", "OP_OS_DIAGNOSE",
                    "OP_EXT_STORAGE_DIAGNOSE", "OP_BACKUP_PREPARE",
                    "OP_BACKUP_EXPORT", "OP_BACKUP_REMOVE", "OP_TAGS_GET",
                    "OP_TAGS_SEARCH", "OP_TAGS_SET", "OP_TAGS_DEL",
                    "OP_NETWORK_ADD", "OP_NETWORK_REMOVE",
                    "OP_NETWORK_SET_PARAMS", "OP_NETWORK_CONNECT",
                    "OP_NETWORK_DISCONNECT", "OP_NETWORK_RENAME"}),
            std::vector<std::string>{});
}

// Every OP_ID the opcode reference mentions in its section 12 is defined.
TEST(OpcodeCatalog, CoversReferenceSection12) {
  std::string doc = readFile(std::string(GANTRY_SHARED_DIR) +
                             "/reference/jobs-and-opcodes.md");
  auto start = doc.find("## 12. Opcode reference");
  ASSERT_NE(start, std::string::npos);
  std::string section = doc.substr(start);
  std::regex op_re("`(OP_[A-Z_0-9]+)`");
  std::set<std::string> ids;
  for (std::sregex_iterator it(section.begin(), section.end(), op_re), end;
       it != end; ++it) {
    ids.insert((*it)[1]);
  }
  EXPECT_GT(ids.size(), 60u);
  for (const auto& id : ids) {
    EXPECT_NE(ops::catalog().find(id), nullptr) << id;
  }
}

TEST(OpcodeCatalog, DomainsFollowDefinitionFiles) {
  EXPECT_EQ(ops::catalog().find("OP_INSTANCE_STARTUP")->domain, "instance");
  EXPECT_EQ(ops::catalog().find("OP_TAGS_GET")->domain, "tags");
  EXPECT_EQ(ops::catalog().find("OP_TEST_DELAY")->domain, "test");
  EXPECT_EQ(ops::catalog().find("OP_QUERY")->domain, "query");
  EXPECT_EQ(ops::catalog().find("OP_NOT_THERE"), nullptr);
}

TEST(OpcodeCatalog, CommonParams) {
  std::vector<std::string> names;
  for (const auto& p : ops::catalog().commonParams()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dry_run", "debug_level",
                                             "priority", "depends",
                                             "comment", "reason"}));
  const auto* reason = ops::catalog().findCommonParam("reason");
  ASSERT_NE(reason, nullptr);
  ASSERT_TRUE(reason->default_value);
  EXPECT_EQ(*reason->default_value, json::array());
}

TEST(OpcodeCatalog, VersionDifferencesAreRecorded) {
  const auto* setp = ops::catalog().find("OP_INSTANCE_SET_PARAMS");
  ASSERT_NE(setp, nullptr);
  ASSERT_NE(setp->findLegacyParam("hotplug_if_possible"), nullptr);
  EXPECT_EQ(setp->findParam("hotplug_if_possible"), nullptr);
  EXPECT_EQ(*setp->findParam("hotplug")->default_value, json(true));
  EXPECT_EQ((*setp->defaults_3_0)["hotplug"], json(false));
  const auto* create = ops::catalog().find("OP_INSTANCE_CREATE");
  EXPECT_EQ(*create->findParam("name_check")->default_value, json(false));
  EXPECT_EQ((*create->defaults_3_0)["name_check"], json(true));
  EXPECT_EQ(ops::catalog().find("OP_CLUSTER_VERIFY_DISKS")
                ->findParam("is_strict")->since,
            "3.1");
  EXPECT_EQ(ops::catalog().find("OP_NETWORK_RENAME")->since, "3.1");
}

TEST(OpcodeCatalog, EnumerationsOfReference) {
  const auto& enums = ops::catalog().enums();
  EXPECT_EQ(enums.at("RebootType"),
            (std::vector<std::string>{"soft", "hard", "full"}));
  EXPECT_EQ(enums.at("DiskTemplate").size(), 9u);
  const auto* reboot = ops::catalog().find("OP_INSTANCE_REBOOT");
  EXPECT_TRUE(reboot->findParam("reboot_type")->required);
  EXPECT_EQ(reboot->findParam("reboot_type")->type.enumValues(),
            enums.at("RebootType"));
}

TEST(OpcodeCatalogLoad, RefusesBrokenDefinitions) {
  const std::string enums = R"({"enums": {"E": ["a", "b"]}})";
  auto ok = ops::Catalog::load(
      {{"enums.json", enums},
       {"x.json", R"({"domain": "x", "opcodes": [{"id": "OP_X",
          "params": [{"name": "p", "type": "enum<E>", "default": "a"}]}]})"}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_NE(ok->find("OP_X"), nullptr);

  auto bad_type = ops::Catalog::load(
      {{"x.json", R"({"domain": "x", "opcodes": [{"id": "OP_X",
          "params": [{"name": "p", "type": "enum<Nope>", "optional": true}]}]})"}});
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().message.find("unknown enum 'Nope'"),
            std::string::npos)
      << bad_type.error().message;

  auto bad_default = ops::Catalog::load(
      {{"x.json", R"({"domain": "x", "opcodes": [{"id": "OP_X",
          "params": [{"name": "p", "type": "int>=0", "default": -1}]}]})"}});
  ASSERT_FALSE(bad_default);
  EXPECT_NE(bad_default.error().message.find("OP_X.p"), std::string::npos);

  auto twice = ops::Catalog::load(
      {{"a.json", R"({"domain": "a", "opcodes": [{"id": "OP_X"}]})"},
       {"b.json", R"({"domain": "b", "opcodes": [{"id": "OP_X"}]})"}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("defined twice"), std::string::npos);

  auto not_json = ops::Catalog::load({{"a.json", "{"}});
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message.find("a.json"), std::string::npos);
}
