#include "core/jobs/job_status.h"

#include <array>

namespace gantry::core::jobs {

namespace {
constexpr std::array<const char*, 7> kNames = {
    "queued", "waiting", "canceling", "running", "canceled", "success", "error"};
}  // namespace

const char* statusName(OpStatus status) noexcept {
  auto index = static_cast<std::size_t>(status);
  return index < kNames.size() ? kNames[index] : "unknown";
}

std::optional<OpStatus> parseStatus(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<OpStatus>(i);
  }
  return std::nullopt;
}

}  // namespace gantry::core::jobs
