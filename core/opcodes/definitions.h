// Opcode definitions: every OP_ID Gantry knows with its parameters, loaded
// once from the JSON files embedded at build time
// (core/opcodes/definitions/*.json; the files are the source of truth).
//
// Interface target is Ganeti 3.1 (src/Ganeti/OpCodes.hs, OpParams.hs);
// parameters only 3.0.2 had are kept per opcode as `legacy_params` so
// that 3.0.2 clients are accepted.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/opcodes/param_type.h"

namespace gantry::core::opcodes {

struct ParamDef {
  std::string name;
  ParamType type;
  /// No default and not optional: absent (or null) input is refused.
  bool required = false;
  /// May be absent or null; nothing is filled in then.
  bool optional = false;
  /// Filled in when the input lacks the parameter (or has null).
  std::shared_ptr<const nlohmann::json> default_value;
  std::string doc;
  /// Ganeti version that introduced it ("3.1"), empty if older.
  std::string since;
};

/// How the summary field is shown (Ganeti's opSummaryVal).
enum class SummaryFormat {
  kPlain,               // the value as text
  kDurationNs,          // TEST_DELAY: seconds as "<integer> ns" (3.1)
  kTagKindConstructor,  // TAGS_GET: Haskell `show` of TagKind
  kNoneIfAbsent,        // TEST_ALLOCATOR: "None" when unset
};

struct OpcodeDef {
  std::string id;      // "OP_INSTANCE_STARTUP"
  std::string domain;  // "instance" (the definition file)
  std::string doc;
  /// Parameter shown in the summary; empty if none.
  std::string summary_field;
  SummaryFormat summary_format = SummaryFormat::kPlain;
  std::string since;
  std::vector<ParamDef> params;
  /// Accepted only for 3.0.2 clients; validated, never defaulted.
  std::vector<ParamDef> legacy_params;
  /// 3.0.2 defaults that differ from 3.1's (name -> old default); only
  /// informational, 3.1's defaults are the ones filled in.
  std::shared_ptr<const nlohmann::json> defaults_3_0;

  const ParamDef* findParam(std::string_view name) const;
  const ParamDef* findLegacyParam(std::string_view name) const;
};

class Catalog {
 public:
  /// Builds a catalog from definition files (name, text); an error names
  /// the file and the entry at fault. Used by tests; the process-wide one
  /// is catalog().
  static sdk::Result<Catalog> load(
      const std::vector<std::pair<std::string, std::string>>& files);

  const OpcodeDef* find(std::string_view op_id) const;
  const std::vector<OpcodeDef>& opcodes() const { return opcodes_; }
  /// dry_run, debug_level, priority, depends, comment, reason.
  const std::vector<ParamDef>& commonParams() const { return common_; }
  const ParamDef* findCommonParam(std::string_view name) const;
  const EnumTable& enums() const { return enums_; }

 private:
  std::vector<OpcodeDef> opcodes_;  // sorted by id
  std::vector<ParamDef> common_;
  EnumTable enums_;
};

/// The catalog of the embedded definitions, loaded on first use. Broken
/// embedded definitions are a build defect: this throws std::logic_error.
const Catalog& catalog();

}  // namespace gantry::core::opcodes
