// The list commands of the query-based resources (gnt-node list,
// gnt-instance list): `-o` fields (with "+" to add to the defaults),
// names as a filter, --no-headers, --separator, --units; a field the
// master does not know is warned about and exits 14, as Ganeti does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli {

int listResource(const Invocation& inv, std::string_view resource,
                 const std::vector<std::string>& defaultFields);

/// `-o` text as fields: "a,b" as given, "+a,b" added to `defaults`.
std::vector<std::string> splitFieldList(const std::string& text,
                                        const std::vector<std::string>& defaults);

/// The options every such list command takes.
std::vector<OptionSpec> listOptions();

}  // namespace gantry::cli
