// The JSON forms in which the master hands instances and disks to the
// node daemons (instance and blockdev procedures) and back: the SDK's
// InstanceSpec and DiskSpec field by field, parameters as plain JSON
// values. Decoding checks types and throws SpecJsonError naming the field.
#pragma once

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/instance_spec.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/storage.h"

namespace gantry::core::cluster {

class SpecJsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

nlohmann::json paramsToJson(const sdk::ParamMap& params);
sdk::ParamMap paramsFromJson(const nlohmann::json& json, const std::string& what);

nlohmann::json diskSpecToJson(const sdk::DiskSpec& disk);
sdk::DiskSpec diskSpecFromJson(const nlohmann::json& json);

nlohmann::json instanceSpecToJson(const sdk::InstanceSpec& instance);
sdk::InstanceSpec instanceSpecFromJson(const nlohmann::json& json);

/// "running", "shutdown", "paused", "crashed".
const char* instanceStateName(sdk::InstanceState state);

}  // namespace gantry::core::cluster
