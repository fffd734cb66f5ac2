#include "orch/engine/follow_up_planner.h"

namespace orch::engine {

using job::JobStatus;
using job::JobType;

std::optional<JobType> SuccessorOf(Layer layer, JobType type) {
  const std::vector<JobType> types = PipelineJobTypes(layer);
  for (std::size_t i = 0; i + 1 < types.size(); ++i) {
    if (types[i] == type) {
      return types[i + 1];
    }
  }
  return std::nullopt;
}

FollowUpPlanner::FollowUpPlanner(store::JobStore& store, ChainHead& chain, Layer layer,
                                 PipelineOptions options)
    : store_(store), chain_(chain), layer_(layer), options_(options) {}

bool FollowUpPlanner::InRange(std::uint64_t block) const {
  return block >= options_.min_block && (!options_.max_block || block <= *options_.max_block);
}

Result<std::vector<PlannedJob>> FollowUpPlanner::Plan(const job::Job& completing) {
  const std::uint64_t block = completing.internal_id;
  if (completing.type == JobType::kStateTransition) {
    return AfterSettlement(block);
  }
  const std::optional<JobType> successor = SuccessorOf(layer_, completing.type);
  if (!successor || !InRange(block)) {
    return std::vector<PlannedJob>{};
  }
  if (*successor != JobType::kStateTransition) {
    return std::vector<PlannedJob>{{*successor, block}};
  }
  // Settlement is strictly ordered: this block's turn comes when the latest StateTransition
  // is the previous block's and Completed (or when this is the first block).
  ORCH_ASSIGN_OR_RETURN(auto latest, store_.ListJobs({.types = {JobType::kStateTransition},
                                                      .min_internal_id = options_.min_block,
                                                      .newest_first = true,
                                                      .limit = 1}));
  const bool turn = latest.empty() ? block == options_.min_block
                                   : latest.front().internal_id + 1 == block &&
                                         latest.front().status == JobStatus::kCompleted;
  if (!turn) {
    return std::vector<PlannedJob>{};
  }
  return std::vector<PlannedJob>{{JobType::kStateTransition, block}};
}

Result<std::vector<PlannedJob>> FollowUpPlanner::AfterSettlement(std::uint64_t settled) {
  std::vector<PlannedJob> planned;
  const std::uint64_t next = settled + 1;
  if (InRange(next)) {
    const JobType parent = *PredecessorOf(layer_, JobType::kStateTransition);
    ORCH_ASSIGN_OR_RETURN(auto parent_job, store_.FindJob(parent, next));
    if (parent_job && parent_job->status == JobStatus::kCompleted) {
      planned.push_back({JobType::kStateTransition, next});
    }
  }
  // The look-ahead now ends at settled + buffer (PipelineTriggers::RunSnos). A node that cannot
  // be asked only postpones that run to the next trigger tick.
  const std::uint64_t admitted = settled + options_.snos_job_buffer_size;
  if (options_.snos_job_buffer_size > 0 && InRange(admitted)) {
    if (Result<std::uint64_t> latest = chain_.LatestBlock(); latest.ok() && admitted <= *latest) {
      planned.push_back({JobType::kSnosRun, admitted});
    }
  }
  return planned;
}

}  // namespace orch::engine
