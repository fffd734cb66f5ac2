#pragma once

#include <cstdint>

#include "orch/job/job_metadata.h"
#include "orch/job/job_type.h"

namespace orch::testing {

/// The metadata of a StateTransition whose blocks end at `last`.
inline job::SpecificMetadata SettlementMetadata(std::uint64_t last) {
  job::StateUpdateMetadata update;
  update.context = {job::SettlementContext::Kind::kBlock, last, std::nullopt};
  return update;
}

/// The type-specific metadata of a per-block job of `type` for `block`, as the fake and
/// simulated handlers create it.
inline job::SpecificMetadata BlockMetadata(job::JobType type, std::uint64_t block) {
  switch (type) {
    case job::JobType::kSnosRun: {
      job::SnosMetadata snos;
      snos.snos_batch_index = block;
      snos.start_block = block;
      snos.end_block = block;
      snos.num_blocks = 1;
      return snos;
    }
    case job::JobType::kDataSubmission:
      return job::DaMetadata{.block_number = block};
    case job::JobType::kStateTransition:
      return SettlementMetadata(block);
    default:
      return job::ProvingMetadata{.block_number = block};
  }
}

}  // namespace orch::testing
