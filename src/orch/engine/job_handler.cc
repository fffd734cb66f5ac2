#include "orch/engine/job_handler.h"

namespace orch::engine {

HandlerLimits ApplyOverrides(HandlerLimits limits, const LimitOverrides& overrides) {
  limits.lease_duration = overrides.lease_duration.value_or(limits.lease_duration);
  limits.retry_base = overrides.retry_base.value_or(limits.retry_base);
  limits.retry_cap = overrides.retry_cap.value_or(limits.retry_cap);
  limits.retry_max_attempts = overrides.retry_max_attempts.value_or(limits.retry_max_attempts);
  return limits;
}

}  // namespace orch::engine
