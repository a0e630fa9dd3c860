#include "core/opcodes/opcode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace ops = gantry::core::opcodes;
using gantry::sdk::ErrorCode;
using nlohmann::json;

namespace {

ops::Opcode parseOk(const json& input) {
  auto op = ops::parseOpcode(input);
  EXPECT_TRUE(op) << input.dump() << ": "
                  << (op ? "" : op.error().message);
  if (!op) throw std::runtime_error("parse failed");
  return *op;
}

std::string refusal(const json& input) {
  auto op = ops::parseOpcode(input);
  EXPECT_FALSE(op) << input.dump();
  if (op) return "";
  EXPECT_EQ(op.error().code, ErrorCode::kInvalid);
  return op.error().message;
}

json withId(const char* id, json params = json::object()) {
  params["OP_ID"] = id;
  return params;
}

}  // namespace

// ---- refusals common to every opcode ----

TEST(ParseOpcode, RefusesNonDictAndMissingOrUnknownId) {
  EXPECT_EQ(refusal(json::array()), "Invalid data to LoadOpCode (list)");
  EXPECT_EQ(refusal(json::object()),
            "Invalid data to LoadOpcode, missing OP_ID");
  EXPECT_EQ(refusal(withId("OP_NOPE")),
            "Invalid data to LoadOpCode: OP_ID OP_NOPE unsupported");
  EXPECT_EQ(refusal(json{{"OP_ID", 5}}),
            "Invalid data to LoadOpCode: OP_ID 5 unsupported");
}

// ---- OP_TEST_DELAY ----

TEST(ParseOpcode, TestDelayDefaults) {
  auto op = parseOk(withId("OP_TEST_DELAY", {{"duration", 2}}));
  EXPECT_EQ(op.id(), "OP_TEST_DELAY");
  EXPECT_DOUBLE_EQ(op.getDouble("duration"), 2.0);
  EXPECT_TRUE(op.getBool("on_master"));
  EXPECT_EQ(op.get("on_nodes"), json::array());
  EXPECT_EQ(op.getInt("repeat"), 0);
  EXPECT_FALSE(op.getBool("interruptible"));
  EXPECT_TRUE(op.getBool("no_locks"));
  EXPECT_FALSE(op.has("on_node_uuids"));
  // Common params: priority and reason get defaults, the rest stays absent.
  EXPECT_EQ(op.priority(), 0);
  EXPECT_EQ(op.reason(), json::array());
  EXPECT_FALSE(op.dryRun());
  EXPECT_FALSE(op.debugLevel().has_value());
  EXPECT_FALSE(op.comment().has_value());
  EXPECT_EQ(op.depends(), json::array());
  EXPECT_FALSE(op.params().contains("dry_run"));
  EXPECT_FALSE(op.params().contains("OP_ID"));
}

TEST(ParseOpcode, TestDelayRefusals) {
  EXPECT_EQ(refusal(withId("OP_TEST_DELAY")),
            "Parameter 'OP_TEST_DELAY.duration' fails validation: missing "
            "required parameter");
  EXPECT_EQ(refusal(withId("OP_TEST_DELAY", {{"duration", nullptr}})),
            "Parameter 'OP_TEST_DELAY.duration' fails validation: missing "
            "required parameter");
  EXPECT_EQ(refusal(withId("OP_TEST_DELAY", {{"duration", "10"}})),
            "Parameter 'OP_TEST_DELAY.duration' fails validation: expected "
            "float, got string \"10\"");
  EXPECT_EQ(refusal(withId("OP_TEST_DELAY", {{"duration", 1}, {"bogus", 1}})),
            "Opcode OP_TEST_DELAY doesn't support the parameter 'bogus'");
  EXPECT_EQ(refusal(withId("OP_TEST_DELAY", {{"duration", 1}, {"repeat", -1}})),
            "Parameter 'OP_TEST_DELAY.repeat' fails validation: expected int "
            ">= 0, got int -1");
  EXPECT_EQ(
      refusal(withId("OP_TEST_DELAY", {{"duration", 1}, {"on_nodes", {""}}})),
      "Parameter 'OP_TEST_DELAY.on_nodes' fails validation: expected list of "
      "non-empty string, got list [\"\"]");
}

