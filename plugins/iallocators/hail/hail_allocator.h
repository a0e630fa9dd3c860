// The `hail` instance allocator plugin: Ganeti's htools allocator behind
// the SDK's InstanceAllocator interface.
#pragma once

#include "gantry/sdk/host.h"
#include "gantry/sdk/instance_allocator.h"

namespace gantry::plugins::hail {

class HailAllocator final : public sdk::InstanceAllocator {
 public:
  explicit HailAllocator(sdk::Host* host) : host_(host) {}

  /// Options: ignore-soft-errors, no-capacity-checks,
  /// restrict-allocation-to=a,b, static-kvm-node-memory=N.
  sdk::Result<std::string> run(std::string_view requestJson,
                               const sdk::AllocatorOptions& options) override;

 private:
  sdk::Host* host_;
};

}  // namespace gantry::plugins::hail
