// IAllocator request parsing (htools' Backend/IAlloc.hs parseData). Key
// order of the JSON objects gives the indices, so the ordered JSON type is
// used throughout. Errors are raised as ParseError inside and returned as
// Result at the edge, with htools' texts.
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "gantry/sdk/allocator/request.h"

namespace gantry::sdk::allocator {
namespace {

// std::map objects: an ordered_json object checks every insertion against
// all earlier keys, which makes a 20,000-instance request quadratic to read.
// The input order of groups, nodes and instances (it decides indices and so
// tie-breaks) is kept by RequestReader instead.
using Json = nlohmann::json;

struct ParseError {
  ErrorCode code;
  std::string message;
};

[[noreturn]] void fail(std::string msg, ErrorCode code = ErrorCode::kInvalid) {
  throw ParseError{code, std::move(msg)};
}

std::string keysOf(const Json& obj) {
  std::string out = "[";
  bool first = true;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!first) out += ",";
    out += "\"" + it.key() + "\"";
    first = false;
  }
  return out + "]";
}

const Json& requireKey(const Json& obj, const std::string& key, const std::string& desc) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    fail(desc + ": key '" + key + "' not found, object contains only " + keysOf(obj));
  }
  return *it;
}

// Typed readers; `where` prefixes the message as htools' tryFromObj does.
std::string asString(const Json& v, const std::string& where) {
  if (!v.is_string()) fail(where + "Unable to read String");
  return v.get<std::string>();
}

long long asInteger(const Json& v, const std::string& where) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d)) fail(where + "Unable to read Int");
    return static_cast<long long>(std::nearbyint(d));  // half to even
  }
  fail(where + "Unable to read Int");
}

int asInt(const Json& v, const std::string& where) {
  long long x = asInteger(v, where);
  if (x > std::numeric_limits<int>::max() || x < std::numeric_limits<int>::min()) {
    fail(where + "integer out of range");
  }
  return static_cast<int>(x);
}

double asDouble(const Json& v, const std::string& where) {
  if (!v.is_number()) fail(where + "Unable to read Double");
  return v.get<double>();
}

bool asBool(const Json& v, const std::string& where) {
  if (!v.is_boolean()) fail(where + "Unable to read Bool");
  return v.get<bool>();
}

std::vector<std::string> asStringList(const Json& v, const std::string& where) {
  if (!v.is_array()) fail(where + "Unable to read list");
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(asString(e, where));
  return out;
}

const Json& asObject(const Json& v, const std::string& where) {
  if (!v.is_object()) fail(where + "Unable to read JSObject");
  return v;
}

