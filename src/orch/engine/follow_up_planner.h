#pragma once

#include <cstdint>
#include <vector>

#include "orch/common/result.h"
#include "orch/engine/chain_head.h"
#include "orch/engine/pipeline_options.h"
#include "orch/engine/queue_layout.h"
#include "orch/job/job.h"
#include "orch/store/job_store.h"

namespace orch::engine {

/// A job to create: its type and block.
struct PlannedJob {
  job::JobType type;
  std::uint64_t internal_id = 0;

  bool operator==(const PlannedJob&) const = default;
};

/// Decides which jobs the completion of a job allows, so that the commit that completes it
/// also creates them (architecture.md §1): the next stage of its block; StateTransition only
/// in its turn — for a DataSubmission's block once the previous block is settled, and after a
/// settlement for the next block once its DataSubmission is Completed; and after a settlement
/// the SnosRun of the block the look-ahead now admits, if the node has it. Gaps and blocks the
/// node reports later are the triggers' work.
/// The settlement decisions read the store before the completion commits, so two completions
/// committing at once may each miss the other's; PipelineTriggers::RunAfterCompletion, run
/// after the commit, closes that gap. Thread-safe if the store is.
class FollowUpPlanner {
 public:
  FollowUpPlanner(store::JobStore& store, ChainHead& chain, Layer layer, PipelineOptions options);

  /// The jobs that `completing` (about to become Completed) allows, within min/max block.
  Result<std::vector<PlannedJob>> Plan(const job::Job& completing);

 private:
  bool InRange(std::uint64_t block) const;
  // After settling `settled`: the next settlement and the SnosRun the look-ahead admits.
  Result<std::vector<PlannedJob>> AfterSettlement(std::uint64_t settled);

  store::JobStore& store_;
  ChainHead& chain_;
  const Layer layer_;
  const PipelineOptions options_;
};

/// The pipeline stage after `type` on `layer`, or nullopt for StateTransition.
std::optional<job::JobType> SuccessorOf(Layer layer, job::JobType type);

}  // namespace orch::engine
