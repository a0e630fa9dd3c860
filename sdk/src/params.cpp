#include "gantry/sdk/params.h"

#include <cstdio>
#include <string>

namespace gantry::sdk {

std::string paramToString(const ParamValue& value) {
  struct Printer {
    std::string operator()(std::monostate) const { return ""; }
    // Ganeti is Python: booleans print as True/False.
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Printer{}, value);
}

namespace {
const ParamValue* lookup(const ParamMap& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}
}  // namespace

std::optional<std::string> paramString(const ParamMap& params,
                                       const std::string& name) {
  const ParamValue* v = lookup(params, name);
  if (v == nullptr) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return std::nullopt;
}

std::optional<std::int64_t> paramInt(const ParamMap& params,
                                     const std::string& name) {
  const ParamValue* v = lookup(params, name);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return std::nullopt;
}

std::optional<bool> paramBool(const ParamMap& params, const std::string& name) {
  const ParamValue* v = lookup(params, name);
  if (v == nullptr) return std::nullopt;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  return std::nullopt;
}

std::optional<double> paramDouble(const ParamMap& params,
                                  const std::string& name) {
  const ParamValue* v = lookup(params, name);
  if (v == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::nullopt;
}

}  // namespace gantry::sdk
