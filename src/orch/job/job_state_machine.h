#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "orch/common/result.h"
#include "orch/job/job_status.h"

namespace orch::job {

/// Everything that can move a job from one status to another (docs/job-lifecycle.md).
enum class JobEvent : std::uint8_t {
  kStartProcessing,            // a worker claims the job (takes the lease)
  kProcessingSucceeded,        // the handler's process step returned
  kProcessingFailedTransient,  // transient handler error: back to where it was, retry later
  kProcessingFailedPermanent,  // permanent handler error: fail at once
  kLeaseExpired,               // the holder died or hung: the sweeper puts the job back
  kVerified,                   // the handler's verify step says done
  kRejectedWithAttemptsLeft,   // verify says the work is bad; process again
  kRejectedAttemptsExhausted,  // verify says bad and there are no process attempts left
  kVerificationTimedOut,       // still pending after the last verification attempt
  kDeadLettered,               // the queue gave up on the job's message
  kManualRetry,                // an operator retries a failed job
  kManualVerify,               // an operator asks for verification again
};

inline constexpr std::array<JobEvent, 12> kAllJobEvents = {
    JobEvent::kStartProcessing,
    JobEvent::kProcessingSucceeded,
    JobEvent::kProcessingFailedTransient,
    JobEvent::kProcessingFailedPermanent,
    JobEvent::kLeaseExpired,
    JobEvent::kVerified,
    JobEvent::kRejectedWithAttemptsLeft,
    JobEvent::kRejectedAttemptsExhausted,
    JobEvent::kVerificationTimedOut,
    JobEvent::kDeadLettered,
    JobEvent::kManualRetry,
    JobEvent::kManualVerify,
};

std::string_view ToString(JobEvent event);

/// The status a job in `from` moves to on `event`, or kFailedPrecondition when the event is
/// not allowed in that status. `previous` is the status the job had before it was locked for
/// processing (from its lease); it is used by the events that put a job back
/// (kProcessingFailedTransient, kLeaseExpired) and must be one of the statuses processing
/// starts from. Pure: no I/O, no clock. Thread-safe.
Result<JobStatus> NextStatus(JobStatus from, JobEvent event,
                             std::optional<JobStatus> previous = std::nullopt);

/// Whether any event moves a job from `from` to `to` (with from != to).
bool IsAllowedTransition(JobStatus from, JobStatus to);

/// The statuses processing may start from: Created, VerificationFailed, PendingRetry.
bool CanStartProcessing(JobStatus status);

}  // namespace orch::job
