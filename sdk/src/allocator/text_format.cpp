// htools text data (Backend/Text.hs): parsing and saving.
#include <cstdio>
#include <map>
#include <sstream>

#include "gantry/sdk/allocator/text_format.h"

namespace gantry::sdk::allocator {
namespace {

struct TextError {
  std::string message;
};

[[noreturn]] void fail(std::string msg) { throw TextError{std::move(msg)}; }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// htools' commaSplit: an empty string is an empty list.
std::vector<std::string> commaSplit(const std::string& s) {
  if (s.empty()) return {};
  return split(s, ',');
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

long long readInt(const std::string& owner, const std::string& s) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    fail(owner + ": cannot parse string '" + s + "'");
  }
}

double readDouble(const std::string& owner, const std::string& s) {
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    fail(owner + ": cannot parse string '" + s + "'");
  }
}

bool readYesNo(const std::string& what, const std::string& s) {
  if (s == "Y") return true;
  if (s == "N") return false;
  fail("Invalid " + what + " value '" + s + "'");
}

ISpec readISpec(const std::string& owner, const std::string& text) {
  auto f = commaSplit(text);
  if (f.size() < 6) fail("Invalid ispec data for " + owner);
  return ISpec{static_cast<int>(readInt(owner, f[0])), static_cast<int>(readInt(owner, f[1])),
               static_cast<int>(readInt(owner, f[2])), static_cast<int>(readInt(owner, f[3])),
               static_cast<int>(readInt(owner, f[4])), static_cast<int>(readInt(owner, f[5]))};
}

void loadGroup(ClusterData& cd, std::vector<std::string> f,
               std::map<std::string, int>& ktg) {
  if (f.size() == 4) f.push_back("");
  if (f.size() < 5) fail("Invalid/incomplete group data: '" + join(f, "|") + "'");
  Group g;
  g.name = f[0];
  g.uuid = f[1];
  auto pol = allocPolicyFromName(f[2]);
  if (!pol) fail("Invalid alloc policy '" + f[2] + "'");
  g.allocPolicy = *pol;
  g.tags = commaSplit(f[3]);
  g.networks = commaSplit(f[4]);
  g.ipolicy = defaultIPolicy();
  g.idx = static_cast<int>(cd.groups.size());
  ktg[g.uuid] = g.idx;
  cd.groups.push_back(std::move(g));
}

void loadNode(ClusterData& cd, std::vector<std::string> f,
              const std::map<std::string, int>& ktg, std::map<std::string, int>& ktn) {
  static const char* kDefaults[] = {"1", "", "N", "0", "1", "1.0"};
  if (f.size() < 9) fail("Invalid/incomplete node data: '" + join(f, "|") + "'");
  while (f.size() < 15) f.push_back(kDefaults[f.size() - 9]);
  const std::string& name = f[0];
  auto git = ktg.find(f[8]);
  if (git == ktg.end()) fail("Unknown group '" + f[8] + "' for node " + name);
  Node n;
  bool unknown = false;
  for (int i = 1; i <= 6; ++i) unknown = unknown || f[i] == "?";
  if (unknown) {
    n = createNode(name, 0, 0, 0, 0, 0, 0, 0, true, 0, 0, git->second, false);
  } else {
    n = createNode(name, readDouble(name, f[1]), readInt(name, f[2]), readInt(name, f[3]),
                   readDouble(name, f[4]), readInt(name, f[5]), readDouble(name, f[6]),
                   readInt(name, f[13]), f[7] == "Y", readInt(name, f[9]),
                   readInt(name, f[12]), git->second,
                   readYesNo("exclusive_storage", f[11]));
    n.tags = commaSplit(f[10]);
    n.tCpuSpeed = readDouble(name, f[14]);
    n.isMaster = f[7] == "M";
  }
  n.idx = static_cast<int>(cd.nodes.size());
  ktn[name] = n.idx;
  cd.nodes.emplace(n.idx, std::move(n));
}

