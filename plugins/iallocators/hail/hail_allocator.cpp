// InstanceAllocator implementation: parse, answer, never throw.
#include "hail_allocator.h"

#include "algorithm_options.h"
#include "engine.h"
#include "gantry/sdk/allocator/request.h"

namespace gantry::plugins::hail {

sdk::Result<std::string> HailAllocator::run(std::string_view requestJson,
                                            const sdk::AllocatorOptions& options) {
  try {
    auto opts = algorithmOptionsFrom(options);
    if (!opts.ok()) return opts.error();
    alloc::LoadOptions load;
    load.staticKvmNodeMemory = opts.value().staticKvmNodeMemory;
    auto parsed = alloc::parseRequest(requestJson, load);
    if (!parsed.ok()) return parsed.error();
    if (host_ && !parsed.value().warnings.empty()) {
      for (const auto& w : parsed.value().warnings) {
        host_->log(sdk::LogLevel::kWarning, "cluster has inconsistent data: " + w);
      }
    }
    return processRequest(parsed.value(), opts.value()).toJson();
  } catch (const std::exception& e) {
    return sdk::Error{sdk::ErrorCode::kFault, std::string("hail: ") + e.what()};
  }
}

}  // namespace gantry::plugins::hail
