// Copies the job queue to the master candidates, so that whichever of them
// becomes master has every job (Ganeti's job queue replication). The job
// writer hands over what each batch made durable; one thread here sends
// it with jobqueue_update / jobqueue_rename. Changes that pile up while a
// round is in flight are merged (only the latest content of a file is
// sent), so the queue never waits for the network. A candidate that cannot
// be reached is skipped with a log line.
//
// A candidate this master has not brought up to date yet (it was just
// added or promoted, the master just started, or it missed a round) first
// gets a copy of the whole live queue and the serial, as Ganeti's queue
// does for a node it adds; only then does it follow batch by batch.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/jobs/job_writer.h"
#include "core/rpc/client.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

class QueueReplicator {
 public:
  explicit QueueReplicator(MasterServices& services);
  /// Sends what is pending, then stops.
  ~QueueReplicator();
  QueueReplicator(const QueueReplicator&) = delete;
  QueueReplicator& operator=(const QueueReplicator&) = delete;

  /// Queues the changes of one batch; never blocks on the network.
  void add(core::jobs::DurableQueueChanges changes);

 private:
  void run();
  void send(const std::map<std::string, std::string>& updates,
            const std::vector<std::pair<std::string, std::string>>& renames);
  /// Copies the serial and every live job file to `targets` (in parallel);
  /// returns the names of those that got all of it (the others are logged).
  std::set<std::string> copyWholeQueue(std::vector<core::rpc::NodeTarget> targets);

  MasterServices& services_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> updates_;
  std::vector<std::pair<std::string, std::string>> renames_;
  bool stop_ = false;
  std::set<std::string> in_step_;  // candidates that have every job (thread only)
  std::thread thread_;
};

}  // namespace gantry::daemon::master
