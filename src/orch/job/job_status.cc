#include "orch/job/job_status.h"

namespace orch::job {

std::string_view ToString(JobStatus status) {
  switch (status) {
    case JobStatus::kCreated:
      return "Created";
    case JobStatus::kLockedForProcessing:
      return "LockedForProcessing";
    case JobStatus::kPendingVerification:
      return "PendingVerification";
    case JobStatus::kCompleted:
      return "Completed";
    case JobStatus::kVerificationTimeout:
      return "VerificationTimeout";
    case JobStatus::kVerificationFailed:
      return "VerificationFailed";
    case JobStatus::kFailed:
      return "Failed";
    case JobStatus::kPendingRetry:
      return "PendingRetry";
  }
  ORCH_CHECK(false, "unknown JobStatus {}", static_cast<int>(status));
}

Result<JobStatus> ParseJobStatus(std::string_view text) {
  for (JobStatus status : kAllJobStatuses) {
    if (ToString(status) == text) {
      return status;
    }
  }
  return Error::InvalidArgument(
      "unknown job status '{}' (expected one of: Completed, Created, Failed, "
      "LockedForProcessing, PendingRetry, PendingVerification, VerificationFailed, "
      "VerificationTimeout)",
      text);
}

}  // namespace orch::job
