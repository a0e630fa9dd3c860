// The master's answers to LUXI methods: job submission and control go to
// the job queue, queries to the query engine and the config.
#pragma once

#include "core/luxi/dispatch.h"
#include "daemon/master/master_services.h"

namespace gantry::core::jobs {
class JobQueue;
}

namespace gantry::daemon::master {

class LuxiMethods {
 public:
  LuxiMethods(MasterServices& services, core::jobs::JobQueue& queue);
  /// The RequestHandler for core::luxi::handleMessage.
  core::luxi::Json handle(core::luxi::Method method, const core::luxi::Request& request);

 private:
  /// QueryNodes / QueryInstances: [names, fields, use_locking] -> rows.
  core::luxi::Json classicQuery(const std::string& what, const core::luxi::Json& args);
  core::luxi::Json clusterInfo() const;
  core::luxi::Json configValues(const core::luxi::Json& names) const;

  MasterServices& services_;
  core::jobs::JobQueue& queue_;
  std::optional<double> watcherPause_;
};

}  // namespace gantry::daemon::master
