#include "orch/job/job_state_machine.h"

#include <gtest/gtest.h>

#include <set>

#include "orch/job/job_type.h"

namespace orch::job {
namespace {

using S = JobStatus;
using E = JobEvent;

// The complete transition table (spec/upstream-behaviour.md §2.5 with the lease and
// error-class changes of architecture.md §2). Every pair not listed here must be refused.
const std::set<std::pair<S, S>> kAllowedTransitions = {
    // process start
    {S::kCreated, S::kLockedForProcessing},
    {S::kVerificationFailed, S::kLockedForProcessing},
    {S::kPendingRetry, S::kLockedForProcessing},
    // handler OK
    {S::kLockedForProcessing, S::kPendingVerification},
    // transient failure or expired lease: back to where processing started
    {S::kLockedForProcessing, S::kCreated},
    {S::kLockedForProcessing, S::kVerificationFailed},
    {S::kLockedForProcessing, S::kPendingRetry},
    // permanent failure, or the DLQ
    {S::kLockedForProcessing, S::kFailed},
    // verification outcomes
    {S::kPendingVerification, S::kCompleted},
    {S::kVerificationTimeout, S::kCompleted},
    {S::kVerificationFailed, S::kCompleted},
    {S::kPendingVerification, S::kVerificationFailed},
    {S::kVerificationTimeout, S::kVerificationFailed},
    {S::kPendingVerification, S::kFailed},
    {S::kVerificationTimeout, S::kFailed},
    {S::kVerificationFailed, S::kFailed},
    {S::kPendingVerification, S::kVerificationTimeout},
    {S::kVerificationFailed, S::kVerificationTimeout},
    // DLQ from any status but Completed and Failed
    {S::kCreated, S::kFailed},
    {S::kPendingRetry, S::kFailed},
    // manual retry and manual verify
    {S::kFailed, S::kPendingRetry},
    {S::kVerificationTimeout, S::kPendingVerification},
    {S::kVerificationFailed, S::kPendingVerification},
    {S::kFailed, S::kPendingVerification},
};

TEST(JobStateMachineTest, EveryAllowedTransitionPassesAndEveryOtherIsRefused) {
  for (S from : kAllJobStatuses) {
    for (S to : kAllJobStatuses) {
      if (from == to) {
        continue;
      }
      EXPECT_EQ(IsAllowedTransition(from, to), kAllowedTransitions.contains({from, to}))
          << ToString(from) << " -> " << ToString(to);
    }
  }
}

struct EventCase {
  S from;
  E event;
  std::optional<S> previous;
  std::optional<S> expected;  // nullopt: refused
};

TEST(JobStateMachineTest, EventTable) {
  const std::vector<EventCase> cases = {
      {S::kCreated, E::kStartProcessing, {}, S::kLockedForProcessing},
      {S::kPendingRetry, E::kStartProcessing, {}, S::kLockedForProcessing},
      {S::kVerificationFailed, E::kStartProcessing, {}, S::kLockedForProcessing},
      {S::kLockedForProcessing, E::kStartProcessing, {}, {}},
      {S::kPendingVerification, E::kStartProcessing, {}, {}},
      {S::kCompleted, E::kStartProcessing, {}, {}},
      {S::kFailed, E::kStartProcessing, {}, {}},
      {S::kVerificationTimeout, E::kStartProcessing, {}, {}},
      {S::kLockedForProcessing, E::kProcessingSucceeded, {}, S::kPendingVerification},
      {S::kCreated, E::kProcessingSucceeded, {}, {}},
      {S::kLockedForProcessing, E::kProcessingFailedTransient, S::kPendingRetry, S::kPendingRetry},
      {S::kLockedForProcessing, E::kProcessingFailedTransient, {}, S::kCreated},
      {S::kLockedForProcessing, E::kProcessingFailedTransient, S::kCompleted, {}},
      {S::kLockedForProcessing, E::kLeaseExpired, S::kVerificationFailed, S::kVerificationFailed},
      {S::kPendingVerification, E::kLeaseExpired, S::kCreated, {}},
      {S::kLockedForProcessing, E::kProcessingFailedPermanent, {}, S::kFailed},
      {S::kCreated, E::kProcessingFailedPermanent, {}, {}},
      {S::kPendingVerification, E::kVerified, {}, S::kCompleted},
      {S::kVerificationTimeout, E::kVerified, {}, S::kCompleted},
      {S::kLockedForProcessing, E::kVerified, {}, {}},
      {S::kCompleted, E::kVerified, {}, {}},
      {S::kPendingVerification, E::kRejectedWithAttemptsLeft, {}, S::kVerificationFailed},
      {S::kPendingVerification, E::kRejectedAttemptsExhausted, {}, S::kFailed},
      {S::kPendingVerification, E::kVerificationTimedOut, {}, S::kVerificationTimeout},
      {S::kCreated, E::kVerificationTimedOut, {}, {}},
      {S::kLockedForProcessing, E::kDeadLettered, {}, S::kFailed},
      {S::kVerificationTimeout, E::kDeadLettered, {}, S::kFailed},
      {S::kCompleted, E::kDeadLettered, {}, {}},
      {S::kFailed, E::kDeadLettered, {}, {}},
      {S::kFailed, E::kManualRetry, {}, S::kPendingRetry},
      {S::kVerificationTimeout, E::kManualRetry, {}, {}},
      {S::kCompleted, E::kManualRetry, {}, {}},
      {S::kVerificationTimeout, E::kManualVerify, {}, S::kPendingVerification},
      {S::kPendingVerification, E::kManualVerify, {}, S::kPendingVerification},
      {S::kFailed, E::kManualVerify, {}, S::kPendingVerification},
      {S::kCompleted, E::kManualVerify, {}, {}},
      {S::kLockedForProcessing, E::kManualVerify, {}, {}},
      {S::kCreated, E::kManualVerify, {}, {}},
  };
  for (const EventCase& test : cases) {
    const Result<S> next = NextStatus(test.from, test.event, test.previous);
    const std::string label =
        std::string(ToString(test.from)) + " + " + std::string(ToString(test.event));
    if (test.expected) {
      ASSERT_TRUE(next.ok()) << label << ": " << next.error().ToString();
      EXPECT_EQ(*next, *test.expected) << label;
    } else {
      ASSERT_FALSE(next.ok()) << label << " should be refused, got " << ToString(*next);
      EXPECT_EQ(next.error().code(), ErrorCode::kFailedPrecondition) << label;
      EXPECT_FALSE(next.error().transient()) << label;
    }
  }
}

TEST(JobStatusTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (S status : kAllJobStatuses) {
    EXPECT_EQ(*ParseJobStatus(ToString(status)), status);
  }
  for (JobType type : kAllJobTypes) {
    EXPECT_EQ(*ParseJobType(ToString(type)), type);
  }
  EXPECT_FALSE(ParseJobStatus("completed").ok());
  EXPECT_FALSE(ParseJobStatus("Done").ok());
  EXPECT_FALSE(ParseJobType("snos_run").ok());
}

}  // namespace
}  // namespace orch::job
