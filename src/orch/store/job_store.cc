#include "orch/store/job_store.h"

namespace orch::store {
namespace {

Result<std::optional<job::Job>> First(JobStore& store, const JobFilter& filter) {
  ORCH_ASSIGN_OR_RETURN(std::vector<job::Job> jobs, store.ListJobs(filter));
  if (jobs.empty()) {
    return std::optional<job::Job>();
  }
  return std::optional<job::Job>(std::move(jobs.front()));
}

}  // namespace

Result<std::optional<job::Job>> LatestJobByType(
    JobStore& store, job::JobType type, const std::optional<std::string>& orchestrator_version) {
  return First(store, {.types = {type},
                       .orchestrator_version = orchestrator_version,
                       .newest_first = true,
                       .limit = 1});
}

Result<std::optional<job::Job>> OldestJobByTypeExcludingStatuses(
    JobStore& store, job::JobType type, std::vector<job::JobStatus> excluded,
    const std::optional<std::string>& orchestrator_version) {
  return First(store, {.types = {type},
                       .excluded_statuses = std::move(excluded),
                       .orchestrator_version = orchestrator_version,
                       .limit = 1});
}

}  // namespace orch::store
