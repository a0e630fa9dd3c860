// libFuzzer target: arbitrary bytes as an IAllocator request, through the
// SDK's request parser and then the whole hail allocator. Neither may crash,
// hang or touch memory it does not own; whatever hail accepts it must
// answer with a well-formed response.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "gantry/sdk/allocator/request.h"
#include "hail_allocator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace alloc = gantry::sdk::allocator;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto parsed = alloc::parseRequest(text);
  if (parsed.ok()) {
    // A parsed cluster is internally consistent: every instance's nodes exist.
    for (const auto& [idx, inst] : parsed->cluster.instances) {
      for (int n : inst.allNodes()) {
        if (!parsed->cluster.nodes.count(n)) std::abort();
      }
    }
  }

  // The last byte picks hail's options, so they are explored too.
  gantry::sdk::AllocatorOptions options;
  const std::uint8_t flags = size ? data[size - 1] : 0;
  if (flags & 1) options["no-capacity-checks"] = std::nullopt;
  if (flags & 2) options["ignore-soft-errors"] = std::nullopt;
  gantry::plugins::hail::HailAllocator hail(nullptr);
  auto answer = hail.run(text, options);
  if (answer.ok()) {
    auto j = nlohmann::json::parse(*answer, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("success") ||
        !j["success"].is_boolean() || !j.contains("info") || !j["info"].is_string() ||
        !j.contains("result")) {
      std::abort();
    }
  } else if (answer.error().message.empty()) {
    std::abort();  // a refusal must say why
  }
  return 0;
}
