#pragma once

#include <cstdint>
#include <optional>

namespace orch::engine {

/// Which blocks the per-block pipeline covers and how far ahead of settlement it may run.
struct PipelineOptions {
  std::uint64_t min_block = 0;
  std::optional<std::uint64_t> max_block;
  /// How far ahead of settlement SNOS runs may go: SnosRun(N) exists only for
  /// N < first unsettled block + buffer.
  std::uint64_t snos_job_buffer_size = 50;
  /// One StateTransition settles at most this many consecutive blocks: every block from the
  /// first unsettled one whose DataSubmission is Completed when it is created, and no more than
  /// the StateTransition handler takes in one job (HandlerLimits::max_blocks_per_job).
  std::uint64_t max_blocks_per_settlement = 10;
  /// Per trigger run, at most this many jobs of one type are created.
  std::uint32_t max_jobs_per_run = 500;
};

}  // namespace orch::engine