TEST(ParseOpcode, CommonParamRefusals) {
  json base = withId("OP_TEST_DELAY", {{"duration", 0}});
  json p = base;
  p["priority"] = 5;
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_TEST_DELAY.priority' fails validation: expected "
            "priority -10, 0 or 10, got int 5");
  p = base;
  p["debug_level"] = -1;
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_TEST_DELAY.debug_level' fails validation: "
            "expected int >= 0, got int -1");
  p = base;
  p["depends"] = json::parse(R"([[1, ["running"]]])");
  EXPECT_NE(refusal(p).find("'OP_TEST_DELAY.depends' fails validation"),
            std::string::npos);
  p = base;
  p["reason"] = "because";
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_TEST_DELAY.reason' fails validation: expected list "
            "of [source, text, timestamp], got string \"because\"");
  p = base;
  p["dry_run"] = "yes";
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_TEST_DELAY.dry_run' fails validation: expected "
            "bool, got string \"yes\"");
}

TEST(ParseOpcode, CommonParamsAccepted) {
  json in = withId("OP_TEST_DELAY", {{"duration", 0}});
  in["priority"] = -10;
  in["dry_run"] = true;
  in["debug_level"] = 2;
  in["comment"] = "hello";
  in["depends"] = json::parse(R"([[-1, []], [7, ["success"]]])");
  in["reason"] = json::parse(R"([["gnt:client:gnt-debug", "delay", 1]])");
  auto op = parseOk(in);
  EXPECT_EQ(op.priority(), -10);
  EXPECT_TRUE(op.dryRun());
  EXPECT_EQ(op.debugLevel(), 2);
  EXPECT_EQ(op.comment(), "hello");
  EXPECT_EQ(op.depends().size(), 2u);
  EXPECT_EQ(op.reason()[0][0], "gnt:client:gnt-debug");
  // null comment / depends mean "not given".
  in["comment"] = nullptr;
  in["depends"] = nullptr;
  auto op2 = parseOk(in);
  EXPECT_FALSE(op2.comment().has_value());
  EXPECT_EQ(op2.depends(), json::array());
}

// ---- OP_TEST_JQUEUE ----

TEST(ParseOpcode, TestJqueueDefaultsAndRefusals) {
  auto op = parseOk(withId("OP_TEST_JQUEUE"));
  EXPECT_FALSE(op.getBool("notify_waitlock"));
  EXPECT_FALSE(op.getBool("notify_exec"));
  EXPECT_EQ(op.get("log_messages"), json::array());
  EXPECT_FALSE(op.getBool("fail"));
  EXPECT_EQ(refusal(withId("OP_TEST_JQUEUE", {{"fail", 1}})),
            "Parameter 'OP_TEST_JQUEUE.fail' fails validation: expected "
            "bool, got int 1");
  EXPECT_EQ(refusal(withId("OP_TEST_JQUEUE", {{"log_messages", "x"}})),
            "Parameter 'OP_TEST_JQUEUE.log_messages' fails validation: "
            "expected list of string, got string \"x\"");
  EXPECT_EQ(refusal(withId("OP_TEST_JQUEUE", {{"duration", 1}})),
            "Opcode OP_TEST_JQUEUE doesn't support the parameter 'duration'");
}

// ---- OP_INSTANCE_CREATE ----

