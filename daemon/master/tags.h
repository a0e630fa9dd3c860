// Tags of the cluster, nodes, instances, node groups and networks, kept in
// config.data (each object's "tags" list) with Ganeti's rules: at most 128
// characters of [A-Za-z0-9_.+*/:@-], not empty, at most 4096 per object.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::daemon::master {

/// JSON pointer of the tags list of object `name` of `kind` ("cluster",
/// "node", "instance", "nodegroup", "network"); PrereqError "<Kind> '<n>'
/// not known" for an unknown name (unknown_entity).
std::string tagsPointer(const nlohmann::json& doc, const std::string& kind,
                        const std::string& name);

/// The object's tags (sorted).
std::vector<std::string> objectTags(const nlohmann::json& doc, const std::string& kind,
                                    const std::string& name);

/// Ganeti's TaggableObject.ValidateTag; throws the LUXI "TagError".
void validateTag(const std::string& tag);

inline constexpr std::size_t kMaxTagsPerObject = 4096;

}  // namespace gantry::daemon::master
