#include "orch/engine/pipeline_triggers.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "orch/engine/settlement_range.h"

namespace orch::engine {

using job::JobStatus;
using job::JobType;

PipelineTriggers::PipelineTriggers(store::JobStore& store, JobService& jobs, ChainHead& chain,
                                   Layer layer, PipelineOptions options)
    : store_(store), jobs_(jobs), chain_(chain), layer_(layer), options_(options) {}

Result<std::uint64_t> PipelineTriggers::FirstUnsettledBlock() {
  ORCH_ASSIGN_OR_RETURN(auto settled, store_.ListJobs({.types = {JobType::kStateTransition},
                                                       .statuses = {JobStatus::kCompleted},
                                                       .min_internal_id = options_.min_block,
                                                       .newest_first = true,
                                                       .limit = 1}));
  if (settled.empty()) {
    return options_.min_block;
  }
  return std::max(options_.min_block, LastBlockOf(settled.front()) + 1);
}

Result<int> PipelineTriggers::RunSnos() {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t first, FirstUnsettledBlock());
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t latest, chain_.LatestBlock());
  std::uint64_t last = std::min(latest, first + options_.snos_job_buffer_size - 1);
  if (options_.max_block) {
    last = std::min(last, *options_.max_block);
  }
  if (options_.snos_job_buffer_size == 0 || last < first) {
    return 0;
  }
  ORCH_ASSIGN_OR_RETURN(auto existing,
                        store_.ListJobs({.types = {JobType::kSnosRun},
                                         .min_internal_id = first,
                                         .max_internal_id = last,
                                         .limit = static_cast<std::uint32_t>(last - first + 1)}));
  std::set<std::uint64_t> have;
  for (const job::Job& job : existing) {
    have.insert(job.internal_id);
  }
  std::vector<std::uint64_t> missing;
  for (std::uint64_t block = first; block <= last && missing.size() < options_.max_jobs_per_run;
       ++block) {
    if (!have.contains(block)) {
      missing.push_back(block);
    }
  }
  return CreateAll(JobType::kSnosRun, missing);
}

Result<int> PipelineTriggers::CreateAll(JobType type, const std::vector<std::uint64_t>& blocks) {
  if (blocks.empty()) {
    return 0;
  }
  ORCH_ASSIGN_OR_RETURN(auto outcomes, jobs_.CreateJobs(type, blocks));
  return static_cast<int>(std::count_if(outcomes.begin(), outcomes.end(),
                                        [](const auto& outcome) { return outcome.inserted; }));
}

Result<int> PipelineTriggers::RunSuccessor(JobType type) {
  const std::optional<JobType> predecessor = PredecessorOf(layer_, type);
  if (!predecessor || type == JobType::kStateTransition) {
    return Error::InvalidArgument("{} is not created from a predecessor on {}", job::ToString(type),
                                  ToString(layer_));
  }
  // Below the first unsettled block every job has its successors, so the scan starts there:
  // its cost stays bounded by the look-ahead instead of growing with the chain.
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t first, FirstUnsettledBlock());
  ORCH_ASSIGN_OR_RETURN(
      auto ready, store_.JobsWithoutSuccessor(*predecessor, JobStatus::kCompleted, type, first,
                                              options_.max_jobs_per_run, std::nullopt));
  std::vector<std::uint64_t> blocks;
  for (const job::Job& job : ready) {
    if (options_.max_block && job.internal_id > *options_.max_block) {
      break;
    }
    blocks.push_back(job.internal_id);
  }
  return CreateAll(type, blocks);
}

Result<int> PipelineTriggers::RunStateTransition() {
  ORCH_ASSIGN_OR_RETURN(auto latest, LatestSettlement(store_, options_.min_block));
  std::uint64_t next = options_.min_block;
  if (latest) {
    if (latest->status != JobStatus::kCompleted) {
      return 0;  // one settlement in flight; a failed one stops every later block
    }
    next = LastBlockOf(*latest) + 1;
  }
  if (options_.max_block && next > *options_.max_block) {
    return 0;
  }
  const JobType parent = *PredecessorOf(layer_, JobType::kStateTransition);
  ORCH_ASSIGN_OR_RETURN(auto parent_job, store_.FindJob(parent, next));
  if (!parent_job || parent_job->status != JobStatus::kCompleted) {
    return 0;
  }
  ORCH_ASSIGN_OR_RETURN(
      const std::uint64_t last,
      SettlementEnd(store_, parent, next, LastAllowedInSettlement(options_, next)));
  ORCH_ASSIGN_OR_RETURN(auto outcome, jobs_.CreateJob(JobType::kStateTransition, next, last));
  return outcome.inserted ? 1 : 0;
}

Result<int> PipelineTriggers::RunAfterCompletion(const job::Job& job) {
  if (job.type == JobType::kStateTransition ||
      PredecessorOf(layer_, JobType::kStateTransition) == job.type) {
    return RunStateTransition();
  }
  return 0;
}

Result<int> PipelineTriggers::RunAll() {
  int created = 0;
  for (JobType type : PipelineJobTypes(layer_)) {
    Result<int> run = type == JobType::kSnosRun           ? RunSnos()
                      : type == JobType::kStateTransition ? RunStateTransition()
                                                          : RunSuccessor(type);
    ORCH_RETURN_IF_ERROR(run);
    created += *run;
  }
  return created;
}

Result<int> PipelineTriggers::RunByName(std::string_view name) {
  if (name == "Snos") {
    return RunSnos();
  }
  if (name == "Proving") {
    return RunSuccessor(JobType::kProofCreation);
  }
  if (name == "ProofRegistration" && layer_ == Layer::kL3) {
    return RunSuccessor(JobType::kProofRegistration);
  }
  if (name == "DataSubmission") {
    return RunSuccessor(JobType::kDataSubmission);
  }
  if (name == "UpdateState") {
    return RunStateTransition();
  }
  return Error::InvalidArgument("unknown trigger '{}' on {} (known: {})", name, ToString(layer_),
                                fmt::join(TriggerNames(layer_), ", "));
}

std::vector<std::string_view> TriggerNames(Layer layer) {
  if (layer == Layer::kL3) {
    return {"Snos", "Proving", "ProofRegistration", "DataSubmission", "UpdateState"};
  }
  return {"Snos", "Proving", "DataSubmission", "UpdateState"};
}

}  // namespace orch::engine
