#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "orch/common/result.h"

namespace orch::job {

/// Where a job is in its lifecycle (docs/job-lifecycle.md). Persisted as the variant name.
enum class JobStatus : std::uint8_t {
  kCreated,
  kLockedForProcessing,
  kPendingVerification,
  kCompleted,
  kVerificationTimeout,
  kVerificationFailed,
  kFailed,
  kPendingRetry,
};

inline constexpr std::array<JobStatus, 8> kAllJobStatuses = {
    JobStatus::kCreated,   JobStatus::kLockedForProcessing, JobStatus::kPendingVerification,
    JobStatus::kCompleted, JobStatus::kVerificationTimeout, JobStatus::kVerificationFailed,
    JobStatus::kFailed,    JobStatus::kPendingRetry,
};

/// "Created", "LockedForProcessing", ...
std::string_view ToString(JobStatus status);
/// Exact, case-sensitive names as ToString returns them; anything else is kInvalidArgument.
Result<JobStatus> ParseJobStatus(std::string_view text);

}  // namespace orch::job
