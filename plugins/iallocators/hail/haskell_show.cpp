#include "haskell_show.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace gantry::plugins::hail {
namespace {

// GHC's names for the control characters 0..31 (showLitChar).
constexpr std::array<const char*, 32> kAsciiNames = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a",   "b",  "t",  "n",
    "v",   "f",   "r",   "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
    "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};

// Decodes one UTF-8 sequence at `pos`; an invalid byte stands for itself
// (what a lenient decoder hands Haskell is not ours to guess).
std::uint32_t nextCodePoint(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra == 0 || pos + extra >= s.size()) {
    ++pos;
    return lead;
  }
  std::uint32_t cp = lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return lead;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  pos += extra + 1;
  return cp;
}

const char* diskTemplateConstructor(alloc::DiskTemplate t) {
  switch (t) {
    case alloc::DiskTemplate::kDiskless: return "DTDiskless";
    case alloc::DiskTemplate::kFile: return "DTFile";
    case alloc::DiskTemplate::kSharedFile: return "DTSharedFile";
    case alloc::DiskTemplate::kPlain: return "DTPlain";
    case alloc::DiskTemplate::kBlock: return "DTBlock";
    case alloc::DiskTemplate::kDrbd: return "DTDrbd8";
    case alloc::DiskTemplate::kRbd: return "DTRbd";
    case alloc::DiskTemplate::kExt: return "DTExt";
    case alloc::DiskTemplate::kGluster: return "DTGluster";
  }
  return "DTDiskless";
}

const char* allocPolicyConstructor(alloc::AllocPolicy p) {
  switch (p) {
    case alloc::AllocPolicy::kPreferred: return "AllocPreferred";
    case alloc::AllocPolicy::kLastResort: return "AllocLastResort";
    case alloc::AllocPolicy::kUnallocable: return "AllocUnallocable";
  }
  return "AllocPreferred";
}

std::string showISpec(const alloc::ISpec& s) {
  return "ISpec {iSpecMemorySize = " + std::to_string(s.memorySize) +
         ", iSpecCpuCount = " + std::to_string(s.cpuCount) +
         ", iSpecDiskSize = " + std::to_string(s.diskSize) +
         ", iSpecDiskCount = " + std::to_string(s.diskCount) +
         ", iSpecNicCount = " + std::to_string(s.nicCount) +
         ", iSpecSpindleUse = " + std::to_string(s.spindleUse) + "}";
}

// Haskell's showList: "[a,b]", no spaces.
template <typename List, typename Show>
std::string showList(const List& items, Show show) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    out += show(item);
  }
  return out + "]";
}

std::string showIPolicy(const alloc::IPolicy& p) {
  return "IPolicy {iPolicyMinMaxISpecs = " +
         showList(p.minMax,
                  [](const alloc::MinMaxISpecs& m) {
                    return "MinMaxISpecs {minMaxISpecsMinSpec = " + showISpec(m.min) +
                           ", minMaxISpecsMaxSpec = " + showISpec(m.max) + "}";
                  }) +
         ", iPolicyStdSpec = " + showISpec(p.stdSpec) + ", iPolicyDiskTemplates = " +
         showList(p.diskTemplates,
                  [](alloc::DiskTemplate t) { return std::string(diskTemplateConstructor(t)); }) +
         ", iPolicyVcpuRatio = " + haskellShowDouble(p.vcpuRatio) +
         ", iPolicySpindleRatio = " + haskellShowDouble(p.spindleRatio) + "}";
}

}  // namespace

std::string haskellShowString(std::string_view utf8) {
  std::string out = "\"";
  std::size_t pos = 0;
  bool pendingNumeric = false;  // the last escape was numeric ("\1234")
  bool pendingSO = false;       // the last escape was "\SO"
  while (pos < utf8.size()) {
    const std::uint32_t cp = nextCodePoint(utf8, pos);
    if ((pendingNumeric && cp >= '0' && cp <= '9') || (pendingSO && cp == 'H')) out += "\\&";
    pendingNumeric = pendingSO = false;
    if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp > 127) {
      out += '\\' + std::to_string(cp);
      pendingNumeric = true;
    } else if (cp == 127) {
      out += "\\DEL";
    } else if (cp >= ' ') {
      out += static_cast<char>(cp);
    } else {
      out += '\\';
      out += kAsciiNames[cp];
      pendingSO = cp == 14;
    }
  }
  return out + "\"";
}

std::string haskellShowDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  std::string sign = std::signbit(value) ? "-" : "";
  value = std::fabs(value);
  if (value == 0) return sign + "0.0";
  // The shortest round-trip digits, as "d.ddde±x": Haskell's floatToDigits
  // gives the same digits with the point before the first (0.ddd × 10^e).
  std::array<char, 64> buffer{};
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
  if (ec != std::errc()) return sign + "0.0";
  const std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  const std::size_t ePos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, ePos)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exponent = 0;
  std::from_chars(text.data() + ePos + 1 + (text[ePos + 1] == '+' ? 1 : 0),
                  text.data() + text.size(), exponent);
  const int e = exponent + 1;  // 0.ddd × 10^e
  if (e < 0 || e > 7) {
    const std::string rest = digits.size() > 1 ? digits.substr(1) : "0";
    return sign + digits[0] + "." + rest + "e" + std::to_string(e - 1);
  }
  if (e == 0) return sign + "0." + digits;
  std::string integral = digits.substr(0, std::min<std::size_t>(e, digits.size()));
  integral.append(static_cast<std::size_t>(e) - integral.size(), '0');
  const std::string fraction = digits.size() > static_cast<std::size_t>(e) ? digits.substr(e) : "0";
  return sign + integral + "." + fraction;
}

std::string haskellShowGroup(const alloc::Group& group) {
  return "Group {name = " + haskellShowString(group.name) +
         ", uuid = " + haskellShowString(group.uuid) + ", idx = " + std::to_string(group.idx) +
         ", allocPolicy = " + allocPolicyConstructor(group.allocPolicy) + ", networks = " +
         showList(group.networks, [](const std::string& n) { return haskellShowString(n); }) +
         ", iPolicy = " + showIPolicy(group.ipolicy) + ", allTags = " +
         showList(group.tags, [](const std::string& t) { return haskellShowString(t); }) + "}";
}

}  // namespace gantry::plugins::hail
