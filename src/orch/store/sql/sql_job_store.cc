#include "orch/store/sql/sql_job_store.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace orch::store {
namespace {

using sql::ParamList;
using sql::SqlDatabase;
using sql::SqlRow;
using sql::SqlSession;

constexpr std::string_view kColumns =
    "id, job_type, internal_id, status, external_id, metadata, version, lease_owner, "
    "lease_expires_at, lease_previous_status, created_at, updated_at";

Result<nlohmann::json> ParseJsonColumn(const std::string& text, std::string_view column) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Error::DataLoss("column {} holds invalid JSON", column);
  }
  return json;
}

Result<job::Job> JobFromRowUnchecked(const SqlRow& row) {
  job::Job job;
  ORCH_ASSIGN_OR_RETURN(job.id, sql::ColumnText(row, 0, "id"));
  ORCH_ASSIGN_OR_RETURN(std::string type, sql::ColumnText(row, 1, "job_type"));
  ORCH_ASSIGN_OR_RETURN(job.type, job::ParseJobType(type));
  ORCH_ASSIGN_OR_RETURN(std::int64_t internal_id, sql::ColumnInt64(row, 2, "internal_id"));
  job.internal_id = static_cast<std::uint64_t>(internal_id);
  ORCH_ASSIGN_OR_RETURN(std::string status, sql::ColumnText(row, 3, "status"));
  ORCH_ASSIGN_OR_RETURN(job.status, job::ParseJobStatus(status));
  ORCH_ASSIGN_OR_RETURN(std::string external_text, sql::ColumnText(row, 4, "external_id"));
  ORCH_ASSIGN_OR_RETURN(nlohmann::json external_json,
                        ParseJsonColumn(external_text, "external_id"));
  ORCH_ASSIGN_OR_RETURN(job.external_id, job::ParseExternalId(external_json));
  ORCH_ASSIGN_OR_RETURN(std::string metadata_text, sql::ColumnText(row, 5, "metadata"));
  ORCH_ASSIGN_OR_RETURN(nlohmann::json metadata_json, ParseJsonColumn(metadata_text, "metadata"));
  ORCH_ASSIGN_OR_RETURN(job.metadata, job::ParseJobMetadata(metadata_json));
  ORCH_ASSIGN_OR_RETURN(job.version, sql::ColumnInt64(row, 6, "version"));
  if (row.at(7)) {
    job::Lease lease;
    lease.owner = *row[7];
    ORCH_ASSIGN_OR_RETURN(std::int64_t expires, sql::ColumnInt64(row, 8, "lease_expires_at"));
    lease.expires_at = FromUnixMillis(expires);
    ORCH_ASSIGN_OR_RETURN(std::string previous, sql::ColumnText(row, 9, "lease_previous_status"));
    ORCH_ASSIGN_OR_RETURN(lease.previous_status, job::ParseJobStatus(previous));
    job.lease = std::move(lease);
  }
  ORCH_ASSIGN_OR_RETURN(std::int64_t created, sql::ColumnInt64(row, 10, "created_at"));
  ORCH_ASSIGN_OR_RETURN(std::int64_t updated, sql::ColumnInt64(row, 11, "updated_at"));
  job.created_at = FromUnixMillis(created);
  job.updated_at = FromUnixMillis(updated);
  return job;
}

// A row that does not parse is reported with its id, so an operator can find and fix it.
Result<job::Job> JobFromRow(const SqlRow& row) {
  Result<job::Job> job = JobFromRowUnchecked(row);
  if (!job.ok()) {
    const std::string id = !row.empty() && row[0] ? *row[0] : "?";
    return Error(ErrorCode::kDataLoss, fmt::format("job {}: {}", id, job.error().message()),
                 /*transient=*/false);
  }
  return job;
}

Result<void> CheckInternalId(std::uint64_t internal_id) {
  if (internal_id > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Error::InvalidArgument("internal_id {} is larger than the maximum {}", internal_id,
                                  std::numeric_limits<std::int64_t>::max());
  }
  return Ok();
}

std::string InList(ParamList& params, const std::vector<std::string_view>& values) {
  std::string list = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    list += (i == 0 ? "" : ", ") + params.Add(std::string(values[i]));
  }
  return list + ")";
}

template <typename Enum>
std::vector<std::string_view> Names(const std::vector<Enum>& values) {
  std::vector<std::string_view> names;
  for (Enum value : values) {
    names.push_back(ToString(value));
  }
  return names;
}

}  // namespace

SqlJobStore::SqlJobStore(sql::SqlDatabase& database, const Clock& clock)
    : database_(database), clock_(clock) {}

