// What a qemu process is made from: the instance's filled parameters, its
// memory and CPUs, disks and NICs. Saved as the runtime file when qemu
// starts, sent to a migration target (which builds the same machine with
// its own paths), and read back by a restarted node daemon.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gantry/sdk/instance_spec.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

struct LaunchSpec {
  std::string name;
  std::string uuid;
  sdk::ParamMap hvparams;        // filled with the kvm defaults
  std::int64_t memoryMiB = 0;    // -m: maximum memory
  std::int64_t startupMemoryMiB = 0;  // ballooned down to this after start
  std::int64_t vcpus = 1;
  std::int64_t networkPort = 0;  // VNC/SPICE port
  std::vector<sdk::AttachedDisk> disks;
  std::vector<sdk::NicSpec> nics;
};

/// From the master's InstanceSpec: hvparams filled with defaults, memory =
/// beparam maxmem (else the startup memory), vcpus from the spec or the
/// `vcpus` beparam. kInvalid when there is no memory size.
sdk::Result<LaunchSpec> launchSpecFor(const sdk::InstanceSpec& instance);

/// JSON text and back; the parse error says what is wrong (kFault).
std::string serializeLaunchSpec(const LaunchSpec& spec);
sdk::Result<LaunchSpec> parseLaunchSpec(const std::string& text);

}  // namespace gantry::plugins::kvm
