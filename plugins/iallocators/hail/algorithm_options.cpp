// Allocator options -> algorithm options.
#include "algorithm_options.h"

#include <stdexcept>

namespace gantry::plugins::hail {
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

}  // namespace

sdk::Result<AlgorithmOptions> algorithmOptionsFrom(const sdk::AllocatorOptions& options) {
  AlgorithmOptions out;
  for (const auto& [key, value] : options) {
    if (key == "ignore-soft-errors") {
      out.ignoreSoftErrors = true;
    } else if (key == "no-capacity-checks") {
      out.capacityChecks = false;
    } else if (key == "ignore-dynu") {
      out.ignoreDynUtil = true;
    } else if (key == "restrict-allocation-to") {
      if (!value) {
        return sdk::Error{sdk::ErrorCode::kInvalid,
                          "option --restrict-allocation-to needs a value"};
      }
      out.restrictToNodes = splitComma(*value);
    } else if (key == "static-kvm-node-memory") {
      try {
        std::size_t used = 0;
        if (!value) throw std::invalid_argument("missing");
        out.staticKvmNodeMemory = std::stoi(*value, &used);
        if (used != value->size()) throw std::invalid_argument(*value);
      } catch (const std::exception&) {
        return sdk::Error{sdk::ErrorCode::kInvalid,
                          "Cannot parse static node memory: '" + value.value_or("") + "'"};
      }
    }
  }
  return out;
}

}  // namespace gantry::plugins::hail