Result<std::vector<job::Job>> SqlJobStore::Select(const std::string& sql,
                                                  const std::vector<sql::SqlValue>& params) {
  std::vector<SqlRow> rows;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(rows, session.Query(sql, params));
        return Ok();
      }));
  std::vector<job::Job> jobs;
  jobs.reserve(rows.size());
  for (const SqlRow& row : rows) {
    ORCH_ASSIGN_OR_RETURN(job::Job job, JobFromRow(row));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<InsertOutcome> SqlJobStore::InsertIfAbsent(const job::Job& job) {
  InsertOutcome outcome;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(outcome, InsertIfAbsentIn(session, job));
        return Ok();
      }));
  return outcome;
}

Result<std::string> SqlJobStore::InsertIfAbsentStatement(ParamList& params, const job::Job& job,
                                                         std::string_view condition) const {
  ORCH_RETURN_IF_ERROR(CheckInternalId(job.internal_id));
  const std::string values = fmt::format(
      "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}", params.Add(job.id),
      params.Add(std::string(ToString(job.type))),
      params.Add(static_cast<std::int64_t>(job.internal_id)),
      params.Add(std::string(ToString(job.status))),
      params.Add(job::ExternalIdToJson(job.external_id).dump()),
      params.Add(job::ToJson(job.metadata).dump()), params.Add(job.version),
      params.Add(job.metadata.common.orchestrator_version),
      params.Add(job.lease ? sql::SqlValue(job.lease->owner) : sql::SqlValue(nullptr)),
      params.Add(job.lease ? sql::SqlValue(ToUnixMillis(job.lease->expires_at))
                           : sql::SqlValue(nullptr)),
      params.Add(job.lease ? sql::SqlValue(std::string(ToString(job.lease->previous_status)))
                           : sql::SqlValue(nullptr)),
      params.Add(ToUnixMillis(job.created_at)), params.Add(ToUnixMillis(job.updated_at)));
  return fmt::format(
      "INSERT INTO jobs (id, job_type, internal_id, status, external_id, metadata, version, "
      "orchestrator_version, lease_owner, lease_expires_at, lease_previous_status, "
      "created_at, updated_at) {} ON CONFLICT (job_type, internal_id) DO NOTHING",
      condition.empty() ? fmt::format("VALUES ({})", values)
                        : fmt::format("SELECT {} WHERE {}", values, condition));
}

Result<InsertOutcome> SqlJobStore::InsertIfAbsentIn(SqlSession& session, const job::Job& job) {
  InsertOutcome outcome;
  ParamList params(database_);
  ORCH_ASSIGN_OR_RETURN(const std::string insert, InsertIfAbsentStatement(params, job, ""));
  ORCH_ASSIGN_OR_RETURN(std::int64_t inserted, session.Execute(insert, params.values()));
  outcome.inserted = inserted == 1;
  if (outcome.inserted) {
    outcome.job = job;  // the row is what was written: no need to read it back
    return outcome;
  }
  ORCH_ASSIGN_OR_RETURN(outcome.job, ConflictingJobIn(session, job));
  return outcome;
}

Result<job::Job> SqlJobStore::ConflictingJobIn(SqlSession& session, const job::Job& job) {
  ParamList params(database_);
  const std::string select =
      fmt::format("SELECT {} FROM jobs WHERE job_type = {} AND internal_id = {}", kColumns,
                  params.Add(std::string(ToString(job.type))),
                  params.Add(static_cast<std::int64_t>(job.internal_id)));
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(select, params.values()));
  if (rows.size() != 1) {
    return Error::Internal("job {} {} vanished right after a conflicting insert",
                           ToString(job.type), job.internal_id);
  }
  return JobFromRow(rows[0]);
}

Result<job::Job> SqlJobStore::GetJob(std::string_view id) {
  ParamList params(database_);
  const std::string sql =
      fmt::format("SELECT {} FROM jobs WHERE id = {}", kColumns, params.Add(std::string(id)));
  ORCH_ASSIGN_OR_RETURN(auto jobs, Select(sql, params.values()));
  if (jobs.empty()) {
    return Error::NotFound("no job with id {}", id);
  }
  return std::move(jobs.front());
}

Result<job::Job> SqlJobStore::GetJobIn(SqlSession& session, std::string_view id) {
  ParamList params(database_);
  const std::string sql =
      fmt::format("SELECT {} FROM jobs WHERE id = {}", kColumns, params.Add(std::string(id)));
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(sql, params.values()));
  if (rows.empty()) {
    return Error::NotFound("no job with id {}", id);
  }
  return JobFromRow(rows.front());
}

