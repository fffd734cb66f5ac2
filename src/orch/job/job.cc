#include "orch/job/job.h"

#include <nlohmann/json.hpp>

#include "orch/common/uuid.h"

namespace orch::job {

Job NewJob(JobType type, std::uint64_t internal_id, JobMetadata metadata, TimePoint now) {
  Job job;
  job.id = NewTimeOrderedUuid(now);
  job.type = type;
  job.internal_id = internal_id;
  job.status = JobStatus::kCreated;
  job.external_id = std::string();
  job.metadata = std::move(metadata);
  job.version = 0;
  job.created_at = now;
  job.updated_at = now;
  return job;
}

nlohmann::json ExternalIdToJson(const ExternalId& external_id) {
  return std::visit([](const auto& value) { return nlohmann::json(value); }, external_id);
}

Result<ExternalId> ParseExternalId(const nlohmann::json& json) {
  if (json.is_string()) {
    return ExternalId(json.get<std::string>());
  }
  if (json.is_number_integer()) {
    return ExternalId(json.get<std::int64_t>());
  }
  return Error::DataLoss("external_id: expected a string or an integer, got {}", json.dump());
}

std::string ExternalIdToString(const ExternalId& external_id) {
  if (const auto* text = std::get_if<std::string>(&external_id)) {
    return *text;
  }
  return std::to_string(std::get<std::int64_t>(external_id));
}

nlohmann::json ToJson(const Job& job) {
  return {
      {"id", job.id},
      {"internal_id", job.internal_id},
      {"job_type", ToString(job.type)},
      {"status", ToString(job.status)},
      {"external_id", ExternalIdToJson(job.external_id)},
      {"metadata", ToJson(job.metadata)},
      {"version", job.version},
      {"created_at", ToUnixSeconds(job.created_at)},
      {"updated_at", ToUnixSeconds(job.updated_at)},
  };
}

}  // namespace orch::job
