// Built-in parameter defaults and fixed names of the configuration format
// (Ganeti 3.1's constants: HVC_DEFAULTS, BEC_DEFAULTS, NICC_DEFAULTS,
// NDC_DEFAULTS, DISK_DT_DEFAULTS, IPOLICY_DEFAULTS). They are the lowest
// layer of every parameter fill (core/config/fill.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gantry::core::config {

/// The config.data layout this code reads and writes: Ganeti 3.1.
inline constexpr std::int64_t kConfigVersion = 3010000;
inline constexpr int kConfigMajor = 3;
inline constexpr int kConfigMinor = 1;

/// Every hypervisor type known to the format, sorted by name.
const std::vector<std::string>& hypervisorTypes();
/// Every disk template, sorted by name (the order Ganeti lists the set in).
const std::vector<std::string>& diskTemplates();
/// Hypervisor parameters that only exist at cluster level (HVC_GLOBALS).
const std::vector<std::string>& hvGlobalParams();
/// Node parameters that only exist at cluster/group level (NDC_GLOBALS).
const std::vector<std::string>& ndGlobalParams();
/// The data collectors a cluster configures (DATA_COLLECTOR_NAMES).
const std::vector<std::string>& dataCollectorNames();
/// Default compression tools for instance import/export.
const std::vector<std::string>& defaultCompressionTools();

/// Defaults of one hypervisor (a JSON object); `{}` for an unknown name.
const nlohmann::json& hvDefaults(const std::string& hypervisor);
/// Backend parameters (maxmem, minmem, vcpus, ...).
const nlohmann::json& beDefaults();
/// NIC parameters (mode, link, vlan).
const nlohmann::json& nicDefaults();
/// Node parameters (oob_program, spindle_count, ...).
const nlohmann::json& ndDefaults();
/// Disk parameters of one template; `{}` for templates without any.
const nlohmann::json& diskDefaults(const std::string& diskTemplate);
/// The complete default instance policy.
const nlohmann::json& ipolicyDefaults();

}  // namespace gantry::core::config
