// An instance creation in progress, recorded durably on the master before
// each of its disks is made: a master killed halfway finds the record when
// it starts again and undoes the creation, removing every disk it made and
// the instance from the config if it got there, so that nothing is left
// for the next `gnt-instance add` of the same name to trip over. A
// creation that ends, well or not, drops its record (a failure after the
// instance reached the config leaves it there, as Ganeti does).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

class CreationRecord {
 public:
  /// Starts the record of creating instance `name` (`uuid`) under the
  /// master's data dir. Throws util::FileWriteError.
  CreationRecord(const MasterServices& services, std::string name, std::string uuid);
  /// Drops the record unless keep() was called (a crash never gets here).
  ~CreationRecord();
  CreationRecord(const CreationRecord&) = delete;
  CreationRecord& operator=(const CreationRecord&) = delete;

  /// Notes, durably, that `disk` (a disk spec) is about to be created on
  /// `node` (its config object).
  void addDisk(const nlohmann::json& node, const nlohmann::json& disk);

  /// Where records live: <data dir>/instance-creations.
  static std::filesystem::path directory(const MasterServices& services);

 private:
  void write();

  std::filesystem::path path_;
  nlohmann::json record_;
};

/// Undoes every creation a previous master left unfinished; a record whose
/// disks could not all be removed (a node down) stays for the next start.
/// Returns the names of the instances undone.
std::vector<std::string> undoUnfinishedCreations(MasterServices& services);

}  // namespace gantry::daemon::master
