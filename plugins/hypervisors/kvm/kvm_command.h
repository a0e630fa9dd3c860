// The qemu command line as an argv vector, built from a LaunchSpec and the
// node's paths by a pure function (no files read, nothing run), so every
// hvparam's effect is unit-testable without qemu. Follows Ganeti's
// _GenerateKVMRuntime/_ExecuteKVMRuntime, with today's qemu spellings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"
#include "launch_spec.h"
#include "runtime_layout.h"

namespace gantry::plugins::kvm {

struct LaunchOptions {
  bool paused = false;       // -S: stopped until `cont`
  std::string incoming;      // "tcp:<ip>:<port>": migration target
  bool vhostNetUsable = false;  // /dev/vhost-net exists on this node
  bool daemonize = true;     // -daemonize: the launcher returns once qemu runs
};

/// The full argv; argv[0] is kvm_path. kInvalid for values the builder
/// cannot express (e.g. an unbalanced quote in kvm_extra).
sdk::Result<std::vector<std::string>> buildKvmArgv(const LaunchSpec& spec,
                                                   const InstancePaths& paths,
                                                   const LaunchOptions& options);

/// The tap device of NIC `index` (at most 15 characters, Linux's limit).
std::string tapName(const LaunchSpec& spec, std::size_t index);

/// qemu's option-value quoting: ',' becomes ',,'.
std::string qemuOptionValue(std::string_view value);

/// Splits kvm_extra into words the way a POSIX shell would (quotes,
/// backslashes), without running one. kInvalid on an unbalanced quote.
sdk::Result<std::vector<std::string>> splitWords(std::string_view text);

}  // namespace gantry::plugins::kvm