Result<std::optional<job::Job>> SqlJobStore::FindJob(job::JobType type, std::uint64_t internal_id) {
  ORCH_RETURN_IF_ERROR(CheckInternalId(internal_id));
  ParamList params(database_);
  const std::string sql = fmt::format(
      "SELECT {} FROM jobs WHERE job_type = {} AND internal_id = {}", kColumns,
      params.Add(std::string(ToString(type))), params.Add(static_cast<std::int64_t>(internal_id)));
  ORCH_ASSIGN_OR_RETURN(auto jobs, Select(sql, params.values()));
  if (jobs.empty()) {
    return std::optional<job::Job>();
  }
  return std::optional<job::Job>(std::move(jobs.front()));
}

Result<job::Job> SqlJobStore::UpdateJob(const job::Job& job, std::int64_t expected_version) {
  job::Job stored;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(stored, UpdateJobIn(session, job, expected_version));
        return Ok();
      }));
  return stored;
}

job::Job SqlJobStore::AsUpdated(const job::Job& job, std::int64_t expected_version) const {
  job::Job stored = job;
  stored.version = expected_version + 1;
  stored.updated_at = clock_.Now();
  return stored;
}

std::string SqlJobStore::UpdateStatement(ParamList& params, const job::Job& stored,
                                         std::int64_t expected_version) const {
  return fmt::format(
      "UPDATE jobs SET status = {}, external_id = {}, metadata = {}, version = {}, "
      "lease_owner = {}, lease_expires_at = {}, lease_previous_status = {}, updated_at = {} "
      "WHERE id = {} AND version = {}",
      params.Add(std::string(ToString(stored.status))),
      params.Add(job::ExternalIdToJson(stored.external_id).dump()),
      params.Add(job::ToJson(stored.metadata).dump()), params.Add(stored.version),
      params.Add(stored.lease ? sql::SqlValue(stored.lease->owner) : sql::SqlValue(nullptr)),
      params.Add(stored.lease ? sql::SqlValue(ToUnixMillis(stored.lease->expires_at))
                              : sql::SqlValue(nullptr)),
      params.Add(stored.lease ? sql::SqlValue(std::string(ToString(stored.lease->previous_status)))
                              : sql::SqlValue(nullptr)),
      params.Add(ToUnixMillis(stored.updated_at)), params.Add(stored.id),
      params.Add(expected_version));
}

Error SqlJobStore::MissedUpdateIn(SqlSession& session, std::string_view id,
                                  std::int64_t expected_version) {
  ParamList params(database_);
  Result<std::vector<SqlRow>> rows = session.Query(
      fmt::format("SELECT version FROM jobs WHERE id = {}", params.Add(std::string(id))),
      params.values());
  if (!rows.ok()) {
    return rows.error();
  }
  if (rows->empty()) {
    return Error::NotFound("no job with id {}", id);
  }
  Result<std::int64_t> current = sql::ColumnInt64(rows->front(), 0, "version");
  if (!current.ok()) {
    return current.error();
  }
  return Error::Conflict("job {} is at version {}, not {}: another writer updated it", id, *current,
                         expected_version);
}

Result<job::Job> SqlJobStore::UpdateJobIn(SqlSession& session, const job::Job& job,
                                          std::int64_t expected_version) {
  job::Job stored = AsUpdated(job, expected_version);
  ParamList params(database_);
  const std::string update = UpdateStatement(params, stored, expected_version);
  ORCH_ASSIGN_OR_RETURN(std::int64_t changed, session.Execute(update, params.values()));
  if (changed == 1) {
    return stored;  // created_at is unchanged by the update: the caller's copy is right
  }
  return MissedUpdateIn(session, stored.id, expected_version);
}

