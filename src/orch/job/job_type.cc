#include "orch/job/job_type.h"

namespace orch::job {

std::string_view ToString(JobType type) {
  switch (type) {
    case JobType::kSnosRun:
      return "SnosRun";
    case JobType::kDataSubmission:
      return "DataSubmission";
    case JobType::kProofCreation:
      return "ProofCreation";
    case JobType::kProofRegistration:
      return "ProofRegistration";
    case JobType::kStateTransition:
      return "StateTransition";
    case JobType::kAggregator:
      return "Aggregator";
  }
  ORCH_CHECK(false, "unknown JobType {}", static_cast<int>(type));
}

Result<JobType> ParseJobType(std::string_view text) {
  for (JobType type : kAllJobTypes) {
    if (ToString(type) == text) {
      return type;
    }
  }
  return Error::InvalidArgument(
      "unknown job type '{}' (expected one of: Aggregator, DataSubmission, ProofCreation, "
      "ProofRegistration, SnosRun, StateTransition)",
      text);
}

}  // namespace orch::job
