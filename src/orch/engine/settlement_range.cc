#include "orch/engine/settlement_range.h"

#include <algorithm>
#include <variant>

namespace orch::engine {

using job::JobStatus;
using job::JobType;

std::uint64_t LastBlockOf(const job::Job& job) {
  const auto* update = std::get_if<job::StateUpdateMetadata>(&job.metadata.specific);
  if (job.type != JobType::kStateTransition || update == nullptr ||
      update->context.kind != job::SettlementContext::Kind::kBlock) {
    return job.internal_id;
  }
  return std::max(job.internal_id, update->context.to_settle);
}

Result<std::optional<job::Job>> FindSettlementOf(store::JobStore& store, std::uint64_t block) {
  ORCH_ASSIGN_OR_RETURN(auto candidates, store.ListJobs({.types = {JobType::kStateTransition},
                                                         .max_internal_id = block,
                                                         .newest_first = true,
                                                         .limit = 1}));
  if (candidates.empty() || LastBlockOf(candidates.front()) < block) {
    return std::optional<job::Job>();
  }
  return std::optional<job::Job>(std::move(candidates.front()));
}

Result<std::optional<job::Job>> LatestSettlement(store::JobStore& store, std::uint64_t min_block) {
  ORCH_ASSIGN_OR_RETURN(auto latest, store.ListJobs({.types = {JobType::kStateTransition},
                                                     .min_internal_id = min_block,
                                                     .newest_first = true,
                                                     .limit = 1}));
  if (latest.empty()) {
    return std::optional<job::Job>();
  }
  return std::optional<job::Job>(std::move(latest.front()));
}

std::uint64_t LastAllowedInSettlement(const PipelineOptions& options, std::uint64_t first) {
  const std::uint64_t blocks = std::max<std::uint64_t>(options.max_blocks_per_settlement, 1);
  std::uint64_t last = first + blocks - 1;
  if (options.max_block) {
    last = std::min(last, *options.max_block);
  }
  return std::max(last, first);
}

Result<std::uint64_t> SettlementEnd(store::JobStore& store, JobType parent, std::uint64_t first,
                                    std::uint64_t last_allowed) {
  if (last_allowed <= first) {
    return first;
  }
  ORCH_ASSIGN_OR_RETURN(
      auto ready, store.ListJobs({.types = {parent},
                                  .statuses = {JobStatus::kCompleted},
                                  .min_internal_id = first + 1,
                                  .max_internal_id = last_allowed,
                                  .limit = static_cast<std::uint32_t>(last_allowed - first)}));
  std::uint64_t last = first;
  for (const job::Job& job : ready) {
    if (job.internal_id != last + 1) {
      break;
    }
    last = job.internal_id;
  }
  return last;
}

}  // namespace orch::engine
