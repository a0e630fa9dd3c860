// IAllocator request parsing (htools' Backend/IAlloc.hs parseData). The
// key order of the JSON objects gives the indices (and so tie-breaks), and
// a request for 5,000 nodes is 11 MB, so it is read with simdjson: its DOM
// keeps every object's members in input order and is built without an
// allocation per value. A repeated key takes its last value (and, for a
// group, node or instance, keeps its first place), as a JSON object read
// into a map would. Errors are raised as ParseError inside and returned as
// Result at the edge, with htools' texts.
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <simdjson.h>

#include "gantry/sdk/allocator/request.h"

namespace gantry::sdk::allocator {
namespace {

using Value = simdjson::dom::element;
using simdjson::dom::element_type;

struct ParseError {
  ErrorCode code;
  std::string message;
};

[[noreturn]] void fail(std::string msg, ErrorCode code = ErrorCode::kInvalid) {
  throw ParseError{code, std::move(msg)};
}

bool isA(Value v, element_type t) { return v.type() == t; }
bool isNull(Value v) { return isA(v, element_type::NULL_VALUE); }

// htools lists an object's keys as they came.
std::string keysOf(simdjson::dom::object obj) {
  std::string out = "[";
  bool first = true;
  for (auto field : obj) {
    if (!first) out += ",";
    out += '"';
    out += field.key;
    out += '"';
    first = false;
  }
  return out + "]";
}

// The member's value; of a repeated key, the last one.
std::optional<Value> findKey(simdjson::dom::object obj, std::string_view key) {
  std::optional<Value> found;
  for (auto field : obj) {
    if (field.key == key) found = field.value;
  }
  return found;
}

Value requireKey(simdjson::dom::object obj, std::string_view key, const std::string& desc) {
  auto v = findKey(obj, key);
  if (!v) {
    fail(desc + ": key '" + std::string(key) + "' not found, object contains only " +
         keysOf(obj));
  }
  return *v;
}

// The start of an error message, as htools' tryFromObj puts it
// ("invalid data for node 'x': key 'y': "): put together only when a check
// fails, since most values are fine and a request holds millions.
class Where {
 public:
  Where(const std::string& text) : text_(&text) {}  // NOLINT: a ready prefix
  Where(const std::string& desc, std::string_view key) : desc_(&desc), key_(key) {}
  std::string text() const {
    if (text_) return *text_;
    return *desc_ + ": key '" + std::string(key_) + "': ";
  }

 private:
  const std::string* text_ = nullptr;
  const std::string* desc_ = nullptr;
  std::string_view key_;
};

// A view of the request's text, valid while the parser lives.
std::string_view asStringView(Value v, const Where& where) {
  if (!isA(v, element_type::STRING)) fail(where.text() + "Unable to read String");
  return v.get_string().value_unsafe();
}

std::string asString(Value v, const Where& where) { return std::string(asStringView(v, where)); }

long long asInteger(Value v, const Where& where) {
  switch (v.type()) {
    case element_type::INT64:
      return v.get_int64().value_unsafe();
    case element_type::UINT64: {
      const std::uint64_t u = v.get_uint64().value_unsafe();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
        fail(where.text() + "integer out of range");
      }
      return static_cast<long long>(u);
    }
    case element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (!std::isfinite(d) || std::fabs(d) > 9.2e18) fail(where.text() + "Unable to read Int");
      return static_cast<long long>(std::nearbyint(d));  // half to even
    }
    default:
      fail(where.text() + "Unable to read Int");
  }
}

int asInt(Value v, const Where& where) {
  long long x = asInteger(v, where);
  if (x > std::numeric_limits<int>::max() || x < std::numeric_limits<int>::min()) {
    fail(where.text() + "integer out of range");
  }
  return static_cast<int>(x);
}

