// Cluster verify's check of the replicated files (Ganeti's
// LUClusterVerifyGroup._VerifyFiles): every file the master keeps in step
// must exist, with one checksum, on exactly the nodes that should hold it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "daemon/master/cluster/verify/verify_report.h"

namespace gantry::daemon::master::verify {

/// One replicated file: its name in the data dir ("ssconf_master_node",
/// "config.data"), the path shown in messages, and whether only master
/// candidates (and the master) hold it.
struct ReplicatedFile {
  std::string name;
  std::string shownPath;
  bool candidatesOnly = false;
};

/// One node's answer: {name: sha1} (nodes without an answer are left out
/// by the caller after reporting ENODEFILECHECK).
struct NodeFiles {
  std::string node;
  bool candidate = false;  // master candidate or the master
  const nlohmann::json* checksums = nullptr;
};

/// Reports ECLUSTERFILECHECK findings ("is missing from node(s)",
/// "should not exist on node(s)", "found with <n> different checksums").
void checkFiles(Reporter& reporter, const std::vector<ReplicatedFile>& files,
                const std::vector<NodeFiles>& nodes);

}  // namespace gantry::daemon::master::verify
