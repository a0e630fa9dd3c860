// gantry-noded's command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::daemon::node {

enum class Action {
  kServe,
  kPrintFingerprint,  // --print-fingerprint
  kPrintPublicKey,    // --print-public-key
  kCreateJoinToken,   // --create-join-token
  kHelp,
};

struct Options {
  Action action = Action::kServe;
  std::filesystem::path root = "/";  // --root, else $GANTRY_ROOT, else "/"
  std::string bindAddress;           // --bind (required to serve)
  /// A second --bind and more: further addresses served (the secondary).
  std::vector<std::string> extraBindAddresses;
  std::uint16_t port = 0;            // --port; 0: the default
  /// Plugin settings: --fake-memory etc. and --setting KEY=VALUE.
  std::map<std::string, std::string> settings;
  std::optional<std::filesystem::path> pidFile;  // --pidfile
  std::vector<std::filesystem::path> pluginPaths;  // --plugin-path, repeatable
  std::size_t workers = 8;                        // --workers
  std::optional<std::size_t> maxMessageBytes;     // --max-message-mib
  bool debug = false;                             // --debug
};

/// kInvalid with a one-line reason for bad or missing options.
sdk::Result<Options> parseOptions(int argc, char** argv);

const char* usageText();

}  // namespace gantry::daemon::node
