// The definition file of `gnt-instance batch-create`, turned into one
// OP_INSTANCE_MULTI_ALLOC opcode. Two forms are read:
//  - Ganeti 3's: a JSON list of OP_INSTANCE_CREATE parameter objects
//    (unknown keys refused: "Unknown fields in definition <i>: <keys>");
//  - Ganeti 2's, still in its documentation: an object of instance name
//    -> {"template", "os", "disk_size": [sizes], "ram_size", "vcpus",
//    "backend", "primary_node", "secondary_node", "iallocator", "nics",
//    "start", "hypervisor", "hvparams", "file_storage_dir",
//    "file_driver", "force_variant"}.
#pragma once

#include <optional>
#include <string>

#include "core/luxi/json_text.h"

namespace gantry::cli::instance {

/// The opcode for `text` (the file's contents); `iallocator` from -I.
/// Throws a wrong_input prerequisite error with Ganeti's messages.
core::luxi::Json batchCreateOpcode(const std::string& text,
                                   const std::optional<std::string>& iallocator);

}  // namespace gantry::cli::instance
