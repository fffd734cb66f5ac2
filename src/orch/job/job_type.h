#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "orch/common/result.h"

namespace orch::job {

/// The kinds of work the orchestrator does. Persisted as the variant name (upstream's spelling),
/// so the database and the HTTP API read the same as the reference implementation's.
enum class JobType : std::uint8_t {
  kSnosRun,
  kDataSubmission,
  kProofCreation,
  kProofRegistration,
  kStateTransition,
  kAggregator,
};

inline constexpr std::array<JobType, 6> kAllJobTypes = {
    JobType::kSnosRun,           JobType::kDataSubmission,  JobType::kProofCreation,
    JobType::kProofRegistration, JobType::kStateTransition, JobType::kAggregator,
};

/// "SnosRun", "DataSubmission", ...
std::string_view ToString(JobType type);
/// Exact, case-sensitive names as ToString returns them; anything else is kInvalidArgument.
Result<JobType> ParseJobType(std::string_view text);

}  // namespace orch::job
