// The "node" query resource (Query/QueryFields "node"; what `gnt-node
// list` asks for). Config fields come from config.data; live fields
// (memory, disk, CPUs) from a node_info call to every online node of the
// result, made only when a live field is asked for.
#pragma once

#include "core/query/engine.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

const core::query::Resource& nodeResource();

/// Runs a Query on "node". Throws luxi errors like any query.
core::query::Json queryNodes(MasterServices& services, const std::vector<std::string>& fields,
                             const core::query::Filter& filter);

/// The storage plugin kind that reports space for a disk template
/// ("file" for file, "plain" for plain and drbd, ...); empty for none.
std::string storageKindOfTemplate(const std::string& diskTemplate);

}  // namespace gantry::daemon::master
