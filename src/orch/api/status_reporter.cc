#include "orch/api/status_reporter.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "orch/common/strings.h"
#include "orch/engine/settlement_range.h"

namespace orch::api {
namespace {

using job::JobStatus;
using job::JobType;
using nlohmann::json;

// Enough for an operator to see where the trouble starts; blocked_total says how many more.
constexpr std::uint32_t kMaxBlockedListed = 50;

bool IsBlocking(JobStatus status) {
  return status == JobStatus::kFailed || status == JobStatus::kVerificationTimeout;
}

// What a blocking job at `block` holds up, in words: its successors in the pipeline for the
// same block, and (since blocks settle in order) the settlement of that block and all later.
std::string BlockedWork(engine::Layer layer, JobType type, std::uint64_t block) {
  const std::vector<JobType> pipeline = engine::PipelineJobTypes(layer);
  const auto position = std::ranges::find(pipeline, type);
  std::vector<std::string_view> successors;
  if (position != pipeline.end()) {
    for (auto it = std::next(position); it != pipeline.end(); ++it) {
      successors.push_back(job::ToString(*it));
    }
  }
  const std::string settlement = fmt::format("settlement of block {} and later", block);
  if (successors.empty()) {
    return settlement;
  }
  return fmt::format("{} of block {}; {}", JoinComma(successors), block, settlement);
}

json JobOrNull(const std::optional<job::Job>& job, TimePoint now) {
  if (!job) {
    return nullptr;
  }
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - job->created_at);
  return {{"id", job->id},
          {"internal_id", job->internal_id},
          {"status", job::ToString(job->status)},
          {"age_seconds", std::max<std::int64_t>(0, age.count())}};
}

Result<std::optional<job::Job>> First(store::JobStore& store, const store::JobFilter& filter) {
  ORCH_ASSIGN_OR_RETURN(std::vector<job::Job> jobs, store.ListJobs(filter));
  if (jobs.empty()) {
    return std::optional<job::Job>();
  }
  return std::optional<job::Job>(std::move(jobs.front()));
}

}  // namespace

StatusReporter::StatusReporter(store::JobStore& store, engine::ChainHead& chain, const Clock& clock,
                               engine::Layer layer)
    : store_(store), chain_(chain), clock_(clock), layer_(layer) {}

Result<json> StatusReporter::Report() {
  json report = json::object();
  report["layer"] = engine::ToString(layer_);

  std::optional<std::uint64_t> latest_block;
  Result<std::uint64_t> head = chain_.LatestBlock();
  if (head.ok()) {
    latest_block = *head;
    report["chain_latest_block"] = *head;
  } else {
    report["chain_latest_block"] = nullptr;
    report["chain_error"] = head.error().ToString();
  }

  ORCH_ASSIGN_OR_RETURN(const auto counts, store_.CountJobsByTypeAndStatus());
  const TimePoint now = clock_.Now();

  json job_types = json::array();
  for (JobType type : engine::PipelineJobTypes(layer_)) {
    json status_counts = json::object();
    std::int64_t completed = 0;
    std::int64_t unfinished = 0;
    for (JobStatus status : job::kAllJobStatuses) {
      const auto it = counts.find({type, status});
      if (it == counts.end() || it->second == 0) {
        continue;
      }
      status_counts[std::string(job::ToString(status))] = it->second;
      (status == JobStatus::kCompleted ? completed : unfinished) += it->second;
    }

    std::optional<job::Job> latest_completed;
    if (completed > 0) {
      ORCH_ASSIGN_OR_RETURN(latest_completed, First(store_, {.types = {type},
                                                             .statuses = {JobStatus::kCompleted},
                                                             .newest_first = true,
                                                             .limit = 1}));
    }
    std::optional<job::Job> oldest_unfinished;
    if (unfinished > 0) {
      ORCH_ASSIGN_OR_RETURN(
          oldest_unfinished,
          First(store_,
                {.types = {type}, .excluded_statuses = {JobStatus::kCompleted}, .limit = 1}));
    }

    json entry = json::object();
    entry["job_type"] = job::ToString(type);
    entry["latest_completed_block"] =
        latest_completed ? json(engine::LastBlockOf(*latest_completed)) : json(nullptr);
    entry["counts"] = std::move(status_counts);
    entry["oldest_unfinished"] = JobOrNull(oldest_unfinished, now);
    if (latest_block && latest_completed) {
      entry["block_lag"] = static_cast<std::int64_t>(*latest_block) -
                           static_cast<std::int64_t>(engine::LastBlockOf(*latest_completed));
    } else {
      entry["block_lag"] = nullptr;
    }
    job_types.push_back(std::move(entry));
  }
  report["job_types"] = std::move(job_types);

  std::int64_t blocked_total = 0;
  for (const auto& [key, count] : counts) {
    if (IsBlocking(key.second)) {
      blocked_total += count;
    }
  }
  json blocked = json::array();
  if (blocked_total > 0) {
    ORCH_ASSIGN_OR_RETURN(
        const std::vector<job::Job> jobs,
        store_.ListJobs({.statuses = {JobStatus::kFailed, JobStatus::kVerificationTimeout},
                         .limit = kMaxBlockedListed}));
    for (const job::Job& job : jobs) {
      const auto& reason = job.metadata.common.failure_reason;
      blocked.push_back({{"job_type", job::ToString(job.type)},
                         {"internal_id", job.internal_id},
                         {"id", job.id},
                         {"status", job::ToString(job.status)},
                         {"reason", reason ? json(*reason) : json(nullptr)},
                         {"updated_at", ToUnixSeconds(job.updated_at)},
                         {"blocks", BlockedWork(layer_, job.type, job.internal_id)}});
    }
  }
  report["blocked_total"] = blocked_total;
  report["blocked"] = std::move(blocked);
  return report;
}

}  // namespace orch::api
