// What the node's instance and disk procedures share: the plugin for a
// disk template or hypervisor, a disk of the config localized to this
// node's directories, and decoding errors turned into answers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/cluster/spec_json.h"
#include "daemon/node/node_context.h"
#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/storage.h"

namespace gantry::daemon::node {

/// The storage plugin of disk template `devType`; kNotFound if not loaded.
sdk::Result<sdk::Storage*> storageFor(NodeContext& node, const std::string& devType);

/// The hypervisor plugin `name`; kNotFound if not loaded.
sdk::Result<sdk::Hypervisor*> hypervisorFor(NodeContext& node, const std::string& name);

/// A disk spec (core/cluster/spec_json.h) with file paths moved from the
/// cluster's file storage directories to this node's own.
sdk::DiskSpec localDiskSpec(const NodeContext& node, const nlohmann::json& value);

/// {"path", "uri"} of an active device.
nlohmann::json deviceJson(const sdk::DeviceInfo& device);

/// Runs `body`; a malformed spec in the arguments is the caller's error,
/// answered with kInvalid, never a crash.
template <typename Body>
sdk::Result<nlohmann::json> decoded(Body&& body) {
  try {
    return body();
  } catch (const core::cluster::SpecJsonError& e) {
    return sdk::Error{sdk::ErrorCode::kInvalid, e.what()};
  }
}

}  // namespace gantry::daemon::node
