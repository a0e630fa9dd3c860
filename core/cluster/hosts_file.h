// Name resolution of a root: the hosts file <root>/etc/hosts ("IP name
// [alias...]" lines, '#' comments), so that a virtual cluster resolves its
// node names without touching the system's resolver. Only this file is
// read: a name it lacks cannot be resolved.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::cluster {

/// <root>/etc/hosts.
std::filesystem::path hostsFilePath(const std::filesystem::path& root);

/// name (and alias) -> IP; the first line naming a host wins.
std::map<std::string, std::string> parseHosts(std::string_view text);

/// The IP of `name` in <root>/etc/hosts; kNotFound with Ganeti's text
/// "can't resolve hostname '<name>'".
sdk::Result<std::string> resolveHost(const std::filesystem::path& root,
                                     std::string_view name);

}  // namespace gantry::core::cluster
