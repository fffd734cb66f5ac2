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

/// A job to create: its type and the consecutive blocks it covers, from `internal_id`.
struct PlannedJob {
  job::JobType type;
  std::uint64_t internal_id = 0;
  std::uint64_t blocks = 1;

  std::uint64_t last_block() const { return internal_id + blocks - 1; }

  bool operator==(const PlannedJob&) const = default;
};

/// Decides which jobs the completion of a job allows, so that the commit that completes it
/// also creates them (architecture.md §1): the next stage of its block; StateTransition only
/// in its turn — from a DataSubmission's block once every earlier block is settled, and after a
/// settlement from the block after its last once that block's DataSubmission is Completed,
/// reaching as far as the following blocks' DataSubmissions are Completed (at most
/// max_blocks_per_settlement blocks); and after a settlement the SnosRuns of the blocks the
/// look-ahead now admits, if the node has them. Gaps and blocks the node reports later are the
/// triggers' work.
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
  // After `settlement` completes: the next settlement and the SnosRuns the look-ahead admits.
  Result<std::vector<PlannedJob>> AfterSettlement(const job::Job& settlement);
  // The settlement from `first`, whose DataSubmission is Completed or completing.
  Result<PlannedJob> SettlementFrom(std::uint64_t first);

  store::JobStore& store_;
  ChainHead& chain_;
  const Layer layer_;
  const PipelineOptions options_;
};

/// The pipeline stage after `type` on `layer`, or nullopt for StateTransition.
std::optional<job::JobType> SuccessorOf(Layer layer, job::JobType type);

}  // namespace orch::engine
