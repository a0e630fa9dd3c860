// batch-create's definition files: Ganeti 3's list of opcode parameters
// and Ganeti 2's documented object form, from the walkthrough's examples.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/gnt-instance/batch_definitions.h"
#include "core/luxi/errors.h"

namespace gantry::cli::instance {
namespace {
using core::luxi::Json;

std::string sharedFile(const std::string& relative) {
  std::ifstream in(std::string(GANTRY_SHARED_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string refusal(const std::string& text) {
  try {
    batchCreateOpcode(text, std::nullopt);
  } catch (const core::luxi::EncodedError& e) {
    return e.firstArg();
  }
  return "";
}

TEST(BatchDefinitions, GanetiTwoExampleFileBecomesCreateOpcodes) {
  const std::string text = sharedFile("testdata/ganeti/doc/examples/batcher-instances.json");
  ASSERT_FALSE(text.empty());
  const Json op = batchCreateOpcode(text, std::nullopt);
  EXPECT_EQ(op["OP_ID"], "OP_INSTANCE_MULTI_ALLOC");
  ASSERT_EQ(op["instances"].size(), 2u);
  const Json& first = op["instances"][0];
  EXPECT_EQ(first["OP_ID"], "OP_INSTANCE_CREATE");
  EXPECT_EQ(first["instance_name"], "instance1.example.com");
  EXPECT_EQ(first["mode"], "create");
  EXPECT_EQ(first["disk_template"], "drbd");
  EXPECT_EQ(first["os_type"], "debootstrap");
  EXPECT_EQ(first["disks"], Json::parse(R"([{"size": 25600}])"));
  EXPECT_EQ(first["beparams"], Json::parse(R"({"memory": 512})"));
  EXPECT_EQ(first["nics"], Json::parse("[{}]"));
  EXPECT_EQ(op["instances"][1]["disk_template"], "plain");
  EXPECT_EQ(op["instances"][1]["disks"], Json::parse(R"([{"size": 102400}])"));
  EXPECT_FALSE(op.contains("iallocator"));
  EXPECT_EQ(batchCreateOpcode(text, "hail")["iallocator"], "hail");
}

TEST(BatchDefinitions, GanetiThreeListIsPassedOnAsItIs) {
  const Json op = batchCreateOpcode(
      R"([{"instance_name": "a", "mode": "create", "disks": [{"size": 64}], "nics": [],
           "pnode": "node1", "start": false}])",
      std::nullopt);
  EXPECT_EQ(op["instances"][0]["pnode"], "node1");
  EXPECT_EQ(op["instances"][0]["start"], false);
  EXPECT_EQ(op["instances"][0]["OP_ID"], "OP_INSTANCE_CREATE");
}

TEST(BatchDefinitions, RefusesWhatGanetiRefuses) {
  EXPECT_EQ(refusal(R"([{"instance_name": "a", "colour": "blue"}])"),
            "Unknown fields in definition 0: colour");
  EXPECT_EQ(refusal(R"({"a": {"template": "file", "size": 3}})"),
            "Unknown fields in definition a: size");
  EXPECT_EQ(refusal("[1, 2]"), "The instance definition file is not List of Dictionary");
  EXPECT_EQ(refusal("\"text\""), "The instance definition file is not List of Dictionary");
  EXPECT_EQ(refusal("{not json").rfind("Can't parse the instance definition file: ", 0), 0u);
  EXPECT_EQ(refusal(R"({"a": {"disk_size": ["lots"]}})").empty(), false);
}

}  // namespace
}  // namespace gantry::cli::instance
