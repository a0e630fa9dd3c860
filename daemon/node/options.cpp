#include "daemon/node/options.h"

#include <cstdlib>
#include <string_view>

namespace gantry::daemon::node {

using sdk::Error;
using sdk::ErrorCode;

namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalid, std::move(message)};
}

std::optional<std::uint64_t> parseCount(std::string_view text,
                                        std::uint64_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

}  // namespace

const char* usageText() {
  return "Usage: gantry-noded --bind ADDR [--bind ADDR2] [--port N] [--root DIR]\n"
         "                    [--fake-memory SIZE] [--fake-cpus N]\n"
         "                    [--fake-node-memory SIZE] [--setting KEY=VALUE]...\n"
         "                    [--plugin-path DIR]... [--pidfile FILE]\n"
         "                    [--workers N] [--max-message-mib N] [--debug]\n"
         "       gantry-noded --print-fingerprint [--root DIR]\n"
         "       gantry-noded --print-public-key [--root DIR]\n"
         "       gantry-noded --create-join-token [--root DIR]\n";
}

sdk::Result<Options> parseOptions(int argc, char** argv) {
  Options options;
  if (const char* env = std::getenv("GANTRY_ROOT"); env != nullptr && *env) {
    options.root = env;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> sdk::Result<std::string> {
      if (i + 1 >= argc) return invalid("Option " + arg + " needs a value");
      return std::string(argv[++i]);
    };
    auto setting = [&](const char* key) -> sdk::Result<void> {
      auto v = value();
      if (!v) return std::move(v).error();
      options.settings[key] = *v;
      return sdk::ok();
    };
    sdk::Result<void> step;
    if (arg == "--root") {
      auto v = value();
      if (!v) return std::move(v).error();
      options.root = *v;
    } else if (arg == "--bind") {
      auto v = value();
      if (!v) return std::move(v).error();
      if (options.bindAddress.empty()) {
        options.bindAddress = *v;
      } else {
        options.extraBindAddresses.push_back(*v);
      }
    } else if (arg == "--port") {
      auto v = value();
      if (!v) return std::move(v).error();
      auto port = parseCount(*v, 65535);
      if (!port || *port == 0) return invalid("Invalid port '" + *v + "'");
      options.port = static_cast<std::uint16_t>(*port);
    } else if (arg == "--fake-memory") {
      step = setting("fake.memory");
    } else if (arg == "--fake-cpus") {
      step = setting("fake.cpus");
    } else if (arg == "--fake-node-memory") {
      step = setting("fake.node_memory");
    } else if (arg == "--setting") {
      auto v = value();
      if (!v) return std::move(v).error();
      const auto eq = v->find('=');
      if (eq == std::string::npos || eq == 0) {
        return invalid("--setting needs KEY=VALUE, not '" + *v + "'");
      }
      options.settings[v->substr(0, eq)] = v->substr(eq + 1);
    } else if (arg == "--pidfile") {
      auto v = value();
      if (!v) return std::move(v).error();
      options.pidFile = *v;
    } else if (arg == "--plugin-path") {
      auto v = value();
      if (!v) return std::move(v).error();
      options.pluginPaths.emplace_back(*v);
    } else if (arg == "--workers") {
      auto v = value();
      if (!v) return std::move(v).error();
      auto n = parseCount(*v, 256);
      if (!n || *n == 0) return invalid("Invalid worker count '" + *v + "'");
      options.workers = static_cast<std::size_t>(*n);
    } else if (arg == "--max-message-mib") {
      auto v = value();
      if (!v) return std::move(v).error();
      auto n = parseCount(*v, 1024);
      if (!n || *n == 0) return invalid("Invalid message size '" + *v + "'");
      options.maxMessageBytes = static_cast<std::size_t>(*n) << 20;
    } else if (arg == "--debug") {
      options.debug = true;
    } else if (arg == "--print-fingerprint") {
      options.action = Action::kPrintFingerprint;
    } else if (arg == "--print-public-key") {
      options.action = Action::kPrintPublicKey;
    } else if (arg == "--create-join-token") {
      options.action = Action::kCreateJoinToken;
    } else if (arg == "-h" || arg == "--help") {
      options.action = Action::kHelp;
    } else {
      return invalid("Unknown option '" + arg + "'");
    }
    if (!step) return std::move(step).error();
  }
  if (options.action == Action::kServe && options.bindAddress.empty()) {
    return invalid("--bind ADDR is required: the node's own IP address");
  }
  return options;
}

}  // namespace gantry::daemon::node
