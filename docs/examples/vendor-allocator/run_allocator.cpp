// Runs an allocator plugin on a request file without a cluster:
//   run_allocator <plugin.so> <request.json> [--key[=value] ...]
// It checks the descriptor as the kernel does (ABI major, kind) before
// touching any C++ type in the plugin.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "gantry/sdk/host.h"
#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/plugin_abi.h"

namespace {

class ConsoleHost : public gantry::sdk::Host {
 public:
  void log(gantry::sdk::LogLevel, std::string_view message) override {
    std::cerr << message << "\n";
  }
  const gantry::sdk::HostPaths& paths() const override { return paths_; }
  gantry::sdk::Result<gantry::sdk::ProcessResult> runProcess(
      const gantry::sdk::ProcessRequest&) override {
    return gantry::sdk::Error{gantry::sdk::ErrorCode::kUnsupported, "no processes here"};
  }
  std::optional<std::string> setting(std::string_view) const override { return std::nullopt; }

 private:
  gantry::sdk::HostPaths paths_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s plugin.so request.json [--key[=value] ...]\n", argv[0]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
    return 1;
  }
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  if (!desc || desc->abi_major != GANTRY_SDK_ABI_MAJOR ||
      std::strcmp(desc->kind, gantry::sdk::InstanceAllocator::kKind) != 0) {
    std::fprintf(stderr, "%s is not an iallocator plugin for SDK ABI %d\n", argv[1],
                 GANTRY_SDK_ABI_MAJOR);
    return 1;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::ostringstream request;
  request << in.rdbuf();
  gantry::sdk::AllocatorOptions options;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) continue;
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      options[arg.substr(2)] = std::nullopt;
    } else {
      options[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
  }
  ConsoleHost host;
  auto* allocator = static_cast<gantry::sdk::InstanceAllocator*>(desc->create(&host));
  if (!allocator) {
    std::fprintf(stderr, "%s: create failed\n", desc->name);
    return 1;
  }
  auto answer = allocator->run(request.str(), options);
  desc->destroy(allocator);
  if (!answer.ok()) {
    std::cerr << "Error: " << answer.error().message << "\n";
    return 1;
  }
  std::cout << *answer << "\n";
  return 0;
}