void loadInstance(ClusterData& cd, std::vector<std::string> f,
                  const std::map<std::string, int>& ktn) {
  static const char* kDefaults[] = {"1", "-", "N"};
  if (f.size() < 10) fail("Invalid/incomplete instance data: '" + join(f, "|") + "'");
  while (f.size() < 13) f.push_back(kDefaults[f.size() - 10]);
  const std::string& name = f[0];
  auto lookup = [&](const std::string& node) {
    auto it = ktn.find(node);
    if (it == ktn.end()) fail("Unknown node '" + node + "' for instance " + name);
    return it->second;
  };
  Instance inst;
  inst.name = inst.alias = name;
  inst.pNode = lookup(f[6]);
  inst.sNode = f[7].empty() ? kNoNode : lookup(f[7]);
  inst.mem = static_cast<int>(readInt(name, f[1]));
  inst.dsk = static_cast<int>(readInt(name, f[2]));
  inst.vcpus = static_cast<int>(readInt(name, f[3]));
  auto st = runStateFromName(f[4]);
  if (!st) fail("Invalid instance status '" + f[4] + "'");
  inst.runState = *st;
  inst.autoBalance = readYesNo("auto_balance", f[5]);
  auto dt = diskTemplateFromName(f[8]);
  if (!dt) fail("Instance " + name + ": invalid disk template '" + f[8] + "'");
  inst.diskTemplate = *dt;
  inst.allTags = commaSplit(f[9]);
  inst.spindleUse = static_cast<int>(readInt(name, f[10]));
  Disk disk{inst.dsk, std::nullopt};
  if (f[11] != "-") disk.spindles = static_cast<int>(readInt(name, f[11]));
  inst.disks = {disk};
  inst.forthcoming = readYesNo("forthcoming", f[12]);
  inst.movable = supportsMoves(inst.diskTemplate);
  if (inst.hasSecondary() && inst.sNode == inst.pNode) {
    fail("Instance " + name + " has same primary and secondary node - " + f[6]);
  }
  inst.idx = static_cast<int>(cd.instances.size());
  cd.instances.emplace(inst.idx, std::move(inst));
}

void loadPolicy(ClusterData& cd, const std::string& line) {
  auto f = split(line, '|');
  if (f.size() < 6) fail("Invalid ipolicy data: '" + line + "'");
  IPolicy p;
  p.stdSpec = readISpec(f[0] + "/stdspec", f[1]);
  auto specs = f[2].empty() ? std::vector<std::string>{} : split(f[2], ';');
  if (specs.size() % 2 != 0) fail("Odd number of min/max specs for " + f[0]);
  for (std::size_t i = 0; i < specs.size(); i += 2) {
    p.minMax.push_back({readISpec(f[0] + "/minspec", specs[i]),
                        readISpec(f[0] + "/maxspec", specs[i + 1])});
  }
  for (const auto& t : commaSplit(f[3])) {
    auto dt = diskTemplateFromName(t);
    if (!dt) fail("Invalid disk template '" + t + "'");
    p.diskTemplates.push_back(*dt);
  }
  p.vcpuRatio = readDouble(f[0] + "/vcpu_ratio", f[4]);
  p.spindleRatio = readDouble(f[0] + "/spindle_ratio", f[5]);
  if (f[0].empty()) {
    cd.ipolicy = p;
    return;
  }
  std::string err;
  const Group* g = findGroupByName(cd.groups, f[0], &err);
  if (!g) fail(err);
  cd.groups[g->idx].ipolicy = p;
}

