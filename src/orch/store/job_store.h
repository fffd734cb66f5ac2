#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/job/job.h"

namespace orch::store {

/// Selects jobs for ListJobs. Empty lists and unset fields match every job.
struct JobFilter {
  std::vector<job::JobType> types;
  std::vector<job::JobStatus> statuses;           // status IN (...)
  std::vector<job::JobStatus> excluded_statuses;  // status NOT IN (...)
  std::optional<std::uint64_t> min_internal_id;   // inclusive
  std::optional<std::uint64_t> max_internal_id;   // inclusive
  std::optional<std::string> orchestrator_version;
  std::optional<TimePoint> updated_before;  // updated_at < this
  std::optional<std::string> lease_owner;   // jobs leased by this instance
  bool newest_first = false;                // order by internal_id (then type) descending
  std::uint32_t limit = 1000;
};

/// Outcome of InsertIfAbsent: the stored job, and whether this call created it.
struct InsertOutcome {
  job::Job job;
  bool inserted = false;
};

/// Durable storage for jobs: the source of truth shared by every orchestrator instance.
///
/// Contract for every backend (tests/contract/job_store_contract.h):
///  - Exactly one job exists per (type, internal_id).
///  - UpdateJob is compare-and-set on `version`: of two racing writers exactly one wins; the
///    loser gets kConflict and nothing of its update is stored.
///  - Calls block until the database answers. Implementations are thread-safe.
/// Errors common to all methods: kUnavailable (database unreachable or busy; retry), kDataLoss
/// (a stored row does not parse), kInternal.
class JobStore {
 public:
  virtual ~JobStore() = default;

  /// Inserts `job` unless a job with its (type, internal_id) exists; returns the stored job
  /// either way. Idempotent: a retry after a lost answer finds the first insert.
  virtual Result<InsertOutcome> InsertIfAbsent(const job::Job& job) = 0;

  /// The job with this id, or kNotFound.
  virtual Result<job::Job> GetJob(std::string_view id) = 0;

  /// The job of `type` for `internal_id`, or nullopt.
  virtual Result<std::optional<job::Job>> FindJob(job::JobType type, std::uint64_t internal_id) = 0;

  /// Stores status, external id, metadata and lease of `job` if the stored version is
  /// `expected_version`; returns the stored job (version + 1, updated_at = now). Does not
  /// judge whether the status change is legal: callers ask job::NextStatus first.
  /// Errors: kNotFound, kConflict (the version moved on).
  virtual Result<job::Job> UpdateJob(const job::Job& job, std::int64_t expected_version) = 0;

  /// Jobs matching `filter`, ordered by internal_id (ascending unless newest_first).
  virtual Result<std::vector<job::Job>> ListJobs(const JobFilter& filter) = 0;

  /// Jobs of `type` in `status` with internal_id >= `min_internal_id` for which no job of
  /// `successor_type` with the same internal_id exists, oldest first, at most `limit`.
  /// `orchestrator_version`, if set, filters the predecessors.
  virtual Result<std::vector<job::Job>> JobsWithoutSuccessor(
      job::JobType type, job::JobStatus status, job::JobType successor_type,
      std::uint64_t min_internal_id, std::uint32_t limit,
      const std::optional<std::string>& orchestrator_version) = 0;

  /// LockedForProcessing jobs whose lease expired at or before `now`, soonest-expired first
  /// (only those hold a lease).
  virtual Result<std::vector<job::Job>> JobsWithExpiredLease(TimePoint now,
                                                             std::uint32_t limit) = 0;

  /// Number of jobs per (type, status); absent pairs have none.
  virtual Result<std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t>>
  CountJobsByTypeAndStatus() = 0;
};

/// The job of `type` with the highest internal_id, or nullopt.
Result<std::optional<job::Job>> LatestJobByType(
    JobStore& store, job::JobType type,
    const std::optional<std::string>& orchestrator_version = std::nullopt);

/// The job of `type` with the lowest internal_id whose status is not in `excluded`.
Result<std::optional<job::Job>> OldestJobByTypeExcludingStatuses(
    JobStore& store, job::JobType type, std::vector<job::JobStatus> excluded,
    const std::optional<std::string>& orchestrator_version = std::nullopt);

}  // namespace orch::store