TEST(ParseOpcode, InstanceCreateDefaults) {
  auto op = parseOk(withId("OP_INSTANCE_CREATE",
                           {{"instance_name", "inst1"},
                            {"mode", "create"},
                            {"disks", json::parse(R"([{"size": 1024}])")},
                            {"nics", json::array()},
                            {"disk_template", "plain"},
                            {"os_type", "debootstrap"}}));
  EXPECT_EQ(op.getString("instance_name"), "inst1");
  EXPECT_TRUE(op.getBool("start"));
  EXPECT_TRUE(op.getBool("wait_for_sync"));
  EXPECT_FALSE(op.getBool("name_check"));  // 3.1 default (3.0.2: true)
  EXPECT_FALSE(op.getBool("ip_check"));
  EXPECT_TRUE(op.getBool("conflicts_check"));
  EXPECT_EQ(op.get("hvparams"), json::object());
  EXPECT_EQ(op.get("beparams"), json::object());
  EXPECT_EQ(op.get("osparams"), json::object());
  EXPECT_EQ(op.get("tags"), json::array());
  EXPECT_EQ(op.getString("compress"), "none");
  EXPECT_EQ(op.getInt("source_shutdown_timeout"), 120);
  EXPECT_FALSE(op.has("pnode"));
  EXPECT_FALSE(op.has("iallocator"));
  EXPECT_EQ(op.optString("pnode"), std::nullopt);
}

TEST(ParseOpcode, InstanceCreateRefusals) {
  json good = withId("OP_INSTANCE_CREATE", {{"instance_name", "inst1"},
                                            {"mode", "create"},
                                            {"disks", json::array()},
                                            {"nics", json::array()}});
  json p = good;
  p.erase("nics");
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_INSTANCE_CREATE.nics' fails validation: missing "
            "required parameter");
  p = good;
  p["mode"] = "clone";
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_INSTANCE_CREATE.mode' fails validation: expected "
            "one of 'create', 'import', 'remote-import', got string \"clone\"");
  p = good;
  p["disk_template"] = "lvm";
  EXPECT_NE(refusal(p).find("'OP_INSTANCE_CREATE.disk_template' fails "
                            "validation: expected one of 'diskless'"),
            std::string::npos);
  p = good;
  p["disks"] = json::object();
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_INSTANCE_CREATE.disks' fails validation: expected "
            "list of dict, got dict {}");
  p = good;
  p["instance_uuid"] = "x";  // no uuid twin on create
  EXPECT_EQ(refusal(p), "Opcode OP_INSTANCE_CREATE doesn't support the "
                        "parameter 'instance_uuid'");
  p = good;
  p["helper_startup_timeout"] = 1.5;
  EXPECT_EQ(refusal(p),
            "Parameter 'OP_INSTANCE_CREATE.helper_startup_timeout' fails "
            "validation: expected int, got float 1.5");
}

// ---- OP_INSTANCE_STARTUP ----

TEST(ParseOpcode, InstanceStartupDefaultsAndRefusals) {
  auto op = parseOk(withId("OP_INSTANCE_STARTUP", {{"instance_name", "i1"}}));
  EXPECT_FALSE(op.getBool("force"));
  EXPECT_FALSE(op.getBool("ignore_offline_nodes"));
  EXPECT_EQ(op.get("hvparams"), json::object());
  EXPECT_EQ(op.get("beparams"), json::object());
  EXPECT_FALSE(op.getBool("no_remember"));
  EXPECT_FALSE(op.getBool("startup_paused"));
  EXPECT_EQ(op.getInt("shutdown_timeout"), 120);
  EXPECT_EQ(refusal(withId("OP_INSTANCE_STARTUP")),
            "Parameter 'OP_INSTANCE_STARTUP.instance_name' fails validation: "
            "missing required parameter");
  EXPECT_EQ(refusal(withId("OP_INSTANCE_STARTUP",
                           {{"instance_name", "i1"}, {"shutdown_timeout", -5}})),
            "Parameter 'OP_INSTANCE_STARTUP.shutdown_timeout' fails "
            "validation: expected int >= 0, got int -5");
  EXPECT_EQ(refusal(withId("OP_INSTANCE_STARTUP",
                           {{"instance_name", "i1"}, {"hvparams", "x"}})),
            "Parameter 'OP_INSTANCE_STARTUP.hvparams' fails validation: "
            "expected dict, got string \"x\"");
  EXPECT_EQ(refusal(withId("OP_INSTANCE_STARTUP",
                           {{"instance_name", "i1"}, {"timeout", 5}})),
            "Opcode OP_INSTANCE_STARTUP doesn't support the parameter "
            "'timeout'");
}

