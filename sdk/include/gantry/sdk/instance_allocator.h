// The instance allocator interface: takes an IAllocator request (the JSON an
// external allocator script gets, Ganeti's protocol) and answers with the
// IAllocator response JSON. Runs on the master. Since ABI 1.0.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"
#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

/// Options as an external allocator would get them on its command line
/// (`--key=value`, or a bare `--key` with nullopt), e.g. the cluster's
/// default_iallocator_params or "ignore-soft-errors".
using AllocatorOptions = std::map<std::string, std::optional<std::string>>;

class GANTRY_SDK_API InstanceAllocator {
 public:
  static constexpr const char* kKind = "iallocator";
  virtual ~InstanceAllocator() = default;

  /// Answers one request. A valid "cannot allocate" is a successful Result
  /// whose JSON says `"success": false`; an Error means the request could not
  /// be understood (bad JSON, unknown type, unknown names).
  virtual Result<std::string> run(std::string_view requestJson,
                                  const AllocatorOptions& options) = 0;
};

}  // namespace gantry::sdk