// Field readers bound to one object and its error description.
class Fields {
 public:
  Fields(const Json& obj, std::string desc) : obj_(obj), desc_(std::move(desc)) {}
  const Json& raw(const std::string& k) const { return requireKey(obj_, k, desc_); }
  std::string where(const std::string& k) const { return desc_ + ": key '" + k + "': "; }
  std::string str(const std::string& k) const { return asString(raw(k), where(k)); }
  int integer(const std::string& k) const { return asInt(raw(k), where(k)); }
  double dbl(const std::string& k) const { return asDouble(raw(k), where(k)); }
  bool boolean(const std::string& k) const { return asBool(raw(k), where(k)); }
  std::vector<std::string> strings(const std::string& k) const {
    return asStringList(raw(k), where(k));
  }
  const Json& object(const std::string& k) const { return asObject(raw(k), where(k)); }
  // Optional: missing or null gives nothing.
  const Json* maybe(const std::string& k) const {
    auto it = obj_.find(k);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const Json& obj() const { return obj_; }

 private:
  const Json& obj_;
  std::string desc_;
};

ISpec parseISpec(const Json& v, const std::string& where) {
  Fields f(asObject(v, where), "invalid ispec");
  return ISpec{f.integer("memory-size"), f.integer("cpu-count"), f.integer("disk-size"),
               f.integer("disk-count"),  f.integer("nic-count"), f.integer("spindle-use")};
}

IPolicy parseIPolicy(const Json& v, const std::string& where) {
  Fields f(asObject(v, where), "invalid ipolicy");
  IPolicy p;
  const Json& mm = f.raw("minmax");
  if (!mm.is_array()) fail(f.where("minmax") + "Unable to read list");
  for (const auto& e : mm) {
    Fields m(asObject(e, f.where("minmax")), "invalid minmax");
    p.minMax.push_back({parseISpec(m.raw("min"), m.where("min")),
                        parseISpec(m.raw("max"), m.where("max"))});
  }
  p.stdSpec = parseISpec(f.raw("std"), f.where("std"));
  for (const auto& name : f.strings("disk-templates")) {
    auto dt = diskTemplateFromName(name);
    if (!dt) fail(f.where("disk-templates") + "Invalid disk template '" + name + "'");
    p.diskTemplates.push_back(*dt);
  }
  p.vcpuRatio = f.dbl("vcpu-ratio");
  p.spindleRatio = f.dbl("spindle-ratio");
  return p;
}

Group parseGroup(const std::string& uuid, const Json& v) {
  Fields f(asObject(v, "invalid data for group '" + uuid + "': "),
           "invalid data for group '" + uuid + "'");
  Group g;
  g.uuid = uuid;
  g.name = f.str("name");
  auto pol = allocPolicyFromName(f.str("alloc_policy"));
  if (!pol) fail(f.where("alloc_policy") + "Invalid alloc policy");
  g.allocPolicy = *pol;
  g.networks = f.strings("networks");
  g.ipolicy = parseIPolicy(f.raw("ipolicy"), f.where("ipolicy"));
  g.tags = f.strings("tags");
  return g;
}

Node parseNode(const std::string& name, const Json& v,
               const std::unordered_map<std::string, int>& groupIdx) {
  const std::string desc = "invalid data for node '" + name + "'";
  Fields f(asObject(v, desc + ": "), desc);
  const bool offline = f.boolean("offline");
  const bool drained = f.boolean("drained");
  const std::string guuid = f.str("group");
  bool vmCapable = true;
  if (const Json* vc = f.maybe("vm_capable")) vmCapable = asBool(*vc, f.where("vm_capable"));
  auto git = groupIdx.find(guuid);
  if (git == groupIdx.end()) {
    fail("Unknown group '" + guuid + "' for node " + name, ErrorCode::kNotFound);
  }
  Fields nd(f.object("ndparams"), desc);
  std::vector<std::string> tags;
  if (const Json* t = f.maybe("tags")) tags = asStringList(*t, f.where("tags"));
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

Nic parseNic(const std::string& inst, const Json& v, const std::string& where) {
  Fields f(asObject(v, where), where);
  Nic nic;
  auto opt = [&](const char* k) -> std::optional<std::string> {
    if (const Json* x = f.maybe(k)) return asString(*x, f.where(k));
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
Instance parseBaseInstance(const std::string& name, const Json& obj) {
  const std::string desc = "invalid data for instance '" + name + "'";
  Fields f(obj, desc);
  Instance inst;
  inst.name = inst.alias = name;
  inst.dsk = f.integer("disk_space_total");
  const Json& disks = f.raw("disks");
  if (!disks.is_array()) fail(f.where("disks") + "Unable to read list");
  for (const auto& d : disks) {
    Fields df(asObject(d, f.where("disks")), desc);
    Disk disk;
    disk.size = df.integer("size");
    if (const Json* sp = df.maybe("spindles")) disk.spindles = asInt(*sp, df.where("spindles"));
    inst.disks.push_back(disk);
  }
  inst.mem = f.integer("memory");
  inst.vcpus = f.integer("vcpus");
  inst.allTags = f.strings("tags");
  auto dt = diskTemplateFromName(f.str("disk_template"));
  if (!dt) fail(f.where("disk_template") + "Invalid disk template");
  inst.diskTemplate = *dt;
  inst.spindleUse = f.integer("spindle_use");
  const Json& nics = f.raw("nics");
  if (!nics.is_array()) fail(f.where("nics") + "Unable to read list");
  for (const auto& n : nics) inst.nics.push_back(parseNic(name, n, f.where("nics")));
  inst.runState = RunState::kRunning;  // missing or invalid admin_state = up
  if (auto it = obj.find("admin_state"); it != obj.end() && it->is_string()) {
    const auto s = it->get<std::string>();
    if (s == "down") inst.runState = RunState::kAdminDown;
    if (s == "offline") inst.runState = RunState::kAdminOffline;
  }
  if (auto it = obj.find("forthcoming"); it != obj.end() && it->is_boolean()) {
    inst.forthcoming = it->get<bool>();
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

int lookupNode(const std::unordered_map<std::string, int>& ktn, const std::string& inst,
               const std::string& node) {
  auto it = ktn.find(node);
  if (it == ktn.end()) {
    fail("Unknown node '" + node + "' for instance " + inst, ErrorCode::kNotFound);
  }
  return it->second;
}

int lookupInstance(const std::unordered_map<std::string, int>& kti, const std::string& name) {
  auto it = kti.find(name);
  if (it == kti.end()) fail("Unknown instance '" + name + "'", ErrorCode::kNotFound);
  return it->second;
}

template <typename T>
int foundIdx(const T* item, const std::string& error) {
  if (!item) fail(error, ErrorCode::kNotFound);
  return item->idx;
}

AllocateRequest parseAllocEntry(const Json& entry, const Fields& request,
                                const std::string& desc,
                                const std::vector<std::string>& excl,
                                const std::vector<std::string>& desired) {
  Fields r(entry, desc);
  AllocateRequest a;
  const std::string name = r.str("name");
  if (const Json* g = request.maybe("group_name")) {
    a.groupName = asString(*g, request.where("group_name"));
  }
  a.requiredNodes = r.integer("required_nodes");
  a.instance = parseBaseInstance(name, entry);
  applyInstanceTagRules(a.instance, excl, desired);
  return a;
}

// One entry of a top-level section ("nodes": {name: entry}); a repeated
// name keeps its first place and takes the last value, as a JSON object
// read into a map would.
template <typename Entry>
class SectionEntries {
 public:
  void put(const std::string& name, Entry entry) {
    auto [it, fresh] = position_.try_emplace(name, entries_.size());
    if (fresh) {
      entries_.push_back(std::move(entry));
    } else {
      entries_[it->second] = std::move(entry);
    }
  }
  void clear() {
    entries_.clear();
    position_.clear();
  }
  std::vector<Entry>& entries() { return entries_; }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> position_;
};

// A node name an instance refers to, or why it could not be read; looked up
// once every node is known, in the order the checks would have run.
struct PendingNodeName {
  std::string name;
  std::optional<ParseError> error;
};

// An instance as read from its entry, before its nodes are looked up.
struct InstanceEntry {
  std::string name;
  std::optional<ParseError> error;
  Instance instance;
  std::vector<PendingNodeName> nodes;  // primary, then secondary if any
};

InstanceEntry readInstance(const std::string& name, const Json& value) {
  InstanceEntry e;
  e.name = name;
  try {
    const Json& obj = asObject(value, "invalid data for instance '" + name + "': ");
    e.instance = parseBaseInstance(name, obj);
    Fields f(obj, "invalid data for instance '" + name + "'");
    const Json& nl = f.raw("nodes");
    if (!nl.is_array()) fail(f.where("nodes") + "Unable to read list");
    if (nl.empty()) fail("empty node list for instance " + name);
    for (std::size_t i = 0; i < std::min<std::size_t>(nl.size(), 2); ++i) {
      PendingNodeName n;
      try {
        n.name = asString(nl[i], f.where("nodes"));
      } catch (const ParseError& pe) {
        n.error = pe;
      }
      e.nodes.push_back(std::move(n));
    }
  } catch (const ParseError& pe) {
    e.error = pe;
  }
  return e;
}

// SAX reader of the whole request. The small members go into a DOM; the
// entries of "nodegroups", "nodes" and "instances" are read one at a time
// into a DOM of their own, in input order (it decides indices and so
// tie-breaks), and each instance is turned into the model at once, so a
// request of 20,000 instances never holds them all as JSON. The DOM keeps
// an empty object in their place, so its key checks stay the same. A member
// whose value is not an object stays in the DOM and fails its type check
// there.
class RequestReader {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  explicit RequestReader(Json& top) : dom_(top, true) {}

  bool null() { return value([&](auto& p) { return p.null(); }); }
  bool boolean(bool v) { return value([&](auto& p) { return p.boolean(v); }); }
  bool number_integer(number_integer_t v) {
    return value([&](auto& p) { return p.number_integer(v); });
  }
  bool number_unsigned(number_unsigned_t v) {
    return value([&](auto& p) { return p.number_unsigned(v); });
  }
  bool number_float(number_float_t v, const string_t& s) {
    return value([&](auto& p) { return p.number_float(v, s); });
  }
  bool string(string_t& v) { return value([&](auto& p) { return p.string(v); }); }
  bool binary(binary_t& v) { return value([&](auto& p) { return p.binary(v); }); }

  bool start_object(std::size_t n) {
    if (entry_) return open([&](auto& p) { return p.start_object(n); });
    if (section_ != Section::kNone && sectionDepth_ == 0) {
      // The section's own object: its entries are read one by one.
      clearSection(section_);
      sectionDepth_ = 1;
      ++domDepth_;
      return dom_.start_object(0);
    }
    if (sectionDepth_ == 1) return beginEntry([&](auto& p) { return p.start_object(n); }, true);
    ++domDepth_;
    return dom_.start_object(n);
  }
  bool start_array(std::size_t n) {
    if (entry_) return open([&](auto& p) { return p.start_array(n); });
    if (sectionDepth_ == 1) return beginEntry([&](auto& p) { return p.start_array(n); }, true);
    leaveSectionKey();
    ++domDepth_;
    return dom_.start_array(n);
  }
  bool end_object() {
    if (entry_) return close([&](auto& p) { return p.end_object(); });
    if (sectionDepth_ == 1) {
      section_ = Section::kNone;
      sectionDepth_ = 0;
    }
    --domDepth_;
    return dom_.end_object();
  }
  bool end_array() {
    if (entry_) return close([&](auto& p) { return p.end_array(); });
    --domDepth_;
    return dom_.end_array();
  }
  bool key(string_t& k) {
    if (entry_) return entry_->parser.key(k);
    if (sectionDepth_ == 1) {
      entryName_ = k;
      return true;
    }
    if (domDepth_ == 1) section_ = sectionNamed(k);
    return dom_.key(k);
  }
  bool parse_error(std::size_t pos, const std::string& token,
                   const nlohmann::detail::exception& ex) {
    return dom_.parse_error(pos, token, ex);
  }

  std::vector<std::pair<std::string, Json>>& groups() { return groups_.entries(); }
  std::vector<std::pair<std::string, Json>>& nodes() { return nodes_.entries(); }
  std::vector<InstanceEntry>& instances() { return instances_.entries(); }

 private:
  enum class Section { kNone, kGroups, kNodes, kInstances };

  struct Entry {
    Json value;
    nlohmann::detail::json_sax_dom_parser<Json> parser{value, true};
    int depth = 0;
  };

  static Section sectionNamed(const std::string& k) {
    if (k == "nodegroups") return Section::kGroups;
    if (k == "nodes") return Section::kNodes;
    if (k == "instances") return Section::kInstances;
    return Section::kNone;
  }

  // A scalar: inside an entry, a whole entry, or a DOM value.
  template <typename Event>
  bool value(Event event) {
    if (entry_) return event(entry_->parser);
    if (sectionDepth_ == 1) return beginEntry(event, false);
    leaveSectionKey();
    return event(dom_);
  }
  // A member named like a section whose value is not an object.
  void leaveSectionKey() {
    if (section_ != Section::kNone && sectionDepth_ == 0) {
      clearSection(section_);
      section_ = Section::kNone;
    }
  }
  template <typename Event>
  bool beginEntry(Event event, bool opens) {
    entry_ = std::make_unique<Entry>();
    const bool ok = event(entry_->parser);
    if (opens) {
      entry_->depth = 1;
    } else {
      finishEntry();
    }
    return ok;
  }
  template <typename Event>
  bool open(Event event) {
    ++entry_->depth;
    return event(entry_->parser);
  }
  template <typename Event>
  bool close(Event event) {
    const bool ok = event(entry_->parser);
    if (--entry_->depth == 0) finishEntry();
    return ok;
  }
  void finishEntry() {
    std::unique_ptr<Entry> done = std::move(entry_);
    switch (section_) {
      case Section::kGroups:
        groups_.put(entryName_, {entryName_, std::move(done->value)});
        break;
      case Section::kNodes:
        nodes_.put(entryName_, {entryName_, std::move(done->value)});
        break;
      case Section::kInstances:
        instances_.put(entryName_, readInstance(entryName_, done->value));
        break;
      case Section::kNone:
        break;
    }
  }
  void clearSection(Section s) {
    if (s == Section::kGroups) groups_.clear();
    if (s == Section::kNodes) nodes_.clear();
    if (s == Section::kInstances) instances_.clear();
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  int domDepth_ = 0;  // open containers of the DOM; its members sit at 1
  Section section_ = Section::kNone;
  int sectionDepth_ = 0;  // 1 while inside a section's object
  std::string entryName_;
  std::unique_ptr<Entry> entry_;
  SectionEntries<std::pair<std::string, Json>> groups_;
  SectionEntries<std::pair<std::string, Json>> nodes_;
  SectionEntries<InstanceEntry> instances_;
};

ParsedRequest parse(std::string_view body, const LoadOptions& options) {
  Json decoded;
  RequestReader reader(decoded);
  try {
    Json::sax_parse(body, &reader);
  } catch (const Json::exception& e) {
    fail(std::string("Parsing input IAllocator message: Invalid JSON: ") + e.what());
  }
  if (!decoded.is_object()) fail("Parsing input IAllocator message: Unable to read JSObject");
  Fields top(decoded, "invalid iallocator message");
  const Json& requestObj = top.object("request");
  Fields request(requestObj, "invalid request dict");

  ParsedRequest out;
  ClusterData& cd = out.cluster;
  std::unordered_map<std::string, int> ktg, ktn, kti;
  top.object("nodegroups");
  for (const auto& [key, value] : reader.groups()) {
    Group g = parseGroup(key, value);
    g.idx = static_cast<int>(cd.groups.size());
    ktg.emplace(key, g.idx);
    cd.groups.push_back(std::move(g));
  }
  top.object("nodes");
  for (const auto& [key, value] : reader.nodes()) {
    Node n = parseNode(key, value, ktg);
    n.idx = static_cast<int>(cd.nodes.size());
    ktn.emplace(key, n.idx);
    cd.nodes.emplace(n.idx, std::move(n));
  }
  top.object("instances");
  for (InstanceEntry& entry : reader.instances()) {
    if (entry.error) throw *entry.error;
    Instance& inst = entry.instance;
    for (std::size_t i = 0; i < entry.nodes.size(); ++i) {
      if (entry.nodes[i].error) throw *entry.nodes[i].error;
      const int node = lookupNode(ktn, entry.name, entry.nodes[i].name);
      (i == 0 ? inst.pNode : inst.sNode) = node;
    }
    if (entry.nodes.size() < 2) inst.sNode = kNoNode;
    inst.idx = static_cast<int>(cd.instances.size());
    kti.emplace(entry.name, inst.idx);
    cd.instances.emplace(inst.idx, std::move(inst));
  }
  cd.tags = top.strings("cluster_tags");
  const Json& hvs = top.raw("enabled_hypervisors");
  if (!hvs.is_array()) fail(top.where("enabled_hypervisors") + "Unable to read list");
  if (!hvs.empty() && hvs[0].is_string()) {
    for (auto& [i, n] : cd.nodes) n.hypervisor = hvs[0].get<std::string>();
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
    if (const Json* r = request.maybe("restrict-to-nodes")) {
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
    if (!m) fail(request.where("evac_mode") + "Invalid evacuation mode '" + mode + "'");
    e.mode = *m;
    out.request = std::move(e);
  } else if (type == "multi-allocate") {
    MultiAllocateRequest m;
    const Json& entries = request.raw("instances");
    if (!entries.is_array()) fail(request.where("instances") + "Unable to read list");
    for (const auto& e : entries) {
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