// ---- OP_NODE_ADD ----

TEST(ParseOpcode, NodeAddDefaultsAndRefusals) {
  auto op = parseOk(withId("OP_NODE_ADD", {{"node_name", "node2"}}));
  EXPECT_FALSE(op.getBool("readd"));
  EXPECT_FALSE(op.getBool("node_setup"));
  EXPECT_FALSE(op.has("primary_ip"));
  EXPECT_FALSE(op.has("group"));
  EXPECT_EQ(op.optBool("master_capable"), std::nullopt);
  EXPECT_EQ(refusal(withId("OP_NODE_ADD", {{"node_name", ""}})),
            "Parameter 'OP_NODE_ADD.node_name' fails validation: expected "
            "non-empty string, got string \"\"");
  EXPECT_EQ(refusal(withId("OP_NODE_ADD")),
            "Parameter 'OP_NODE_ADD.node_name' fails validation: missing "
            "required parameter");
  EXPECT_EQ(refusal(withId("OP_NODE_ADD",
                           {{"node_name", "n"}, {"vm_capable", "yes"}})),
            "Parameter 'OP_NODE_ADD.vm_capable' fails validation: expected "
            "bool, got string \"yes\"");
  EXPECT_EQ(refusal(withId("OP_NODE_ADD", {{"node_name", "n"}, {"force", true}})),
            "Opcode OP_NODE_ADD doesn't support the parameter 'force'");
}

// ---- OP_CLUSTER_VERIFY ----

TEST(ParseOpcode, ClusterVerifyDefaultsAndRefusals) {
  auto op = parseOk(withId("OP_CLUSTER_VERIFY"));
  EXPECT_FALSE(op.getBool("debug_simulate_errors"));
  EXPECT_FALSE(op.getBool("error_codes"));
  EXPECT_EQ(op.get("skip_checks"), json::array());
  EXPECT_EQ(op.get("ignore_errors"), json::array());
  EXPECT_FALSE(op.getBool("verbose"));
  EXPECT_FALSE(op.getBool("verify_clutter"));
  EXPECT_FALSE(op.has("group_name"));
  parseOk(withId("OP_CLUSTER_VERIFY",
                 {{"skip_checks", {"nplusone_mem", "hvparam_assessment"}},
                  {"ignore_errors", {"ENODEHV", "EINSTANCEDOWN"}}}));
  EXPECT_NE(refusal(withId("OP_CLUSTER_VERIFY", {{"skip_checks", {"memory"}}}))
                .find("'OP_CLUSTER_VERIFY.skip_checks' fails validation: "
                      "expected list of one of 'nplusone_mem', "
                      "'hvparam_assessment', got list [\"memory\"]"),
            std::string::npos);
  EXPECT_NE(
      refusal(withId("OP_CLUSTER_VERIFY", {{"ignore_errors", {"wrong_input"}}}))
          .find("'OP_CLUSTER_VERIFY.ignore_errors' fails validation"),
      std::string::npos);
  EXPECT_EQ(refusal(withId("OP_CLUSTER_VERIFY", {{"group_name", ""}})),
            "Parameter 'OP_CLUSTER_VERIFY.group_name' fails validation: "
            "expected non-empty string, got string \"\"");
  EXPECT_EQ(refusal(withId("OP_CLUSTER_VERIFY", {{"is_strict", true}})),
            "Opcode OP_CLUSTER_VERIFY doesn't support the parameter "
            "'is_strict'");
}

// ---- 3.0.2 clients ----

