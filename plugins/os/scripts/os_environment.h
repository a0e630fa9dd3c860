// The environment of each OS script (Ganeti's OSCoreEnv and OSEnvironment,
// lib/backend.py), variable by variable. All values are text.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gantry/sdk/os_provider.h"
#include "os_definition.h"

namespace gantry::plugins::os_scripts {

using Environment = std::map<std::string, std::string>;

/// Ganeti's HOOKS_PATH: the PATH every OS script gets.
inline constexpr const char* kScriptPath = "/sbin:/bin:/usr/sbin:/usr/bin";

/// OS_API_VERSION, OS_NAME, OS_VARIANT, DEBUG_LEVEL, OSP_* and
/// PATH: what every script gets; `verify` gets only this.
Environment coreEnvironment(const LoadedOs& os, std::string_view osName,
                            const sdk::ParamMap& osParams, int debugLevel);

/// The core variables plus INSTANCE_*, HYPERVISOR, DISK_*, NIC_*,
/// INSTANCE_BE_*, INSTANCE_HV_*: what create, rename, import and export get.
/// `osParams` are the parameters already merged (public, private, secret).
Environment instanceEnvironment(const LoadedOs& os, const sdk::InstanceSpec& instance,
                                std::string_view osName, const sdk::ParamMap& osParams,
                                int debugLevel);

/// "file:<driver>" for file-based templates, "block" for block ones, ""
/// for anything else (DISK_<i>_BACKEND_TYPE is then not set).
std::string diskBackendType(const sdk::AttachedDisk& disk);

}  // namespace gantry::plugins::os_scripts
