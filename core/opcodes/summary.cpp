#include "core/opcodes/summary.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace gantry::core::opcodes {
namespace {

using nlohmann::json;

// Haskell `round` rounds halves to even, as nearbyint does by default.
std::string durationNs(double seconds) {
  double ns = std::nearbyint(seconds * 1e9);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f ns", ns);
  return buf;
}

// luxid prints TagKind with Haskell's derived `show`.
std::string tagKindConstructor(const std::string& kind) {
  if (kind == "instance") return "TagKindInstance";
  if (kind == "node") return "TagKindNode";
  if (kind == "nodegroup") return "TagKindGroup";
  if (kind == "cluster") return "TagKindCluster";
  if (kind == "network") return "TagKindNetwork";
  return kind;
}

std::string plain(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::string summary(const Opcode& op) {
  const OpcodeDef& def = op.definition();
  std::string text = def.id.substr(3);
  if (def.summary_field.empty()) return text;
  std::string value;
  bool present = op.has(def.summary_field);
  switch (def.summary_format) {
    case SummaryFormat::kPlain:
      if (!present) return text;
      value = plain(op.get(def.summary_field));
      break;
    case SummaryFormat::kDurationNs:
      if (!present) return text;
      value = durationNs(op.getDouble(def.summary_field));
      break;
    case SummaryFormat::kTagKindConstructor:
      if (!present) return text;
      value = tagKindConstructor(plain(op.get(def.summary_field)));
      break;
    case SummaryFormat::kNoneIfAbsent:
      value = present ? plain(op.get(def.summary_field)) : "None";
      break;
  }
  return text + "(" + value + ")";
}

std::string summaryOfInput(const json& input) {
  auto op = parseOpcode(input);
  if (op) return summary(*op);
  if (input.is_object()) {
    auto it = input.find("OP_ID");
    if (it != input.end() && it->is_string()) {
      const auto& id = it->get_ref<const std::string&>();
      return id.size() > 3 ? id.substr(3) : std::string();
    }
  }
  return "INVALID_OP";
}

}  // namespace gantry::core::opcodes
