// The kvm hypervisor's parameters: Ganeti's hvparams for kvm with Ganeti's
// names, defaults and checks (lib/hypervisor/hv_kvm), except kvm_path,
// which defaults to the plain qemu binary (Ganeti's default is a build
// option, usually /usr/bin/kvm).
#pragma once

#include <string>
#include <vector>

#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

inline constexpr const char* kDefaultKvmPath = "/usr/bin/qemu-system-x86_64";

/// Every parameter with its type, default and a one-line doc.
std::vector<sdk::ParamSpec> kvmParameters();

/// The defaults of kvmParameters() as a ParamMap (a filled hvparams).
sdk::ParamMap defaultHvparams();

/// `hvparams` with every missing parameter taken from the defaults.
sdk::ParamMap fillHvparams(const sdk::ParamMap& hvparams);

/// Ganeti's CheckParameterSyntax (master side, no node access): unknown,
/// missing, mistyped or invalid values and inconsistent combinations. The
/// message names the parameter in Ganeti's words, e.g.
/// "Parameter 'boot_order' fails syntax check: The value must be one of:
/// cdrom, disk, floppy, network (current value: 'usb')".
sdk::Result<void> checkKvmParameters(const sdk::ParamMap& hvparams);

/// Ganeti's ValidateParameters (node side): files and directories exist,
/// the VNC bind address is an address, an interface or a path, the
/// security domain user exists.
sdk::Result<void> validateKvmParameters(const sdk::ParamMap& hvparams);

}  // namespace gantry::plugins::kvm
