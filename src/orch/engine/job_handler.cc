#include "orch/engine/job_handler.h"

namespace orch::engine {

HandlerLimits ApplyOverrides(HandlerLimits limits, const LimitOverrides& overrides) {
  limits.lease_duration = overrides.lease_duration.value_or(limits.lease_duration);
  limits.retry_base = overrides.retry_base.value_or(limits.retry_base);
  limits.retry_cap = overrides.retry_cap.value_or(limits.retry_cap);
  limits.retry_max_attempts = overrides.retry_max_attempts.value_or(limits.retry_max_attempts);
  return limits;
}

Result<job::SpecificMetadata> JobHandler::CreateMetadataForBlocks(std::uint64_t internal_id,
                                                                  std::uint64_t last_block) {
  if (last_block != internal_id) {
    return Error::InvalidArgument("{} jobs cover one block each, not blocks {}..={}",
                                  job::ToString(type()), internal_id, last_block);
  }
  return CreateMetadata(internal_id);
}

}  // namespace orch::engine
