#pragma once

#include <cstdint>
#include <optional>

#include "orch/common/result.h"
#include "orch/engine/pipeline_options.h"
#include "orch/job/job.h"
#include "orch/store/job_store.h"

namespace orch::engine {

// A StateTransition job settles the consecutive blocks internal_id..=context.to_settle (its
// settlement context names the block the contract reaches); every other job covers the one
// block of its internal_id. Settlements are created in block order and never overlap, so the
// internal id of a settlement is the block after the previous settlement's last.

/// The last block `job` covers.
std::uint64_t LastBlockOf(const job::Job& job);

/// The StateTransition whose range holds `block`, if one was created.
Result<std::optional<job::Job>> FindSettlementOf(store::JobStore& store, std::uint64_t block);

/// The latest StateTransition (the one with the highest blocks) at or after `min_block`.
Result<std::optional<job::Job>> LatestSettlement(store::JobStore& store, std::uint64_t min_block);

/// The last block a settlement starting at `first` may reach: max_blocks_per_settlement blocks
/// (at least one), not past max_block.
std::uint64_t LastAllowedInSettlement(const PipelineOptions& options, std::uint64_t first);

/// How far a settlement starting at `first` reaches when `first` is ready: through the run of
/// blocks after `first` whose `parent` job is Completed, up to `last_allowed`.
Result<std::uint64_t> SettlementEnd(store::JobStore& store, job::JobType parent,
                                    std::uint64_t first, std::uint64_t last_allowed);

}  // namespace orch::engine
