// The `sharedfile` disk template (Ganeti's DT_SHARED_FILE): the `file`
// template's sparse raw files, kept in HostPaths::sharedFileStorageDir, a
// directory every node of the cluster sees (NFS, a cluster file system, or
// one common directory for all nodes of a virtual cluster). Ganeti runs the
// very same FileStorage code for both; so does this plugin.
//
// Because every node sees the same files, the master creates, grows and
// removes a disk on one node only (the primary) and can move the instance to
// any node without copying data (failover/migration "with shared storage").
// Nothing here has to know: each call acts on the path it is given.
#pragma once

#include "file_storage.h"

namespace gantry::plugins::sharedfile {

inline const file::FileStorageFlavor kSharedFileFlavor{
    "sharedfile", &sdk::HostPaths::sharedFileStorageDir, "shared file storage"};

class SharedFileStorage final : public file::FileStorage {
 public:
  /// `host` must outlive the object; null is refused (throws).
  explicit SharedFileStorage(sdk::Host* host) : FileStorage(host, kSharedFileFlavor) {}
};

}  // namespace gantry::plugins::sharedfile