Result<std::vector<job::Job>> SqlJobStore::ListJobs(const JobFilter& filter) {
  ParamList params(database_);
  // Naming every type when the filter names none lets the (job_type, ...) indexes serve
  // queries by status or by block (migration 0002).
  const std::vector<job::JobType> types =
      filter.types.empty()
          ? std::vector<job::JobType>(job::kAllJobTypes.begin(), job::kAllJobTypes.end())
          : filter.types;
  std::string where = "job_type IN " + InList(params, Names(types));
  if (!filter.statuses.empty()) {
    where += " AND status IN " + InList(params, Names(filter.statuses));
  }
  if (!filter.excluded_statuses.empty()) {
    where += " AND status NOT IN " + InList(params, Names(filter.excluded_statuses));
  }
  if (filter.min_internal_id) {
    ORCH_RETURN_IF_ERROR(CheckInternalId(*filter.min_internal_id));
    where +=
        " AND internal_id >= " + params.Add(static_cast<std::int64_t>(*filter.min_internal_id));
  }
  if (filter.max_internal_id) {
    const std::uint64_t max = std::min<std::uint64_t>(
        *filter.max_internal_id,
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    where += " AND internal_id <= " + params.Add(static_cast<std::int64_t>(max));
  }
  if (filter.orchestrator_version) {
    where += " AND orchestrator_version = " + params.Add(*filter.orchestrator_version);
  }
  if (filter.updated_before) {
    where += " AND updated_at < " + params.Add(ToUnixMillis(*filter.updated_before));
  }
  if (filter.lease_owner) {
    where += " AND lease_owner = " + params.Add(*filter.lease_owner);
  }
  const char* order = filter.newest_first ? "DESC" : "ASC";
  const std::string sql =
      fmt::format("SELECT {} FROM jobs WHERE {} ORDER BY internal_id {}, job_type {} LIMIT {}",
                  kColumns, where, order, order, params.Add(std::int64_t{filter.limit}));
  return Select(sql, params.values());
}

Result<std::vector<job::Job>> SqlJobStore::JobsWithoutSuccessor(
    job::JobType type, job::JobStatus status, job::JobType successor_type,
    std::uint64_t min_internal_id, std::uint32_t limit,
    const std::optional<std::string>& orchestrator_version) {
  ORCH_RETURN_IF_ERROR(CheckInternalId(min_internal_id));
  ParamList params(database_);
  std::string where = fmt::format("j.job_type = {} AND j.status = {} AND j.internal_id >= {}",
                                  params.Add(std::string(ToString(type))),
                                  params.Add(std::string(ToString(status))),
                                  params.Add(static_cast<std::int64_t>(min_internal_id)));
  if (orchestrator_version) {
    where += " AND j.orchestrator_version = " + params.Add(*orchestrator_version);
  }
  const std::string sql = fmt::format(
      "SELECT {} FROM jobs j WHERE {} AND NOT EXISTS (SELECT 1 FROM jobs s WHERE s.job_type = {} "
      "AND s.internal_id = j.internal_id) ORDER BY j.internal_id ASC LIMIT {}",
      "j.id, j.job_type, j.internal_id, j.status, j.external_id, j.metadata, j.version, "
      "j.lease_owner, j.lease_expires_at, j.lease_previous_status, j.created_at, j.updated_at",
      where, params.Add(std::string(ToString(successor_type))), params.Add(std::int64_t{limit}));
  return Select(sql, params.values());
}

Result<std::vector<job::Job>> SqlJobStore::JobsWithExpiredLease(TimePoint now,
                                                                std::uint32_t limit) {
  ParamList params(database_);
  const std::string sql = fmt::format(
      "SELECT {} FROM jobs WHERE job_type IN {} AND status = {} AND lease_expires_at IS NOT NULL "
      "AND lease_expires_at <= {} ORDER BY lease_expires_at ASC LIMIT {}",
      kColumns,
      InList(params,
             Names(std::vector<job::JobType>(job::kAllJobTypes.begin(), job::kAllJobTypes.end()))),
      params.Add(std::string(ToString(job::JobStatus::kLockedForProcessing))),
      params.Add(ToUnixMillis(now)), params.Add(std::int64_t{limit}));
  return Select(sql, params.values());
}

Result<std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t>>
SqlJobStore::CountJobsByTypeAndStatus() {
  std::vector<SqlRow> rows;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(
            rows, session.Query(
                      "SELECT job_type, status, COUNT(*) FROM jobs GROUP BY job_type, status", {}));
        return Ok();
      }));
  std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t> counts;
  for (const SqlRow& row : rows) {
    ORCH_ASSIGN_OR_RETURN(std::string type_text, sql::ColumnText(row, 0, "job_type"));
    ORCH_ASSIGN_OR_RETURN(std::string status_text, sql::ColumnText(row, 1, "status"));
    ORCH_ASSIGN_OR_RETURN(job::JobType type, job::ParseJobType(type_text));
    ORCH_ASSIGN_OR_RETURN(job::JobStatus status, job::ParseJobStatus(status_text));
    ORCH_ASSIGN_OR_RETURN(std::int64_t count, sql::ColumnInt64(row, 2, "count"));
    counts[{type, status}] = count;
  }
  return counts;
}

}  // namespace orch::store