double asDouble(Value v, const Where& where) {
  switch (v.type()) {
    case element_type::INT64:
      return static_cast<double>(v.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<double>(v.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return v.get_double().value_unsafe();
    default:
      fail(where.text() + "Unable to read Double");
  }
}

bool asBool(Value v, const Where& where) {
  if (!isA(v, element_type::BOOL)) fail(where.text() + "Unable to read Bool");
  return v.get_bool().value_unsafe();
}

simdjson::dom::array asArray(Value v, const Where& where) {
  if (!isA(v, element_type::ARRAY)) fail(where.text() + "Unable to read list");
  return v.get_array().value_unsafe();
}

std::vector<std::string> asStringList(Value v, const Where& where) {
  std::vector<std::string> out;
  for (Value e : asArray(v, where)) out.push_back(asString(e, where));
  return out;
}

simdjson::dom::object asObject(Value v, const Where& where) {
  if (!isA(v, element_type::OBJECT)) fail(where.text() + "Unable to read JSObject");
  return v.get_object().value_unsafe();
}

// Field readers bound to one object and its error description.
class Fields {
 public:
  Fields(simdjson::dom::object obj, std::string desc) : obj_(obj), desc_(std::move(desc)) {}
  Value raw(std::string_view k) const { return requireKey(obj_, k, desc_); }
  Where where(std::string_view k) const { return Where(desc_, k); }
  std::string str(std::string_view k) const { return asString(raw(k), where(k)); }
  int integer(std::string_view k) const { return asInt(raw(k), where(k)); }
  double dbl(std::string_view k) const { return asDouble(raw(k), where(k)); }
  bool boolean(std::string_view k) const { return asBool(raw(k), where(k)); }
  std::vector<std::string> strings(std::string_view k) const {
    return asStringList(raw(k), where(k));
  }
  simdjson::dom::object object(std::string_view k) const { return asObject(raw(k), where(k)); }
  simdjson::dom::array list(std::string_view k) const { return asArray(raw(k), where(k)); }
  // Optional: missing or null gives nothing.
  std::optional<Value> maybe(std::string_view k) const {
    auto v = findKey(obj_, k);
    if (!v || isNull(*v)) return std::nullopt;
    return v;
  }
  simdjson::dom::object obj() const { return obj_; }

 private:
  simdjson::dom::object obj_;
  std::string desc_;
};

ISpec parseISpec(Value v, const Where& where) {
  Fields f(asObject(v, where), "invalid ispec");
  return ISpec{f.integer("memory-size"), f.integer("cpu-count"), f.integer("disk-size"),
               f.integer("disk-count"),  f.integer("nic-count"), f.integer("spindle-use")};
}

IPolicy parseIPolicy(Value v, const Where& where) {
  Fields f(asObject(v, where), "invalid ipolicy");
  IPolicy p;
  for (Value e : f.list("minmax")) {
    Fields m(asObject(e, f.where("minmax")), "invalid minmax");
    p.minMax.push_back({parseISpec(m.raw("min"), m.where("min")),
                        parseISpec(m.raw("max"), m.where("max"))});
  }
  p.stdSpec = parseISpec(f.raw("std"), f.where("std"));
  for (const auto& name : f.strings("disk-templates")) {
    auto dt = diskTemplateFromName(name);
    if (!dt) fail(f.where("disk-templates").text() + "Invalid disk template '" + name + "'");
    p.diskTemplates.push_back(*dt);
  }
  p.vcpuRatio = f.dbl("vcpu-ratio");
  p.spindleRatio = f.dbl("spindle-ratio");
  return p;
}

Group parseGroup(const std::string& uuid, Value v) {
  Fields f(asObject(v, "invalid data for group '" + uuid + "': "),
           "invalid data for group '" + uuid + "'");
  Group g;
  g.uuid = uuid;
  g.name = f.str("name");
  auto pol = allocPolicyFromName(f.str("alloc_policy"));
  if (!pol) fail(f.where("alloc_policy").text() + "Invalid alloc policy");
  g.allocPolicy = *pol;
  g.networks = f.strings("networks");
  g.ipolicy = parseIPolicy(f.raw("ipolicy"), f.where("ipolicy"));
  g.tags = f.strings("tags");
  return g;
}

Node parseNode(const std::string& name, Value v,
               const std::unordered_map<std::string_view, int>& groupIdx) {
  const std::string desc = "invalid data for node '" + name + "'";
  Fields f(asObject(v, desc + ": "), desc);
  const bool offline = f.boolean("offline");
  const bool drained = f.boolean("drained");
  const std::string guuid = f.str("group");
  bool vmCapable = true;
  if (auto vc = f.maybe("vm_capable")) vmCapable = asBool(*vc, f.where("vm_capable"));
  auto git = groupIdx.find(guuid);
  if (git == groupIdx.end()) {
    fail("Unknown group '" + guuid + "' for node " + name, ErrorCode::kNotFound);
  }
  Fields nd(f.object("ndparams"), desc);
  std::vector<std::string> tags;
  if (auto t = f.maybe("tags")) tags = asStringList(*t, f.where("tags"));
  const bool excl = nd.boolean("exclusive_storage");
  const bool live = !offline && vmCapable;
  int spTotal = 0;
  if (excl) {
    spTotal = live ? f.integer("total_spindles") : 0;
  } else {
    spTotal = nd.integer("spindle_count");
  }
  int spFree = live ? f.integer("free_spindles") : 0;
  double mTotal = live ? f.dbl("total_memory") : 0.0;
  int mNode = live ? f.integer("reserved_memory") : 0;
  int mFree = live ? f.integer("free_memory") : 0;
  double dTotal = live ? f.dbl("total_disk") : 0.0;
  int dFree = live ? f.integer("free_disk") : 0;
  double cTotal = live ? f.dbl("total_cpus") : 0.0;
  int cNode = live ? f.integer("reserved_cpus") : 0;
  Node n = createNode(name, mTotal, mNode, mFree, dTotal, dFree, cTotal, cNode,
                      !live || drained, spTotal, spFree, git->second, excl);
  n.tags = std::move(tags);
  return n;
}

Nic parseNic(const std::string& inst, Value v, const Where& where) {
  Fields f(asObject(v, where), where.text());
  Nic nic;
  auto opt = [&](const char* k) -> std::optional<std::string> {
    if (auto x = f.maybe(k)) return asString(*x, f.where(k));
    return std::nullopt;
  };
  nic.mac = opt("mac");
  nic.ip = opt("ip");
  nic.mode = opt("mode");
  if (nic.mode && *nic.mode != "bridged" && *nic.mode != "routed" &&
      *nic.mode != "openvswitch") {
    fail("invalid NIC mode in instance " + inst);
  }
  nic.link = opt("link");
  nic.bridge = opt("bridge");
  nic.network = opt("network");
  return nic;
}

// htools' parseBaseInstance: the keys every instance and allocation carry.
Instance parseBaseInstance(const std::string& name, simdjson::dom::object obj) {
  const std::string desc = "invalid data for instance '" + name + "'";
  Fields f(obj, desc);
  Instance inst;
  inst.name = inst.alias = name;
  inst.dsk = f.integer("disk_space_total");
  for (Value d : f.list("disks")) {
    Fields df(asObject(d, f.where("disks")), desc);
    Disk disk;
    disk.size = df.integer("size");
    if (auto sp = df.maybe("spindles")) disk.spindles = asInt(*sp, df.where("spindles"));
    inst.disks.push_back(disk);
  }
  inst.mem = f.integer("memory");
  inst.vcpus = f.integer("vcpus");
  inst.allTags = f.strings("tags");
  auto dt = diskTemplateFromName(f.str("disk_template"));
  if (!dt) fail(f.where("disk_template").text() + "Invalid disk template");
  inst.diskTemplate = *dt;
  inst.spindleUse = f.integer("spindle_use");
  for (Value n : f.list("nics")) inst.nics.push_back(parseNic(name, n, f.where("nics")));
  inst.runState = RunState::kRunning;  // missing or invalid admin_state = up
  if (auto st = findKey(obj, "admin_state"); st && isA(*st, element_type::STRING)) {
    const std::string_view state = st->get_string().value_unsafe();
    if (state == "down") inst.runState = RunState::kAdminDown;
    if (state == "offline") inst.runState = RunState::kAdminOffline;
  }
  if (auto fc = findKey(obj, "forthcoming"); fc && isA(*fc, element_type::BOOL)) {
    inst.forthcoming = fc->get_bool().value_unsafe();
  }
  inst.movable = supportsMoves(inst.diskTemplate);
  for (auto& d : inst.disks) {
    if (d.size < 0) fail(desc + ": negative disk size");
  }
  if (inst.mem < 0 || inst.dsk < 0 || inst.vcpus < 0) {
    fail(desc + ": negative resource size");
  }
  return inst;
}

// Names map to indices through views of the request's text, which the
// parser keeps for the whole parse.
using IndexByName = std::unordered_map<std::string_view, int>;

int lookupNode(const IndexByName& ktn, std::string_view inst, std::string_view node) {
  auto it = ktn.find(node);
  if (it == ktn.end()) {
    fail("Unknown node '" + std::string(node) + "' for instance " + std::string(inst),
         ErrorCode::kNotFound);
  }
  return it->second;
}

int lookupInstance(const IndexByName& kti, const std::string& name) {
  auto it = kti.find(name);
  if (it == kti.end()) fail("Unknown instance '" + name + "'", ErrorCode::kNotFound);
  return it->second;
}

template <typename T>
int foundIdx(const T* item, const std::string& error) {
  if (!item) fail(error, ErrorCode::kNotFound);
  return item->idx;
}

AllocateRequest parseAllocEntry(simdjson::dom::object entry, const Fields& request,
                                const std::string& desc,
                                const std::vector<std::string>& excl,
                                const std::vector<std::string>& desired) {
  Fields r(entry, desc);
  AllocateRequest a;
  const std::string name = r.str("name");
  if (auto g = request.maybe("group_name")) {
    a.groupName = asString(*g, request.where("group_name"));
  }
  a.requiredNodes = r.integer("required_nodes");
  a.instance = parseBaseInstance(name, entry);
  applyInstanceTagRules(a.instance, excl, desired);
  return a;
}

// The members of a section ("nodes": {name: ...}) in input order, a
// repeated name in its first place with its last value.
std::vector<std::pair<std::string_view, Value>> entriesOf(simdjson::dom::object section) {
  std::vector<std::pair<std::string_view, Value>> entries;
  std::unordered_map<std::string_view, std::size_t> position;
  entries.reserve(section.size());
  position.reserve(section.size());
  for (auto field : section) {
    auto [it, fresh] = position.try_emplace(field.key, entries.size());
    if (fresh) {
      entries.emplace_back(field.key, field.value);
    } else {
      entries[it->second].second = field.value;
    }
  }
  return entries;
}

ParsedRequest parse(std::string_view body, const LoadOptions& options) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(body);
  Value root;
  if (auto error = parser.parse(padded).get(root)) {
    fail(std::string("Parsing input IAllocator message: Invalid JSON: ") +
         simdjson::error_message(error));
  }
  if (!isA(root, element_type::OBJECT)) {
    fail("Parsing input IAllocator message: Unable to read JSObject");
  }
  Fields top(root.get_object().value_unsafe(), "invalid iallocator message");
  const simdjson::dom::object requestObj = top.object("request");
  Fields request(requestObj, "invalid request dict");

  ParsedRequest out;
  ClusterData& cd = out.cluster;
  IndexByName ktg, ktn, kti;
  for (const auto& [key, value] : entriesOf(top.object("nodegroups"))) {
    Group g = parseGroup(std::string(key), value);
    g.idx = static_cast<int>(cd.groups.size());
    ktg.emplace(key, g.idx);
    cd.groups.push_back(std::move(g));
  }
  const auto nodeEntries = entriesOf(top.object("nodes"));
  ktn.reserve(nodeEntries.size());
  for (const auto& [key, value] : nodeEntries) {
    Node n = parseNode(std::string(key), value, ktg);
    n.idx = static_cast<int>(cd.nodes.size());
    ktn.emplace(key, n.idx);
    cd.nodes.emplace_hint(cd.nodes.end(), n.idx, std::move(n));
  }
  const auto instanceEntries = entriesOf(top.object("instances"));
  kti.reserve(instanceEntries.size());
  for (const auto& [key, value] : instanceEntries) {
    const std::string name(key);
    const std::string desc = "invalid data for instance '" + name + "'";
    const auto obj = asObject(value, desc + ": ");
    Instance inst = parseBaseInstance(name, obj);
    Fields f(obj, desc);
    const auto nl = f.list("nodes");
    if (nl.size() == 0) fail("empty node list for instance " + name);
    inst.pNode = lookupNode(ktn, name, asStringView(nl.at(0).value_unsafe(), f.where("nodes")));
    inst.sNode =
        nl.size() > 1
            ? lookupNode(ktn, name, asStringView(nl.at(1).value_unsafe(), f.where("nodes")))
            : kNoNode;
    inst.idx = static_cast<int>(cd.instances.size());
    kti.emplace(key, inst.idx);
    cd.instances.emplace_hint(cd.instances.end(), inst.idx, std::move(inst));
  }
  cd.tags = top.strings("cluster_tags");
  const auto hvs = top.list("enabled_hypervisors");
  if (hvs.size() > 0 && isA(hvs.at(0).value_unsafe(), element_type::STRING)) {
    const std::string hv(hvs.at(0).value_unsafe().get_string().value_unsafe());
    for (auto& [i, n] : cd.nodes) n.hypervisor = hv;
  }
  cd.ipolicy = defaultIPolicy();
  out.warnings = finalizeCluster(cd, options);

  const auto excl = exclusionPrefixes(cd.tags);
  const auto desired = desiredLocationPrefixes(cd.tags);
  const std::string type = request.str("type");
  std::string err;
  if (type == "allocate") {
    AllocateRequest a = parseAllocEntry(requestObj, request, "invalid request dict", excl,
                                        desired);
    if (auto r = request.maybe("restrict-to-nodes")) {
      a.restrictToNodes = asStringList(*r, request.where("restrict-to-nodes"));
    }
    out.request = std::move(a);
  } else if (type == "relocate") {
    RelocateRequest r;
    r.instance = lookupInstance(kti, request.str("name"));
    r.requiredNodes = request.integer("required_nodes");
    for (const auto& n : request.strings("relocate_from")) {
      r.relocateFrom.push_back(foundIdx(findNodeByName(cd.nodes, n, &err), err));
    }
    out.request = std::move(r);
  } else if (type == "change-group") {
    ChangeGroupRequest c;
    for (const auto& n : request.strings("instances")) {
      c.instances.push_back(foundIdx(findInstanceByName(cd.instances, n, &err), err));
    }
    for (const auto& g : request.strings("target_groups")) {
      c.targetGroups.push_back(foundIdx(findGroupByName(cd.groups, g, &err), err));
    }
    out.request = std::move(c);
  } else if (type == "node-evacuate") {
    NodeEvacuateRequest e;
    for (const auto& n : request.strings("instances")) {
      e.instances.push_back(foundIdx(findInstanceByName(cd.instances, n, &err), err));
    }
    const std::string mode = request.str("evac_mode");
    auto m = evacModeFromName(mode);
    if (!m) fail(request.where("evac_mode").text() + "Invalid evacuation mode '" + mode + "'");
    e.mode = *m;
    out.request = std::move(e);
  } else if (type == "multi-allocate") {
    MultiAllocateRequest m;
    for (Value e : request.list("instances")) {
      m.entries.push_back(parseAllocEntry(asObject(e, request.where("instances")), request,
                                          "invalid request dict", excl, desired));
    }
    out.request = std::move(m);
  } else if (type == "allocate-secondary") {
    out.request = AllocateSecondaryRequest{lookupInstance(kti, request.str("name"))};
  } else {
    fail("Invalid request type '" + type + "'");
  }
  return out;
}

}  // namespace

const char* requestTypeName(const RequestKind& request) {
  switch (request.index()) {
    case 0:
      return "allocate";
    case 1:
      return "multi-allocate";
    case 2:
      return "relocate";
    case 3:
      return "node-evacuate";
    case 4:
      return "change-group";
    default:
      return "allocate-secondary";
  }
}

Result<ParsedRequest> parseRequest(std::string_view json, const LoadOptions& options) {
  try {
    return parse(json, options);
  } catch (const ParseError& e) {
    return Error{e.code, e.message};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInvalid, e.what()};
  }
}

}  // namespace gantry::sdk::allocator
