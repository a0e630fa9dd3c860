// Parsing an IAllocator request (the JSON Ganeti hands an external
// allocator) into the cluster model plus the request itself, with the same
// acceptance rules and error texts as Ganeti's hail. Never throws: malformed
// input is an Error (ErrorCode::kInvalid, or kNotFound for unknown names)
// whose message is what hail prints after "Error: ". Since ABI 1.0.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gantry/sdk/allocator/model.h"
#include "gantry/sdk/result.h"

namespace gantry::sdk::allocator {

/// `allocate` (also one entry of `multi-allocate`). The instance has idx −1
/// and no nodes; its exclusion tags follow the cluster tags.
struct AllocateRequest {
  Instance instance;
  int requiredNodes = 1;
  std::optional<std::string> groupName;
  std::optional<std::vector<std::string>> restrictToNodes;
};

struct MultiAllocateRequest {
  std::vector<AllocateRequest> entries;
};

struct RelocateRequest {
  int instance = -1;           // index
  int requiredNodes = 1;
  std::vector<int> relocateFrom;  // node indices
};

struct NodeEvacuateRequest {
  std::vector<int> instances;  // indices, request order
  EvacMode mode = EvacMode::kAll;
};

struct ChangeGroupRequest {
  std::vector<int> instances;
  std::vector<int> targetGroups;  // group indices; empty = any
};

struct AllocateSecondaryRequest {
  int instance = -1;
};

using RequestKind =
    std::variant<AllocateRequest, MultiAllocateRequest, RelocateRequest,
                 NodeEvacuateRequest, ChangeGroupRequest, AllocateSecondaryRequest>;

/// The wire name of a request kind ("allocate", "node-evacuate", ...).
const char* requestTypeName(const RequestKind& request);

struct ParsedRequest {
  RequestKind request;
  ClusterData cluster;
  /// Load warnings ("node n is missing X MB ram and Y GB disk").
  std::vector<std::string> warnings;
};

/// Parses and loads a request (model finalised with `options`).
Result<ParsedRequest> parseRequest(std::string_view json,
                                   const LoadOptions& options = {});

}  // namespace gantry::sdk::allocator
