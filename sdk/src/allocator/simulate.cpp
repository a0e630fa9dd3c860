// The simulated empty cluster of `--simulate` (htools' Backend/Simu.hs) and
// the unit parser it uses.
#include <cctype>
#include <cstdio>

#include "gantry/sdk/allocator/text_format.h"

namespace gantry::sdk::allocator {
namespace {

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(',', start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::optional<long long> readInt(const std::string& s) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<long long> parseUnit(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits) return Error{ErrorCode::kInvalid, "Can't parse string '" + std::string(text) + "'"};
  const long long v = std::stoll(std::string(text.substr(0, i)));
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string_view unit = text.substr(i);
  const std::string up = upper(unit);
  // Binary units multiply exactly; SI ones are (1000/1024)^2 per MB, then
  // ×1000 per step, truncated as htools does with rationals.
  if (unit.empty() || unit == "m" || up == "MIB") return v;
  if (unit == "g" || up == "GIB") return v * 1024;
  if (unit == "t" || up == "TIB") return v * 1024 * 1024;
  long long num = 0;
  if (unit == "M" || up == "MB") num = 1000LL * 1000;
  else if (unit == "G" || up == "GB") num = 1000LL * 1000 * 1000;
  else if (unit == "T" || up == "TB") num = 1000LL * 1000 * 1000 * 1000;
  else return Error{ErrorCode::kInvalid, "Unknown unit '" + std::string(unit) + "'"};
  const __int128 scaled = static_cast<__int128>(v) * num;
  return static_cast<long long>(scaled / (1024 * 1024));
}

Result<ClusterData> simulateCluster(const std::vector<std::string>& specs) {
  ClusterData cd;
  cd.ipolicy = defaultIPolicy();
  for (std::size_t gi = 0; gi < specs.size(); ++gi) {
    auto f = splitComma(specs[gi]);
    if (f.size() == 5) f.push_back("1");
    if (f.size() == 6) f.push_back("False");
    if (f.size() != 7) {
      return Error{ErrorCode::kInvalid,
                   "Invalid cluster specification, expected 6 comma-separated sections "
                   "(allocation policy, node count, disk size, memory size, number of "
                   "CPUs, spindles) but got " +
                       std::to_string(f.size()) + ": '" + specs[gi] + "'"};
    }
    auto pol = allocPolicyFromName(f[0]);
    if (!pol) {
      if (f[0] == "p") pol = AllocPolicy::kPreferred;
      if (f[0] == "a") pol = AllocPolicy::kLastResort;
      if (f[0] == "u") pol = AllocPolicy::kUnallocable;
    }
    if (!pol) return Error{ErrorCode::kInvalid, "Cannot parse AllocPolicy abbreviation '" + f[0] + "'"};
    auto count = readInt(f[1]);
    auto disk = parseUnit(f[2]);
    auto mem = parseUnit(f[3]);
    auto cpu = readInt(f[4]);
    auto spindles = readInt(f[5]);
    if (!count || !disk.ok() || !mem.ok() || !cpu || !spindles ||
        (f[6] != "True" && f[6] != "False")) {
      return Error{ErrorCode::kInvalid, "Invalid cluster specification '" + specs[gi] + "'"};
    }
    const int gnum = static_cast<int>(gi) + 1;
    char buf[64];
    Group g;
    std::snprintf(buf, sizeof buf, "group-%02d", gnum);
    g.name = buf;
    std::snprintf(buf, sizeof buf, "fake-uuid-%02d", gnum);
    g.uuid = buf;
    g.allocPolicy = *pol;
    g.ipolicy = defaultIPolicy();
    g.idx = static_cast<int>(gi);
    cd.groups.push_back(g);
    for (long long k = 1; k <= *count; ++k) {
      std::snprintf(buf, sizeof buf, "node-%02d-%03lld", gnum, k);
      Node n = createNode(buf, static_cast<double>(*mem), 0, static_cast<int>(*mem),
                          static_cast<double>(*disk), static_cast<int>(*disk),
                          static_cast<double>(*cpu), 1, false, static_cast<int>(*spindles),
                          0, g.idx, f[6] == "True");
      n.isMaster = gnum == 1 && k == 1;
      n.idx = static_cast<int>(cd.nodes.size());
      cd.nodes.emplace(n.idx, std::move(n));
    }
  }
  return cd;
}

}  // namespace gantry::sdk::allocator
