// The gnt-cluster commands, one file each.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/common/tool.h"

namespace gantry::cli::cluster {

int init(const Invocation& inv);
int info(const Invocation& inv);
int modify(const Invocation& inv);
int destroy(const Invocation& inv);
int masterFailover(const Invocation& inv);

/// Waits up to 30 s for a master daemon to answer on `socket`.
bool waitForMaster(const std::filesystem::path& socket);
int verify(const Invocation& inv);

/// gnt-cluster verify's options.
std::vector<OptionSpec> verifyOptions();

/// Options init and modify share (-H, -B, -N, --enabled-hypervisors, ...).
std::vector<OptionSpec> parameterOptions();
/// Those options as OP_CLUSTER_SET_PARAMS parameters (only the given ones).
nlohmann::json parametersFromOptions(const ParsedOptions& options);

}  // namespace gantry::cli::cluster
