#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>

#include "orch/common/clock.h"
#include "orch/job/job_metadata.h"
#include "orch/job/job_status.h"
#include "orch/job/job_type.h"

namespace orch::job {

/// What the external service calls the work (a prover task id, a batch number...). The
/// reference stores a string or an integer; both round-trip. New jobs start with "".
using ExternalId = std::variant<std::string, std::int64_t>;

/// A claim on a job while one instance processes it. The job's status says what phase it is
/// in; the lease says who works on it and until when. An expired lease means the holder died
/// or hung: the sweeper puts the job back to `previous_status` and re-enqueues it.
struct Lease {
  std::string owner;  // instance id of the holder
  TimePoint expires_at;
  JobStatus previous_status = JobStatus::kCreated;  // where the job goes back to

  bool operator==(const Lease&) const = default;
};

/// One unit of work: a job type applied to an internal id (a block or batch number).
/// Exactly one job exists per (type, internal_id). A plain value; not synchronised.
struct Job {
  std::string id;  // UUID v4
  JobType type = JobType::kSnosRun;
  std::uint64_t internal_id = 0;  // at most INT64_MAX, like the reference
  JobStatus status = JobStatus::kCreated;
  ExternalId external_id = std::string();
  JobMetadata metadata;
  std::int64_t version = 0;  // +1 on every stored update; compare-and-set key
  std::optional<Lease> lease;
  TimePoint created_at;
  TimePoint updated_at;

  bool operator==(const Job&) const = default;
};

/// A job as first inserted: status Created, version 0, a new UUID, external id "".
Job NewJob(JobType type, std::uint64_t internal_id, JobMetadata metadata, TimePoint now);

nlohmann::json ExternalIdToJson(const ExternalId& external_id);
/// Accepts a JSON string or integer; anything else is kDataLoss.
Result<ExternalId> ParseExternalId(const nlohmann::json& json);
/// The external id as text: the string itself or the decimal integer.
std::string ExternalIdToString(const ExternalId& external_id);

/// The job as the HTTP API and `orchestrator` tooling show it: the reference's field names,
/// timestamps as Unix seconds.
nlohmann::json ToJson(const Job& job);

}  // namespace orch::job
