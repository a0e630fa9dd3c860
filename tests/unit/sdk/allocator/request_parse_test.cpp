// Parsing IAllocator requests into the allocator model, checked against
// the values Ganeti's hail derives for the same input (its `-v -v -v`
// dump in the hail-expected data).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gantry/sdk/allocator/request.h"

namespace gantry::sdk::allocator {
namespace {

const std::string kHtools = std::string(GANTRY_SHARED_DIR) + "/testdata/ganeti/test/data/htools/";
const std::string kExpected = std::string(GANTRY_SHARED_DIR) + "/testdata/hail-expected/";

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

ParsedRequest parseFile(const std::string& path) {
  auto r = parseRequest(readFile(path));
  EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : ParsedRequest{};
}

// Scalar fields of each `Node {name = "...", ...}` record in hail's
// `Received cluster data` dump, keyed by node name.
std::map<std::string, std::map<std::string, std::string>> hailNodeDump(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::size_t pos = 0;
  while ((pos = text.find("Node {name = \"", pos)) != std::string::npos) {
    std::size_t end = text.find("hypervisor = ", pos);
    std::string rec = text.substr(pos, end - pos);
    std::smatch m;
    std::regex_search(rec, m, std::regex("name = \"([^\"]+)\""));
    auto& fields = out[m[1]];
    std::regex field(R"(([A-Za-z0-9]+) = (\[[^\]]*\]|[^,{}]+))");
    for (auto it = std::sregex_iterator(rec.begin(), rec.end(), field);
         it != std::sregex_iterator(); ++it) {
      fields.emplace((*it)[1], (*it)[2]);  // first occurrence wins
    }
    pos = end;
  }
  return out;
}

std::string listText(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

std::string peersText(const std::map<int, int>& peers) {
  std::string s = "[";
  bool first = true;
  for (const auto& [k, v] : peers) {
    s += (first ? "" : ",") + ("(" + std::to_string(k) + "," + std::to_string(v) + ")");
    first = false;
  }
  return s + "]";
}

TEST(AllocatorRequestParse, NodeValuesMatchHailDump) {
  const auto req = parseFile(kHtools + "hail-alloc-drbd.json");
  const auto dump = hailNodeDump(readFile(kExpected + "st132-alloc-drbd-save-state/expected.stderr"));
  ASSERT_EQ(dump.size(), 4u);
  ASSERT_EQ(req.cluster.nodes.size(), 4u);
  for (const auto& [idx, n] : req.cluster.nodes) {
    SCOPED_TRACE(n.name);
    ASSERT_TRUE(dump.count(n.name));
    const auto& f = dump.at(n.name);
    auto num = [&](const char* key) { return std::stod(f.at(key)); };
    EXPECT_EQ(n.tMem, num("tMem"));
    EXPECT_EQ(n.nMem, num("nMem"));
    EXPECT_EQ(n.iMem, num("iMem"));
    EXPECT_EQ(n.fMem, num("fMem"));
    EXPECT_EQ(n.fMemForth, num("fMemForth"));
    EXPECT_EQ(n.xMem, num("xMem"));
    EXPECT_EQ(n.tDsk, num("tDsk"));
    EXPECT_EQ(n.fDsk, num("fDsk"));
    EXPECT_EQ(n.tCpu, num("tCpu"));
    EXPECT_EQ(n.uCpu, num("uCpu"));
    EXPECT_EQ(n.tSpindles, num("tSpindles"));
    EXPECT_EQ(n.fSpindles, num("fSpindles"));
    EXPECT_EQ(n.rMem, num("rMem"));
    EXPECT_EQ(n.pMem, num("pMem"));
    EXPECT_EQ(n.pMemForth, num("pMemForth"));
    EXPECT_EQ(n.pDsk, num("pDsk"));
    EXPECT_EQ(n.pRem, num("pRem"));
    EXPECT_EQ(n.pCpu, num("pCpu"));
    EXPECT_EQ(n.hiCpu, num("hiCpu"));
    EXPECT_EQ(n.hiSpindles, num("hiSpindles"));
    EXPECT_EQ(n.instSpindles, num("instSpindles"));
    EXPECT_EQ(n.failN1 ? "True" : "False", f.at("failN1"));
    EXPECT_EQ(listText(n.pList), f.at("pList"));
    EXPECT_EQ(listText(n.sList), f.at("sList"));
    EXPECT_EQ(peersText(n.peers), f.at("peers"));
    EXPECT_EQ(n.offline ? "True" : "False", f.at("offline"));
  }
}

TEST(AllocatorRequestParse, AllocateRequestAndInstances) {
  const auto req = parseFile(kHtools + "hail-alloc-drbd.json");
  ASSERT_TRUE(std::holds_alternative<AllocateRequest>(req.request));
  const auto& a = std::get<AllocateRequest>(req.request);
  EXPECT_EQ(a.instance.name, "instance1");
  EXPECT_EQ(a.instance.mem, 1024);
  EXPECT_EQ(a.instance.dsk, 1024);
  EXPECT_EQ(a.instance.diskTemplate, DiskTemplate::kDrbd);
  EXPECT_EQ(a.requiredNodes, 2);
  EXPECT_FALSE(a.groupName);
  ASSERT_EQ(req.cluster.instances.size(), 10u);
  // Indices follow the JSON key order; admin_state drives the run state.
  const auto& first = req.cluster.instances.at(0);
  EXPECT_EQ(first.name, "instance14");
  EXPECT_EQ(first.runState, RunState::kAdminDown);
  EXPECT_EQ(req.cluster.instances.at(4).name, "instance2");
  EXPECT_EQ(req.cluster.instances.at(4).runState, RunState::kRunning);
  EXPECT_EQ(req.cluster.instances.at(8).exclTags, std::vector<std::string>{"test:test"});
  ASSERT_EQ(req.warnings.size(), 1u);
  EXPECT_EQ(req.warnings[0], "node node4 is missing 8832 MB ram and 0 GB disk");
}

TEST(AllocatorRequestParse, EveryRequestTypeSample) {
  struct Case {
    const char* file;
    std::size_t index;
  };
  const Case cases[] = {{"hail-reloc-drbd.json", 2},       {"hail-node-evac.json", 3},
                        {"hail-change-group.json", 4},     {"hail-alloc-secondary.json", 5},
                        {"hail-multialloc-dedicated.json", 1}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const auto req = parseFile(kHtools + c.file);
    EXPECT_EQ(req.request.index(), c.index);
  }
  const auto evac = parseFile(kHtools + "hail-node-evac.json");
  const auto& e = std::get<NodeEvacuateRequest>(evac.request);
  ASSERT_EQ(e.instances.size(), 1u);
  EXPECT_EQ(evac.cluster.instances.at(e.instances[0]).name, "instance2");
}

Error parseError(const std::string& json) {
  auto r = parseRequest(json);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? Error{} : r.error();
}

std::string withRequest(const std::string& sample, const std::string& from,
                        const std::string& to) {
  std::string text = readFile(kHtools + sample);
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(AllocatorRequestParse, MalformedRequestsAreErrors) {
  EXPECT_NE(parseError("").message.find("Invalid JSON"), std::string::npos);
  EXPECT_NE(parseError("[]").message.find("Unable to read JSObject"), std::string::npos);
  EXPECT_NE(parseError("{}").message.find("key 'request' not found"), std::string::npos);
  EXPECT_NE(parseError("{\"request\": 0}").message.find("key 'request'"), std::string::npos);
  EXPECT_NE(parseError(readFile(kHtools + "hail-invalid-reloc.json"))
                .message.find("key 'name': Unable to read String"),
            std::string::npos);
  EXPECT_EQ(parseError(withRequest("hail-alloc-drbd.json", "\"type\": \"allocate\"",
                                   "\"type\": \"frobnicate\""))
                .message,
            "Invalid request type 'frobnicate'");
  auto unknownNode = parseError(withRequest("hail-alloc-drbd.json", "\"node3\",", "\"nodeX\","));
  EXPECT_EQ(unknownNode.code, ErrorCode::kNotFound);
  EXPECT_NE(unknownNode.message.find("Unknown node 'nodeX' for instance"), std::string::npos);
  EXPECT_NE(parseError(withRequest("hail-alloc-drbd.json", "\"memory\": 1024",
                                   "\"memory\": -1024"))
                .message.find("negative"),
            std::string::npos);
  EXPECT_NE(parseError(withRequest("hail-alloc-drbd.json", "\"nodegroups\"", "\"nodegroupz\""))
                .message.find("key 'nodegroups' not found"),
            std::string::npos);
}

TEST(AllocatorRequestParse, FloatIntegersRoundHalfToEven) {
  auto r = parseRequest(withRequest("hail-alloc-drbd.json", "\"memory\": 1024", "\"memory\": 1024.5"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::get<AllocateRequest>(r.value().request).instance.mem, 1024);
}

TEST(AllocatorRequestParse, StaticKvmMemoryOnlyOnKvm) {
  const std::string xen = readFile(kHtools + "hail-alloc-drbd.json");
  auto base = parseRequest(xen, LoadOptions{4096, false});
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base.value().cluster.nodes.at(0).nMem, 1017);
  std::string kvm = xen;
  auto pos = kvm.rfind("\"enabled_hypervisors\"");  // the top-level key comes last
  ASSERT_NE(pos, std::string::npos);
  auto open = kvm.find('[', pos);
  auto close = kvm.find(']', open);
  kvm.replace(open, close - open + 1, "[\"kvm\"]");
  auto r = parseRequest(kvm, LoadOptions{4096, false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Node& n = r.value().cluster.nodes.at(0);
  EXPECT_EQ(n.nMem, 4096);
  EXPECT_EQ(n.xMem, n.recordedFreeMem() - n.fMem);
}

// The request's top-level members in `order`, each dumped as is except
// those in `replaced`, whose text is given.
std::string requestText(const nlohmann::ordered_json& doc, const std::vector<std::string>& order,
                        const std::map<std::string, std::string>& replaced = {}) {
  std::string text = "{";
  for (const auto& key : order) {
    if (text.size() > 1) text += ", ";
    auto it = replaced.find(key);
    text += "\"" + key + "\": " + (it != replaced.end() ? it->second : doc.at(key).dump());
  }
  return text + "}";
}

std::vector<std::string> membersOf(const nlohmann::ordered_json& doc) {
  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  return keys;
}

TEST(AllocatorRequestParse, SectionOrderInTheTextDoesNotMatter) {
  const auto doc = nlohmann::ordered_json::parse(readFile(kHtools + "hail-alloc-drbd.json"));
  std::vector<std::string> reversed = membersOf(doc);
  std::reverse(reversed.begin(), reversed.end());  // instances before nodes and groups
  auto a = parseRequest(requestText(doc, membersOf(doc)));
  auto b = parseRequest(requestText(doc, reversed));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a.value().cluster.instances.size(), b.value().cluster.instances.size());
  for (const auto& [idx, inst] : a.value().cluster.instances) {
    const auto& other = b.value().cluster.instances.at(idx);
    EXPECT_EQ(inst.name, other.name);
    EXPECT_EQ(inst.pNode, other.pNode);
    EXPECT_EQ(inst.sNode, other.sNode);
  }
  EXPECT_EQ(a.value().warnings, b.value().warnings);
}

TEST(AllocatorRequestParse, RepeatedNameKeepsItsPlaceAndTakesTheLastValue) {
  const auto doc = nlohmann::ordered_json::parse(readFile(kHtools + "hail-alloc-drbd.json"));
  const std::string first = doc.at("instances").begin().key();
  auto changed = doc.at("instances").at(first);
  changed["memory"] = 777;
  // The same name once more, as the object's last member.
  std::string instances = doc.at("instances").dump();
  instances.insert(instances.size() - 1, ", \"" + first + "\": " + changed.dump());
  auto r = parseRequest(requestText(doc, membersOf(doc), {{"instances", instances}}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().cluster.instances.size(), doc.at("instances").size());
  EXPECT_EQ(r.value().cluster.instances.at(0).name, first);
  EXPECT_EQ(r.value().cluster.instances.at(0).mem, 777);
}

TEST(AllocatorRequestParse, SectionThatIsNotAnObjectIsAnError) {
  const auto doc = nlohmann::ordered_json::parse(readFile(kHtools + "hail-alloc-drbd.json"));
  for (const char* section : {"nodegroups", "nodes", "instances"}) {
    SCOPED_TRACE(section);
    const auto e = parseError(requestText(doc, membersOf(doc), {{section, "[]"}}));
    EXPECT_NE(e.message.find(std::string("key '") + section + "': Unable to read JSObject"),
              std::string::npos)
        << e.message;
  }
  // An entry that is not an object names its instance.
  const auto e = parseError(requestText(doc, membersOf(doc), {{"instances", "{\"i1\": 5}"}}));
  EXPECT_NE(e.message.find("invalid data for instance 'i1'"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace gantry::sdk::allocator