TEST(ParseOpcode, AcceptsLegacyParams) {
  auto op = parseOk(withId("OP_INSTANCE_SET_PARAMS",
                           {{"instance_name", "i1"},
                            {"hotplug", false},
                            {"hotplug_if_possible", true}}));
  EXPECT_TRUE(op.getBool("hotplug_if_possible"));
  EXPECT_FALSE(op.getBool("hotplug"));
  // Not given: not filled in.
  auto op2 = parseOk(withId("OP_INSTANCE_SET_PARAMS", {{"instance_name", "i1"}}));
  EXPECT_FALSE(op2.params().contains("hotplug_if_possible"));
  EXPECT_TRUE(op2.getBool("hotplug"));
  // Still type-checked.
  EXPECT_EQ(refusal(withId("OP_INSTANCE_SET_PARAMS",
                           {{"instance_name", "i1"},
                            {"hotplug_if_possible", "yes"}})),
            "Parameter 'OP_INSTANCE_SET_PARAMS.hotplug_if_possible' fails "
            "validation: expected bool, got string \"yes\"");
  // Elsewhere it is unknown.
  EXPECT_EQ(refusal(withId("OP_INSTANCE_STARTUP", {{"instance_name", "i1"},
                                                   {"hotplug_if_possible", true}})),
            "Opcode OP_INSTANCE_STARTUP doesn't support the parameter "
            "'hotplug_if_possible'");
}

// A 3.0.2 `gnt-instance add` sends name_check/ip_check explicitly and no
// is_strict anywhere; all of it validates.
TEST(ParseOpcode, Accepts302StyleInstanceCreate) {
  json in = json::parse(R"({
    "OP_ID": "OP_INSTANCE_CREATE", "instance_name": "inst1.example.com",
    "mode": "create", "disk_template": "drbd", "disks": [{"size": 1024, "mode": "rw"}],
    "nics": [{"mac": "auto", "ip": null, "link": "br0"}], "os_type": "debootstrap+default",
    "pnode": "node1", "snode": "node2", "name_check": true, "ip_check": true,
    "start": true, "hvparams": {}, "beparams": {"maxmem": 512}, "osparams": {},
    "tags": [], "file_driver": "loop", "dry_run": false, "debug_level": 0,
    "priority": 0, "depends": null, "comment": null,
    "reason": [["gnt:client:gnt-instance", "add", 1700000000000000000]]})");
  auto op = parseOk(in);
  EXPECT_TRUE(op.getBool("name_check"));
  EXPECT_EQ(op.reason().size(), 1u);
}

TEST(ParseOpcode, MultiAllocValidatesEachInstance) {
  json create = withId("OP_INSTANCE_CREATE", {{"instance_name", "a"},
                                              {"mode", "create"},
                                              {"disks", json::array()},
                                              {"nics", json::array()}});
  parseOk(withId("OP_INSTANCE_MULTI_ALLOC", {{"instances", {create}}}));
  json broken = create;
  broken.erase("mode");
  EXPECT_EQ(refusal(withId("OP_INSTANCE_MULTI_ALLOC", {{"instances", {broken}}})),
            "Parameter 'OP_INSTANCE_MULTI_ALLOC.instances' fails validation: "
            "instance 0: Parameter 'OP_INSTANCE_CREATE.mode' fails "
            "validation: missing required parameter");
  EXPECT_EQ(
      refusal(withId("OP_INSTANCE_MULTI_ALLOC",
                     {{"instances", {withId("OP_TEST_DELAY", {{"duration", 1}})}}})),
      "Parameter 'OP_INSTANCE_MULTI_ALLOC.instances' fails validation: "
      "instance 0: expected OP_INSTANCE_CREATE, got OP_TEST_DELAY");
}

