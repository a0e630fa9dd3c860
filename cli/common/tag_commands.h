// add-tags, list-tags and remove-tags of gnt-cluster, gnt-node and
// gnt-instance (Ganeti's cli tag helpers): tags from the arguments and,
// with --from, from a file (one per line, "-" for stdin); list-tags asks
// the master (QueryTags) and prints them sorted; search-tags (gnt-cluster)
// runs OP_TAGS_SEARCH.
#pragma once

#include <string>
#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli {

/// `kind`: "cluster", "node" or "instance". For the cluster the arguments
/// are all tags; otherwise the first names the object.
int addTags(const Invocation& inv, const std::string& kind);
int removeTags(const Invocation& inv, const std::string& kind);
int listTags(const Invocation& inv, const std::string& kind);
/// gnt-cluster search-tags PATTERN: "<path> <tag>" for every tag of every
/// object matching the regular expression, sorted; exit 1 when none does.
int searchTags(const Invocation& inv);

/// The three commands for a tool, ready for its command table.
std::vector<Command> tagCommands(const std::string& kind);

}  // namespace gantry::cli
