#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orch/engine/chain_head.h"
#include "orch/engine/job_service.h"
#include "orch/engine/pipeline_options.h"
#include "orch/engine/queue_layout.h"
#include "orch/store/job_store.h"

namespace orch::engine {

/// Decides which jobs of the per-block pipeline to create (architecture.md §1):
///  - SnosRun for every block from the first unsettled one (at least min_block) up to the
///    node's latest block and max_block, within the look-ahead buffer; gaps are filled.
///  - ProofCreation, ProofRegistration (L3) and DataSubmission for each block whose predecessor
///    is Completed and which has none yet, oldest first.
///  - StateTransition strictly in block order with one in flight: once the latest one is
///    Completed, the next starts at the block after its last (the first at min_block) and
///    covers the following blocks whose DataSubmission is Completed too, up to
///    max_blocks_per_settlement blocks (settlement_range.h).
/// Failure is contained: a failed job only stops what depends on it (its successors, and for
/// settlement every later block); other blocks go on within the buffer.
/// Every run is idempotent (jobs are unique per type and block), so instances may run triggers
/// concurrently. Thread-safe.
class PipelineTriggers {
 public:
  PipelineTriggers(store::JobStore& store, JobService& jobs, ChainHead& chain, Layer layer,
                   PipelineOptions options);

  /// Runs every trigger of the layer once, in pipeline order. Returns the jobs created.
  Result<int> RunAll();

  /// Runs one trigger by the reference's name (TriggerNames). Errors: kInvalidArgument for
  /// other names.
  Result<int> RunByName(std::string_view name);

  /// Runs after `job` completed, whose commit already created the follow-ups FollowUpPlanner
  /// chose: makes the settlement decision a concurrent completion may have hidden from the
  /// planner (RunStateTransition after a DataSubmission or a StateTransition). Reads first and
  /// writes only when a settlement is due. Returns the jobs created.
  Result<int> RunAfterCompletion(const job::Job& job);

  Result<int> RunSnos();
  Result<int> RunSuccessor(job::JobType type);
  Result<int> RunStateTransition();

  /// The first block not yet settled: after the last block of the latest Completed
  /// StateTransition, at least min_block.
  Result<std::uint64_t> FirstUnsettledBlock();

 private:
  // Creates the jobs of `type` for `blocks` in one batch; returns how many were new.
  Result<int> CreateAll(job::JobType type, const std::vector<std::uint64_t>& blocks);

  store::JobStore& store_;
  JobService& jobs_;
  ChainHead& chain_;
  const Layer layer_;
  const PipelineOptions options_;
};

/// The names worker_trigger messages may carry on `layer`, in pipeline order: Snos, Proving,
/// ProofRegistration (L3), DataSubmission, UpdateState (setup schedules each of them).
std::vector<std::string_view> TriggerNames(Layer layer);

}  // namespace orch::engine
