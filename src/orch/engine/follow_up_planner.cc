#include "orch/engine/follow_up_planner.h"

#include <algorithm>

#include "orch/engine/settlement_range.h"

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
    return AfterSettlement(completing);
  }
  const std::optional<JobType> successor = SuccessorOf(layer_, completing.type);
  if (!successor || !InRange(block)) {
    return std::vector<PlannedJob>{};
  }
  if (*successor != JobType::kStateTransition) {
    return std::vector<PlannedJob>{{*successor, block}};
  }
  // Settlement is strictly ordered: this block's turn comes when the latest StateTransition
  // ends at the previous block and is Completed (or when this is the first block).
  ORCH_ASSIGN_OR_RETURN(auto latest, LatestSettlement(store_, options_.min_block));
  const bool turn =
      !latest ? block == options_.min_block
              : LastBlockOf(*latest) + 1 == block && latest->status == JobStatus::kCompleted;
  if (!turn) {
    return std::vector<PlannedJob>{};
  }
  ORCH_ASSIGN_OR_RETURN(PlannedJob settlement, SettlementFrom(block));
  return std::vector<PlannedJob>{settlement};
}

Result<PlannedJob> FollowUpPlanner::SettlementFrom(std::uint64_t first) {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t last,
                        SettlementEnd(store_, *PredecessorOf(layer_, JobType::kStateTransition),
                                      first, LastAllowedInSettlement(options_, first)));
  return PlannedJob{JobType::kStateTransition, first, last - first + 1};
}

Result<std::vector<PlannedJob>> FollowUpPlanner::AfterSettlement(const job::Job& settlement) {
  std::vector<PlannedJob> planned;
  const std::uint64_t last_settled = LastBlockOf(settlement);
  const std::uint64_t next = last_settled + 1;
  if (InRange(next)) {
    const JobType parent = *PredecessorOf(layer_, JobType::kStateTransition);
    ORCH_ASSIGN_OR_RETURN(auto parent_job, store_.FindJob(parent, next));
    if (parent_job && parent_job->status == JobStatus::kCompleted) {
      ORCH_ASSIGN_OR_RETURN(PlannedJob next_settlement, SettlementFrom(next));
      planned.push_back(next_settlement);
    }
  }
  // The look-ahead ended at internal_id + buffer - 1 and now ends at last_settled + buffer
  // (PipelineTriggers::RunSnos). A node that cannot be asked only postpones those runs to the
  // next trigger tick.
  const std::uint64_t buffer = options_.snos_job_buffer_size;
  if (buffer == 0) {
    return planned;
  }
  std::uint64_t last_admitted = last_settled + buffer;
  if (options_.max_block) {
    last_admitted = std::min(last_admitted, *options_.max_block);
  }
  const std::uint64_t first_admitted =
      std::max(settlement.internal_id + buffer, options_.min_block);
  if (first_admitted > last_admitted) {
    return planned;
  }
  Result<std::uint64_t> head = chain_.LatestBlock();
  if (!head.ok()) {
    return planned;
  }
  for (std::uint64_t block = first_admitted; block <= std::min(last_admitted, *head); ++block) {
    planned.push_back({JobType::kSnosRun, block});
  }
  return planned;
}

}  // namespace orch::engine
