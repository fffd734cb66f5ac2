#include "orch/job/job_state_machine.h"

namespace orch::job {
namespace {

bool IsAwaitingVerification(JobStatus status) {
  return status == JobStatus::kPendingVerification || status == JobStatus::kVerificationTimeout ||
         status == JobStatus::kVerificationFailed;
}

Error Refused(JobStatus from, JobEvent event) {
  return Error::FailedPrecondition("a job in status {} cannot take event {}", ToString(from),
                                   ToString(event));
}

}  // namespace

std::string_view ToString(JobEvent event) {
  switch (event) {
    case JobEvent::kStartProcessing:
      return "StartProcessing";
    case JobEvent::kProcessingSucceeded:
      return "ProcessingSucceeded";
    case JobEvent::kProcessingFailedTransient:
      return "ProcessingFailedTransient";
    case JobEvent::kProcessingFailedPermanent:
      return "ProcessingFailedPermanent";
    case JobEvent::kLeaseExpired:
      return "LeaseExpired";
    case JobEvent::kVerified:
      return "Verified";
    case JobEvent::kRejectedWithAttemptsLeft:
      return "RejectedWithAttemptsLeft";
    case JobEvent::kRejectedAttemptsExhausted:
      return "RejectedAttemptsExhausted";
    case JobEvent::kVerificationTimedOut:
      return "VerificationTimedOut";
    case JobEvent::kDeadLettered:
      return "DeadLettered";
    case JobEvent::kManualRetry:
      return "ManualRetry";
    case JobEvent::kManualVerify:
      return "ManualVerify";
  }
  ORCH_CHECK(false, "unknown JobEvent {}", static_cast<int>(event));
}

bool CanStartProcessing(JobStatus status) {
  return status == JobStatus::kCreated || status == JobStatus::kVerificationFailed ||
         status == JobStatus::kPendingRetry;
}

Result<JobStatus> NextStatus(JobStatus from, JobEvent event, std::optional<JobStatus> previous) {
  switch (event) {
    case JobEvent::kStartProcessing:
      if (CanStartProcessing(from)) {
        return JobStatus::kLockedForProcessing;
      }
      return Refused(from, event);
    case JobEvent::kProcessingSucceeded:
      if (from == JobStatus::kLockedForProcessing) {
        return JobStatus::kPendingVerification;
      }
      return Refused(from, event);
    case JobEvent::kProcessingFailedTransient:
    case JobEvent::kLeaseExpired: {
      if (from != JobStatus::kLockedForProcessing) {
        return Refused(from, event);
      }
      const JobStatus back = previous.value_or(JobStatus::kCreated);
      if (!CanStartProcessing(back)) {
        return Error::FailedPrecondition(
            "a locked job cannot go back to {}: processing never starts from there",
            ToString(back));
      }
      return back;
    }
    case JobEvent::kProcessingFailedPermanent:
      if (from == JobStatus::kLockedForProcessing) {
        return JobStatus::kFailed;
      }
      return Refused(from, event);
    case JobEvent::kVerified:
      if (IsAwaitingVerification(from)) {
        return JobStatus::kCompleted;
      }
      return Refused(from, event);
    case JobEvent::kRejectedWithAttemptsLeft:
      if (IsAwaitingVerification(from)) {
        return JobStatus::kVerificationFailed;
      }
      return Refused(from, event);
    case JobEvent::kRejectedAttemptsExhausted:
      if (IsAwaitingVerification(from)) {
        return JobStatus::kFailed;
      }
      return Refused(from, event);
    case JobEvent::kVerificationTimedOut:
      if (IsAwaitingVerification(from)) {
        return JobStatus::kVerificationTimeout;
      }
      return Refused(from, event);
    case JobEvent::kDeadLettered:
      if (from != JobStatus::kCompleted && from != JobStatus::kFailed) {
        return JobStatus::kFailed;
      }
      return Refused(from, event);
    case JobEvent::kManualRetry:
      if (from == JobStatus::kFailed) {
        return JobStatus::kPendingRetry;
      }
      return Refused(from, event);
    case JobEvent::kManualVerify:
      // Unlike the reference, which resets any status: a Completed job stays completed, and a
      // job someone is processing (or has never processed) has nothing to verify yet.
      if (IsAwaitingVerification(from) || from == JobStatus::kFailed) {
        return JobStatus::kPendingVerification;
      }
      return Refused(from, event);
  }
  ORCH_CHECK(false, "unknown JobEvent {}", static_cast<int>(event));
}

bool IsAllowedTransition(JobStatus from, JobStatus to) {
  if (from == to) {
    return false;
  }
  for (JobEvent event : kAllJobEvents) {
    for (JobStatus previous : kAllJobStatuses) {
      const Result<JobStatus> next = NextStatus(from, event, previous);
      if (next.ok() && *next == to) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace orch::job
