#pragma once

#include "orch/common/clock.h"
#include "orch/sql/sql_database.h"
#include "orch/store/job_store.h"

namespace orch::store {

/// JobStore over a SQL database (SQLite or PostgreSQL; schema in store/migrations/). The SQL is
/// shared, so both backends behave alike by construction; the contract suite checks it.
/// Columns: metadata and external_id hold JSON text; timestamps are Unix milliseconds; the
/// lease is three nullable columns. Thread-safe (the database is).
class SqlJobStore final : public JobStore {
 public:
  SqlJobStore(sql::SqlDatabase& database, const Clock& clock);

  // JobStore
  Result<InsertOutcome> InsertIfAbsent(const job::Job& job) override;
  Result<job::Job> GetJob(std::string_view id) override;
  Result<std::optional<job::Job>> FindJob(job::JobType type, std::uint64_t internal_id) override;
  Result<job::Job> UpdateJob(const job::Job& job, std::int64_t expected_version) override;
  Result<std::vector<job::Job>> ListJobs(const JobFilter& filter) override;
  Result<std::vector<job::Job>> JobsWithoutSuccessor(
      job::JobType type, job::JobStatus status, job::JobType successor_type,
      std::uint64_t min_internal_id, std::uint32_t limit,
      const std::optional<std::string>& orchestrator_version) override;
  Result<std::vector<job::Job>> JobsWithExpiredLease(TimePoint now, std::uint32_t limit) override;
  Result<std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t>> CountJobsByTypeAndStatus()
      override;

  /// The operations inside a caller's transaction, so that a job change and the queue
  /// messages it causes commit together (engine/sql_job_committer.h). Same semantics as above.
  Result<job::Job> GetJobIn(sql::SqlSession& session, std::string_view id);
  Result<InsertOutcome> InsertIfAbsentIn(sql::SqlSession& session, const job::Job& job);
  Result<job::Job> UpdateJobIn(sql::SqlSession& session, const job::Job& job,
                               std::int64_t expected_version);

  /// The same writes as statement text, for a caller that composes several into one
  /// statement (PostgreSQL's data-modifying WITH: engine/sql_job_committer.cc). Placeholders
  /// are added to `params`.
  /// The INSERT of InsertIfAbsentIn; with a `condition` (SQL), it inserts only where that holds.
  Result<std::string> InsertIfAbsentStatement(sql::ParamList& params, const job::Job& job,
                                              std::string_view condition) const;
  /// The job as UpdateJobIn stores it (next version, updated now), and the UPDATE that stores
  /// it, changing one row unless another writer was first.
  job::Job AsUpdated(const job::Job& job, std::int64_t expected_version) const;
  std::string UpdateStatement(sql::ParamList& params, const job::Job& stored,
                              std::int64_t expected_version) const;
  /// Why an UPDATE of `id` at `expected_version` changed nothing: kConflict naming the current
  /// version, or kNotFound.
  Error MissedUpdateIn(sql::SqlSession& session, std::string_view id,
                       std::int64_t expected_version);
  /// The stored job an insert of `job` conflicted with (same type and internal_id).
  Result<job::Job> ConflictingJobIn(sql::SqlSession& session, const job::Job& job);

 private:
  Result<std::vector<job::Job>> Select(const std::string& sql,
                                       const std::vector<sql::SqlValue>& params);

  sql::SqlDatabase& database_;
  const Clock& clock_;
};

}  // namespace orch::store