TEST(ParseOpcode, OtherShapes) {
  parseOk(withId("OP_INSTANCE_SET_PARAMS",
                 {{"instance_name", "i1"},
                  {"disks", json::parse(R"([["add", {"size": 1024, "name": "X"}]])")},
                  {"nics", json::parse(R"([["modify", -1, {"mac": "generate"}]])")}}));
  parseOk(withId("OP_INSTANCE_RECREATE_DISKS",
                 {{"instance_name", "i1"}, {"disks", {0, 1}}}));
  parseOk(withId("OP_INSTANCE_RECREATE_DISKS",
                 {{"instance_name", "i1"},
                  {"disks", json::parse(R"([[0, {"size": 10}]])")}}));
  parseOk(withId("OP_BACKUP_EXPORT", {{"instance_name", "i1"}, {"target_node", "n1"}}));
  auto exp = parseOk(withId("OP_BACKUP_EXPORT",
                            {{"instance_name", "i1"}, {"target_node", {1, 2}}}));
  EXPECT_EQ(exp.getString("mode"), "local");
  EXPECT_TRUE(exp.getBool("shutdown"));
  parseOk(withId("OP_NETWORK_ADD", {{"network_name", "net1"},
                                    {"network", "192.0.2.0/24"},
                                    {"gateway", "192.0.2.1"}}));
  EXPECT_EQ(refusal(withId("OP_NETWORK_ADD",
                           {{"network_name", "net1"}, {"network", "192.0.2.0"}})),
            "Parameter 'OP_NETWORK_ADD.network' fails validation: expected "
            "IPv4 network (a.b.c.d/n), got string \"192.0.2.0\"");
  EXPECT_EQ(refusal(withId("OP_INSTANCE_GROW_DISK", {{"instance_name", "i1"},
                                                     {"disk", 16},
                                                     {"amount", 1}})),
            "Parameter 'OP_INSTANCE_GROW_DISK.disk' fails validation: "
            "expected int in 0..15, got int 16");
  auto sp = parseOk(withId("OP_CLUSTER_SET_PARAMS",
                           {{"hvparams", json::parse(R"({"kvm": {"kernel_path": ""}})")},
                            {"candidate_pool_size", 10}}));
  EXPECT_EQ(sp.getInt("candidate_pool_size"), 10);
  EXPECT_EQ(refusal(withId("OP_CLUSTER_SET_PARAMS", {{"candidate_pool_size", 0}})),
            "Parameter 'OP_CLUSTER_SET_PARAMS.candidate_pool_size' fails "
            "validation: expected int > 0, got int 0");
}

TEST(ParseOpcode, InputKeptVerbatim) {
  json in = json::parse(
      R"({"OP_ID": "OP_TEST_DELAY", "duration": 0.5, "on_nodes": ["n1"],
          "hotplug": null, "comment": null})");
  // hotplug is not a TEST_DELAY parameter: use a valid one instead.
  in.erase("hotplug");
  auto op = parseOk(in);
  EXPECT_EQ(op.input(), in);
  EXPECT_EQ(op.toJson(), in);
  EXPECT_EQ(op.toJson().dump(), in.dump());
  EXPECT_FALSE(op.toJson().contains("no_locks"));  // defaults not leaked
  // Round trip: the serialized input parses to the same parameters.
  auto again = parseOk(json::parse(op.toJson().dump()));
  EXPECT_EQ(again.params(), op.params());
}

TEST(ParseOpcode, AccessorsOnAbsentParamThrow) {
  auto op = parseOk(withId("OP_NODE_ADD", {{"node_name", "n"}}));
  EXPECT_THROW(op.get("primary_ip"), std::out_of_range);
  EXPECT_THROW(op.get("nonsense"), std::out_of_range);
}

// The job files gnt-debug submit-job reads in Ganeti's examples.
TEST(ParseOpcode, GntDebugExampleJobs) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(GANTRY_SHARED_DIR) /
                 "testdata/ganeti/doc/examples/gnt-debug";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    json job = json::parse(in);
    ASSERT_TRUE(job.is_array()) << entry.path();
    ASSERT_FALSE(job.empty());
    for (const auto& input : job) {
      auto op = ops::parseOpcode(input);
      ASSERT_TRUE(op) << entry.path() << ": " << op.error().message;
      EXPECT_EQ(op->id(), "OP_TEST_DELAY");
      EXPECT_EQ(op->toJson(), input);
      EXPECT_EQ(op->getInt("repeat"), input.value("repeat", 0));
    }
  }
  EXPECT_EQ(files, 3);
}