ClusterData parseText(std::string_view text) {
  std::vector<std::string> lines;
  {
    std::string cur;
    for (char c : text) {
      if (c == '\n') {
        lines.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) lines.push_back(cur);
  }
  std::vector<std::vector<std::string>> sections(1);
  for (auto& l : lines) {
    if (l.empty()) {
      sections.emplace_back();
    } else {
      sections.back().push_back(l);
    }
  }
  if (sections.size() < 4) {
    fail("Invalid format of the input file: " + std::to_string(sections.size()) +
         " sections instead of 4 or more");
  }
  ClusterData cd;
  cd.ipolicy = defaultIPolicy();
  std::map<std::string, int> ktg, ktn;
  for (const auto& l : sections[0]) loadGroup(cd, split(l, '|'), ktg);
  for (const auto& l : sections[1]) loadNode(cd, split(l, '|'), ktg, ktn);
  for (const auto& l : sections[2]) loadInstance(cd, split(l, '|'), ktn);
  cd.tags = sections[3];
  if (sections.size() > 4) {
    for (const auto& l : sections[4]) loadPolicy(cd, l);
  }
  return cd;
}

std::string showDouble(double d) {
  // Haskell's show for the values htools saves (integral ratios, speeds).
  char buf[64];
  if (d == static_cast<long long>(d)) {
    std::snprintf(buf, sizeof buf, "%.1f", d);
  } else {
    std::snprintf(buf, sizeof buf, "%g", d);
  }
  return buf;
}

std::string formatISpec(const ISpec& s) {
  return std::to_string(s.memorySize) + "," + std::to_string(s.cpuCount) + "," +
         std::to_string(s.diskSize) + "," + std::to_string(s.diskCount) + "," +
         std::to_string(s.nicCount) + "," + std::to_string(s.spindleUse);
}

std::string formatPolicy(const std::string& owner, const IPolicy& p) {
  std::vector<std::string> mm, dts;
  for (const auto& m : p.minMax) {
    mm.push_back(formatISpec(m.min));
    mm.push_back(formatISpec(m.max));
  }
  for (auto dt : p.diskTemplates) dts.push_back(diskTemplateName(dt));
  return owner + "|" + formatISpec(p.stdSpec) + "|" + join(mm, ";") + "|" + join(dts, ",") +
         "|" + showDouble(p.vcpuRatio) + "|" + showDouble(p.spindleRatio);
}

}  // namespace

Result<ClusterData> parseTextData(std::string_view text) {
  try {
    return parseText(text);
  } catch (const TextError& e) {
    return Error{ErrorCode::kInvalid, e.message};
  }
}

std::string formatTextData(const ClusterData& cd) {
  std::ostringstream out;
  for (const auto& g : cd.groups) {
    out << g.name << "|" << g.uuid << "|" << allocPolicyName(g.allocPolicy) << "|"
        << join(g.tags, ",") << "|" << join(g.networks, ",") << "\n";
  }
  out << "\n";
  char buf[64];
  for (const auto& [i, n] : cd.nodes) {
    const char* role = n.offline ? "Y" : (n.isMaster ? "M" : "N");
    std::snprintf(buf, sizeof buf, "%.0f|%d|%d|%.0f|%d|%.0f", n.tMem, n.nMem, n.fMem, n.tDsk,
                  n.fDsk, n.tCpu);
    const std::string guuid =
        n.group < static_cast<int>(cd.groups.size()) ? cd.groups[n.group].uuid : "";
    out << n.name << "|" << buf << "|" << role << "|" << guuid << "|" << n.tSpindles << "|"
        << join(n.tags, ",") << "|" << (n.exclStorage ? "Y" : "N") << "|" << n.fSpindles
        << "|" << n.nCpu << "|" << showDouble(n.tCpuSpeed) << "\n";
  }
  out << "\n";
  auto nodeName = [&](int idx) -> std::string {
    auto it = cd.nodes.find(idx);
    return it == cd.nodes.end() ? "" : it->second.name;
  };
  for (const auto& [i, inst] : cd.instances) {
    auto sp = inst.totalSpindles();
    out << inst.name << "|" << inst.mem << "|" << inst.dsk << "|" << inst.vcpus << "|"
        << runStateName(inst.runState) << "|" << (inst.autoBalance ? "Y" : "N") << "|"
        << nodeName(inst.pNode) << "|" << nodeName(inst.sNode) << "|"
        << diskTemplateName(inst.diskTemplate) << "|" << join(inst.allTags, ",") << "|"
        << inst.spindleUse << "|" << (sp ? std::to_string(*sp) : "-") << "|"
        << (inst.forthcoming ? "Y" : "N") << "\n";
  }
  out << "\n";
  for (const auto& t : cd.tags) out << t << "\n";
  out << "\n";
  out << formatPolicy("", cd.ipolicy) << "\n";
  for (const auto& g : cd.groups) out << formatPolicy(g.name, g.ipolicy) << "\n";
  return out.str();
}

}  // namespace gantry::sdk::allocator
