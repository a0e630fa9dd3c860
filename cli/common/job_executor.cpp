#include "cli/common/job_executor.h"

#include <iostream>

#include "cli/common/master_client.h"
#include "core/luxi/cli_errors.h"
#include "core/luxi/errors.h"

namespace gantry::cli {
using core::luxi::Json;

namespace {

std::int64_t jobId(const Json& id) {
  return id.is_string() ? std::stoll(id.get<std::string>()) : id.get<std::int64_t>();
}

}  // namespace

std::vector<std::int64_t> submittedJobIds(const Json& submitted) {
  std::vector<std::int64_t> ids;
  for (const auto& job : submitted) {
    if (job.at(0).get<bool>()) ids.push_back(jobId(job.at(1)));
  }
  return ids;
}

int waitForSubmittedJobs(core::luxi::Client& client, const Json& submitted,
                         const std::vector<std::string>& names, std::ostream& out) {
  auto forName = [&](std::size_t i) {
    return i < names.size() ? " for " + names[i] : std::string();
  };
  int failures = 0;
  std::string idList;
  for (std::size_t i = 0; i < submitted.size(); ++i) {
    const Json& job = submitted[i];
    if (job.at(0).get<bool>()) {
      idList += (idList.empty() ? "" : ", ") + std::to_string(jobId(job.at(1)));
      continue;
    }
    std::cerr << "Failed to submit job" << forName(i) << ": "
              << (job.at(1).is_string() ? job.at(1).get<std::string>() : job.at(1).dump())
              << "\n";
    ++failures;
  }
  if (!idList.empty()) out << "Submitted jobs " << idList << "\n";
  for (std::size_t i = 0; i < submitted.size(); ++i) {
    if (!submitted[i].at(0).get<bool>()) continue;
    const std::int64_t id = jobId(submitted[i].at(1));
    out << "Waiting for job " << id << forName(i) << " ...\n" << std::flush;
    try {
      pollJob(client, id, out);
    } catch (const core::luxi::EncodedError& e) {
      out << std::flush;
      std::cerr << "Job " << id << forName(i)
                << " has failed: " << core::luxi::formatCliError(e).text << "\n";
      ++failures;
    }
  }
  return failures;
}

}  // namespace gantry::cli
