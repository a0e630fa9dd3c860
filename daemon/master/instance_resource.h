// The "instance" query resource (Query/QueryFields "instance"; what
// `gnt-instance list` asks for). Config fields come from config.data; the
// live fields (oper_state, oper_ram, oper_vcpus, status) from one
// all_instances_info call per online node, made only when asked for.
#pragma once

#include "core/query/engine.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

const core::query::Resource& instanceResource();

/// Runs a Query on "instance". Throws luxi errors like any query.
core::query::Json queryInstances(MasterServices& services, const std::vector<std::string>& fields,
                                 const core::query::Filter& filter);

}  // namespace gantry::daemon::master
