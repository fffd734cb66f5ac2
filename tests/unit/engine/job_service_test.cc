#include "orch/engine/job_service.h"

#include "tests/unit/engine/engine_harness.h"

namespace orch::testing {
namespace {

using job::JobStatus;
using job::JobType;

class JobServiceTest : public EngineHarness {
 protected:
  job::Job Create(JobType type, std::uint64_t block) {
    auto outcome = service_->CreateJob(type, block);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    EXPECT_TRUE(outcome->inserted);
    return outcome->job;
  }
};

TEST_F(JobServiceTest, HappyPathGoesFromCreatedToCompleted) {
  const job::Job created = Create(JobType::kSnosRun, 7);
  EXPECT_EQ(created.status, JobStatus::kCreated);
  EXPECT_EQ(created.metadata.common.orchestrator_version, "0.1.0");
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kSnosRun)), 1u);

  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  job::Job processed = Reload(created);
  EXPECT_EQ(processed.status, JobStatus::kPendingVerification);
  EXPECT_EQ(processed.external_id, job::ExternalId(std::string("task-7")));
  EXPECT_FALSE(processed.lease.has_value());
  EXPECT_EQ(processed.metadata.common.process_attempt_no, 1u);
  EXPECT_TRUE(processed.metadata.common.process_started_at.has_value());
  EXPECT_TRUE(processed.metadata.common.process_completed_at.has_value());
  EXPECT_EQ(processed.version, 2) << "one update to lock, one to complete";

  // Verification waits for the handler's polling delay.
  EXPECT_FALSE(Verify(JobType::kSnosRun).has_value());
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kSnosRun)));
  const job::Job done = Reload(created);
  EXPECT_EQ(done.status, JobStatus::kCompleted);
  EXPECT_EQ(done.metadata.common.verification_attempt_no, 1u);
  EXPECT_TRUE(done.metadata.common.verification_completed_at.has_value());
  EXPECT_TRUE(alerter_.alerts().empty());
}

TEST_F(JobServiceTest, CreatingTwiceCreatesAndEnqueuesOnce) {
  Create(JobType::kSnosRun, 1);
  auto again = service_->CreateJob(JobType::kSnosRun, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->inserted);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kSnosRun)), 1u);
}

TEST_F(JobServiceTest, TransientErrorsRetryWithExponentialBackoffThenFail) {
  const job::Job created = Create(JobType::kProofCreation, 3);
  for (int i = 0; i < 4; ++i) {
    Handler(JobType::kProofCreation).ScriptProcess(3, Error::Unavailable("prover down"));
  }
  const std::vector<milliseconds> expected_delays = {seconds(1), seconds(2), seconds(4)};
  for (std::size_t attempt = 0; attempt < expected_delays.size(); ++attempt) {
    auto outcome = Process(JobType::kProofCreation);
    ASSERT_TRUE(outcome.has_value()) << "attempt " << attempt;
    EXPECT_EQ(outcome->action, engine::MessageOutcome::Action::kSettled)
        << "the retry is a new delayed message, sent with the failure";
    const job::Job after = Reload(created);
    EXPECT_EQ(after.status, JobStatus::kCreated) << "back where processing started";
    EXPECT_FALSE(after.lease.has_value());
    EXPECT_EQ(after.metadata.common.process_retry_attempt_no, attempt + 1);
    EXPECT_NE(after.metadata.common.failure_reason->find("prover down"), std::string::npos);
    clock_.Advance(expected_delays[attempt] - milliseconds(1));
    EXPECT_FALSE(Process(JobType::kProofCreation).has_value()) << "not before the backoff";
    clock_.Advance(milliseconds(1));
  }
  // The fourth transient failure exhausts retry_max_attempts: the job fails, with one alert.
  ASSERT_TRUE(Handled(Process(JobType::kProofCreation)));
  const job::Job failed = Reload(created);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.metadata.common.previous_failure_reasons.size(), 3u);
  ASSERT_EQ(alerter_.alerts().size(), 1u);
  EXPECT_NE(alerter_.alerts()[0].message.find("Job Failed Alert"), std::string::npos);
  EXPECT_EQ(Handler(JobType::kProofCreation).ProcessCalls(3), 4);
}

// Operator settings (`--retry-policy`) replace the handler's defaults.
TEST_F(JobServiceTest, LimitOverridesReplaceTheHandlersBackoff) {
  engine::JobService service(*store_, *queue_, *committer_, alerter_, registry_, *layout_, clock_,
                             observer_,
                             {.instance_id = "overridden",
                              .limit_overrides = {{JobType::kProofCreation,
                                                   {.lease_duration = seconds(42),
                                                    .retry_base = seconds(5),
                                                    .retry_cap = seconds(7),
                                                    .retry_max_attempts = 3}}}});
  ASSERT_TRUE(service.CreateJob(JobType::kProofCreation, 9).ok());
  for (int i = 0; i < 3; ++i) {
    Handler(JobType::kProofCreation).ScriptProcess(9, Error::Unavailable("prover down"));
  }
  const std::string queue_name = layout_->ProcessingQueue(JobType::kProofCreation);
  const auto process_next = [&] {
    auto messages = queue_->Receive(queue_name, 1, milliseconds(0));
    if (!messages.ok() || messages->empty()) {
      return false;
    }
    auto outcome =
        service.ProcessJob(*engine::ParseJobMessage(messages->front().body),
                           engine::DeliveredMessage{queue_name, messages->front().receipt});
    EXPECT_TRUE(outcome.ok());
    return true;
  };
  for (milliseconds delay : {seconds(5), seconds(7)}) {  // base, then capped at 7 (not 10)
    ASSERT_TRUE(process_next());
    clock_.Advance(delay - milliseconds(1));
    EXPECT_FALSE(process_next()) << "not before " << delay.count() << " ms";
    clock_.Advance(milliseconds(1));
  }
  Handler(JobType::kProofCreation).ScriptProcess(9, Error::Unavailable("prover down"));
  ASSERT_TRUE(process_next());
  auto job = store_->FindJob(JobType::kProofCreation, 9);
  EXPECT_EQ((*job)->status, JobStatus::kFailed) << "three attempts in all, not the handler's four";
}

TEST_F(JobServiceTest, PermanentErrorFailsAtOnceWithOneAlert) {
  const job::Job created = Create(JobType::kSnosRun, 4);
  Handler(JobType::kSnosRun).ScriptProcess(4, Error::InvalidArgument("corrupt PIE"));
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  const job::Job failed = Reload(created);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_NE(failed.metadata.common.failure_reason->find("corrupt PIE"), std::string::npos);
  EXPECT_EQ(alerter_.alerts().size(), 1u);
  clock_.Advance(seconds(600));
  EXPECT_FALSE(Process(JobType::kSnosRun).has_value()) << "nothing is retried";
}

TEST_F(JobServiceTest, RejectedVerificationReprocessesThenFails) {
  const job::Job created = Create(JobType::kStateTransition, 5);
  Handler(JobType::kStateTransition).ScriptVerify(5, engine::Verification::Rejected("reverted"));
  Handler(JobType::kStateTransition).ScriptVerify(5, engine::Verification::Rejected("again"));
  ASSERT_TRUE(Handled(Process(JobType::kStateTransition)));
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kStateTransition)));
  EXPECT_EQ(Reload(created).status, JobStatus::kVerificationFailed);
  // Re-processed at once (process attempt 2 of max 2).
  ASSERT_TRUE(Handled(Process(JobType::kStateTransition)));
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kStateTransition)));
  const job::Job failed = Reload(created);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_NE(failed.metadata.common.failure_reason->find("Max process attempts reached: 2"),
            std::string::npos);
  EXPECT_EQ(Handler(JobType::kStateTransition).ProcessCalls(5), 2);
  EXPECT_EQ(alerter_.alerts().size(), 1u);
}

TEST_F(JobServiceTest, PendingVerificationTimesOutAfterMaxAttempts) {
  const job::Job created = Create(JobType::kProofCreation, 6);
  for (int i = 0; i < 3; ++i) {
    Handler(JobType::kProofCreation).ScriptVerify(6, engine::Verification::Pending());
  }
  ASSERT_TRUE(Handled(Process(JobType::kProofCreation)));
  for (int poll = 1; poll <= 3; ++poll) {
    clock_.Advance(seconds(30));
    ASSERT_TRUE(Verify(JobType::kProofCreation).has_value()) << "poll " << poll;
  }
  const job::Job timed_out = Reload(created);
  EXPECT_EQ(timed_out.status, JobStatus::kVerificationTimeout);
  EXPECT_EQ(timed_out.metadata.common.verification_attempt_no, 3u);
  ASSERT_EQ(alerter_.alerts().size(), 1u);
  EXPECT_NE(alerter_.alerts()[0].message.find("Verification Timeout"), std::string::npos);
  clock_.Advance(seconds(30));
  EXPECT_FALSE(Verify(JobType::kProofCreation).has_value()) << "no more polling";

  // An operator asks again: the budget starts afresh and the job completes.
  ASSERT_TRUE(service_->QueueForVerification(created.id, /*immediately=*/true).ok());
  ASSERT_TRUE(Handled(Verify(JobType::kProofCreation)));
  EXPECT_EQ(Reload(created).status, JobStatus::kCompleted);
}

TEST_F(JobServiceTest, DeadLetteredJobFailsButACompletedOneStays) {
  const job::Job stuck = Create(JobType::kSnosRun, 8);
  const job::Job done = Create(JobType::kSnosRun, 9);
  ASSERT_TRUE(Process(JobType::kSnosRun).has_value());
  ASSERT_TRUE(Process(JobType::kSnosRun).has_value());
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Verify(JobType::kSnosRun).has_value());
  ASSERT_TRUE(Verify(JobType::kSnosRun).has_value());
  job::Job stuck_now = Reload(stuck);
  stuck_now.status = JobStatus::kPendingVerification;  // as if its verification kept failing
  ASSERT_TRUE(store_->UpdateJob(stuck_now, stuck_now.version).ok());

  ASSERT_TRUE(Handled(*service_->HandleDeadLetter(stuck.id)));
  ASSERT_TRUE(Handled(*service_->HandleDeadLetter(done.id)));
  EXPECT_EQ(Reload(stuck).status, JobStatus::kFailed);
  EXPECT_NE(Reload(stuck).metadata.common.failure_reason->find("DLQ"), std::string::npos);
  EXPECT_EQ(Reload(done).status, JobStatus::kCompleted);
  EXPECT_EQ(alerter_.alerts().size(), 1u);
}

TEST_F(JobServiceTest, ManualRetryOnlyFromFailed) {
  const job::Job created = Create(JobType::kSnosRun, 10);
  auto refused = service_->RetryJob(created.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);

  Handler(JobType::kSnosRun).ScriptProcess(10, Error::InvalidArgument("bad"));
  ASSERT_TRUE(Process(JobType::kSnosRun).has_value());
  ASSERT_EQ(Reload(created).status, JobStatus::kFailed);

  auto retried = service_->RetryJob(created.id);
  ASSERT_TRUE(retried.ok()) << retried.error().ToString();
  EXPECT_EQ(retried->status, JobStatus::kPendingRetry);
  EXPECT_EQ(retried->metadata.common.process_attempt_no, 0u);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);

  auto unknown = service_->RetryJob("00000000-0000-4000-8000-000000000000");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_F(JobServiceTest, ExpiredLeaseIsHealedBackToItsPreviousStatus) {
  const job::Job created = Create(JobType::kSnosRun, 11);
  // Another instance claimed the job and died.
  job::Job claimed = created;
  claimed.status = JobStatus::kLockedForProcessing;
  claimed.lease = job::Lease{"dead-instance", clock_.Now() + seconds(300), JobStatus::kCreated};
  ASSERT_TRUE(store_->UpdateJob(claimed, created.version).ok());

  // While the lease lives, a duplicate message does nothing.
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ(Handler(JobType::kSnosRun).ProcessCalls(11), 0);
  EXPECT_EQ(Reload(created).status, JobStatus::kLockedForProcessing);

  clock_.Advance(seconds(301));
  auto expired = store_->JobsWithExpiredLease(clock_.Now(), 10);
  ASSERT_EQ(expired->size(), 1u);
  ASSERT_TRUE(*service_->HealExpiredLease(expired->front()));
  EXPECT_EQ(Reload(created).status, JobStatus::kCreated);
  EXPECT_FALSE(*service_->HealExpiredLease(expired->front())) << "a second healer loses";

  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);
  EXPECT_EQ(Handler(JobType::kSnosRun).ProcessCalls(11), 1);
}

TEST_F(JobServiceTest, JobsWhoseMessageWasLostAreRequeued) {
  const job::Job created = Create(JobType::kSnosRun, 12);
  // The message is lost (e.g. the process died between storing and sending).
  auto lost = queue_->Receive(layout_->ProcessingQueue(JobType::kSnosRun), 1, milliseconds(0));
  ASSERT_EQ(lost->size(), 1u);
  ASSERT_TRUE(queue_->Ack(layout_->ProcessingQueue(JobType::kSnosRun), lost->front().receipt).ok());

  EXPECT_EQ(*service_->RequeueStalledJobs(seconds(60)), 0) << "not stale yet";
  clock_.Advance(TestLimits().retry_cap + seconds(61));
  EXPECT_EQ(*service_->RequeueStalledJobs(seconds(60)), 1);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);
}

TEST_F(JobServiceTest, ReceivingAProcessingMessageClaimsItsJobInTheSameCommit) {
  const job::Job created = Create(JobType::kSnosRun, 7);
  const std::string queue = layout_->ProcessingQueue(JobType::kSnosRun);
  auto received = service_->ReceiveForProcessing(queue, 1, milliseconds(0));
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  ASSERT_EQ(received->size(), 1u);
  const engine::ReceivedMessage& item = received->front();
  ASSERT_TRUE(item.claimed.has_value());
  EXPECT_EQ(item.claimed->status, JobStatus::kLockedForProcessing);
  EXPECT_EQ(item.claimed->lease->owner, "test-instance");
  EXPECT_EQ(Reload(created).status, JobStatus::kLockedForProcessing);
  EXPECT_FALSE(queue_->ApproximateAgeOfOldestMessage(queue)->has_value())
      << "the message was acknowledged with the claim";

  auto outcome = service_->ProcessReceived(item, {queue, item.message.receipt});
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(outcome->action, engine::MessageOutcome::Action::kSettled);
  const job::Job processed = Reload(created);
  EXPECT_EQ(processed.status, JobStatus::kPendingVerification);
  EXPECT_EQ(processed.version, 2) << "one commit to receive and claim, one to finish";
  EXPECT_EQ(processed.metadata.common.process_attempt_no, 1u);
  const std::vector<TransitionRecorder::Transition> expected = {
      {JobType::kSnosRun, JobStatus::kCreated, JobStatus::kLockedForProcessing},
      {JobType::kSnosRun, JobStatus::kLockedForProcessing, JobStatus::kPendingVerification}};
  EXPECT_EQ(observer_.transitions(), expected);
}

TEST_F(JobServiceTest, AReceivedMessageWhoseJobIsNotProcessableIsDropped) {
  const job::Job created = Create(JobType::kSnosRun, 8);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  ASSERT_TRUE(service_->QueueForProcessing(created.id).ok());  // a duplicate message
  const std::string queue = layout_->ProcessingQueue(JobType::kSnosRun);
  auto received = service_->ReceiveForProcessing(queue, 1, milliseconds(0));
  ASSERT_TRUE(received.ok());
  ASSERT_EQ(received->size(), 1u);
  EXPECT_FALSE(received->front().claimed.has_value());
  auto outcome =
      service_->ProcessReceived(received->front(), {queue, received->front().message.receipt});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->action, engine::MessageOutcome::Action::kAck);
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);
  EXPECT_EQ(Handler(JobType::kSnosRun).ProcessCalls(8), 1);
}

TEST_F(JobServiceTest, MalformedAndUnknownMessagesAreDropped) {
  EXPECT_FALSE(engine::ParseJobMessage("not json").ok());
  EXPECT_FALSE(engine::ParseJobMessage(R"({"id": "nope"})").ok());
  auto unknown = service_->ProcessJob("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->action, engine::MessageOutcome::Action::kAck);
}

// A handler whose verification polling delay is zero is verified by the worker that processed
// it, while it still holds the lease: one commit instead of a queue round trip and two.
class ZeroPollingDelayTest : public JobServiceTest {
 protected:
  engine::HandlerLimits HandlerLimitsForTest() const override {
    engine::HandlerLimits limits = TestLimits();
    limits.verification_polling_delay = milliseconds(0);
    return limits;
  }
};

using Transition = TransitionRecorder::Transition;

TEST_F(ZeroPollingDelayTest, TheWorkerThatProcessedAJobVerifiesItInTheSameCommit) {
  const job::Job created = Create(JobType::kSnosRun, 7);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  const job::Job done = Reload(created);
  EXPECT_EQ(done.status, JobStatus::kCompleted);
  EXPECT_EQ(done.version, 2) << "one update to lock, one to complete";
  EXPECT_EQ(done.external_id, job::ExternalId(std::string("task-7")));
  EXPECT_FALSE(done.lease.has_value());
  EXPECT_EQ(done.metadata.common.verification_attempt_no, 1u);
  EXPECT_TRUE(done.metadata.common.process_completed_at.has_value());
  EXPECT_TRUE(done.metadata.common.verification_completed_at.has_value());
  EXPECT_EQ(Visible(layout_->VerificationQueue(JobType::kSnosRun)), 0u);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kSnosRun)), 0u);
  const std::vector<Transition> expected = {
      {JobType::kSnosRun, JobStatus::kCreated, JobStatus::kLockedForProcessing},
      {JobType::kSnosRun, JobStatus::kLockedForProcessing, JobStatus::kPendingVerification},
      {JobType::kSnosRun, JobStatus::kPendingVerification, JobStatus::kCompleted}};
  EXPECT_EQ(observer_.transitions(), expected) << "metrics see the step the commit skipped";
}

TEST_F(ZeroPollingDelayTest, APendingOutcomeIsPolledThroughTheVerificationQueue) {
  const job::Job created = Create(JobType::kProofCreation, 3);
  Handler(JobType::kProofCreation).ScriptVerify(3, engine::Verification::Pending());
  ASSERT_TRUE(Handled(Process(JobType::kProofCreation)));
  job::Job pending = Reload(created);
  EXPECT_EQ(pending.status, JobStatus::kPendingVerification);
  EXPECT_EQ(pending.metadata.common.verification_attempt_no, 1u) << "the inline check counts";
  EXPECT_FALSE(pending.lease.has_value());
  ASSERT_EQ(Visible(layout_->VerificationQueue(JobType::kProofCreation)), 1u);

  ASSERT_TRUE(Handled(Verify(JobType::kProofCreation)));
  const job::Job done = Reload(created);
  EXPECT_EQ(done.status, JobStatus::kCompleted);
  EXPECT_EQ(done.metadata.common.verification_attempt_no, 2u);
}

TEST_F(ZeroPollingDelayTest, ATransientVerificationErrorLeavesTheJobToTheVerificationQueue) {
  const job::Job created = Create(JobType::kDataSubmission, 4);
  Handler(JobType::kDataSubmission).ScriptVerify(4, Error::Unavailable("node down"));
  ASSERT_TRUE(Handled(Process(JobType::kDataSubmission)));
  EXPECT_EQ(Reload(created).status, JobStatus::kPendingVerification);
  EXPECT_EQ(Handler(JobType::kDataSubmission).ProcessCalls(4), 1);
  ASSERT_TRUE(Handled(Verify(JobType::kDataSubmission)));
  EXPECT_EQ(Reload(created).status, JobStatus::kCompleted);
  EXPECT_EQ(Handler(JobType::kDataSubmission).ProcessCalls(4), 1) << "not processed again";
}

TEST_F(ZeroPollingDelayTest, ARejectionReprocessesThenFailsWithOneAlert) {
  const job::Job created = Create(JobType::kStateTransition, 5);
  Handler(JobType::kStateTransition).ScriptVerify(5, engine::Verification::Rejected("reverted"));
  Handler(JobType::kStateTransition).ScriptVerify(5, engine::Verification::Rejected("again"));
  ASSERT_TRUE(Handled(Process(JobType::kStateTransition)));
  EXPECT_EQ(Reload(created).status, JobStatus::kVerificationFailed);
  ASSERT_TRUE(Handled(Process(JobType::kStateTransition)));
  const job::Job failed = Reload(created);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_NE(failed.metadata.common.failure_reason->find("Max process attempts reached: 2"),
            std::string::npos);
  EXPECT_EQ(Handler(JobType::kStateTransition).ProcessCalls(5), 2);
  EXPECT_EQ(alerter_.alerts().size(), 1u);
  EXPECT_FALSE(Process(JobType::kStateTransition).has_value());
  EXPECT_FALSE(Verify(JobType::kStateTransition).has_value());
}

class FollowUpsOnCompletionTest : public JobServiceTest {
 protected:
  bool CreateFollowUpsOnCompletion() const override { return true; }
};

TEST_F(FollowUpsOnCompletionTest, TheCommitThatCompletesAJobCreatesItsFollowUp) {
  const job::Job created = Create(JobType::kSnosRun, 7);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_FALSE(store_->FindJob(JobType::kProofCreation, 7)->has_value()) << "not before";
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kSnosRun)));
  EXPECT_EQ(Reload(created).status, JobStatus::kCompleted);
  const auto follow_up = store_->FindJob(JobType::kProofCreation, 7);
  ASSERT_TRUE(follow_up->has_value());
  EXPECT_EQ((*follow_up)->status, JobStatus::kCreated);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kProofCreation)), 1u);
  ASSERT_TRUE(Handled(Process(JobType::kProofCreation)));
  EXPECT_EQ(Reload(**follow_up).status, JobStatus::kPendingVerification);
}

TEST_F(FollowUpsOnCompletionTest, AFailedVerificationCreatesNothing) {
  Create(JobType::kSnosRun, 8);
  Handler(JobType::kSnosRun).ScriptVerify(8, engine::Verification::Rejected("bad"));
  Handler(JobType::kSnosRun).ScriptVerify(8, engine::Verification::Rejected("bad again"));
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kSnosRun)));
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  clock_.Advance(seconds(30));
  ASSERT_TRUE(Handled(Verify(JobType::kSnosRun)));
  EXPECT_EQ((*store_->FindJob(JobType::kSnosRun, 8))->status, JobStatus::kFailed);
  EXPECT_FALSE(store_->FindJob(JobType::kProofCreation, 8)->has_value());
}

// The worker that completes a job runs the next stage of its block itself when a processing
// slot of that type is free: the completing commit creates it claimed, without a message.
class ChainedFollowUpsTest : public ZeroPollingDelayTest {
 protected:
  bool CreateFollowUpsOnCompletion() const override { return true; }
  bool ChainFollowUps() const override { return true; }
};

TEST_F(ChainedFollowUpsTest, TheWorkerThatCompletesAJobRunsTheNextStageOfItsBlock) {
  const job::Job snos = Create(JobType::kSnosRun, 1);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));

  EXPECT_EQ(Reload(snos).status, JobStatus::kCompleted);
  for (JobType type :
       {JobType::kProofCreation, JobType::kDataSubmission, JobType::kStateTransition}) {
    const auto job = store_->FindJob(type, 1);
    ASSERT_TRUE(job->has_value()) << job::ToString(type);
    EXPECT_EQ((*job)->status, JobStatus::kCompleted) << job::ToString(type);
    EXPECT_EQ((*job)->version, 1) << job::ToString(type) << ": created claimed, then completed";
    EXPECT_EQ(Handler(type).ProcessCalls(1), 1) << job::ToString(type);
    EXPECT_EQ(Visible(layout_->ProcessingQueue(type)), 0u) << job::ToString(type);
  }
  const std::vector<Transition> transitions = observer_.transitions();
  EXPECT_NE(std::find(transitions.begin(), transitions.end(),
                      Transition{JobType::kProofCreation, JobStatus::kCreated,
                                 JobStatus::kLockedForProcessing}),
            transitions.end())
      << "metrics see the claim the creating commit made";
  for (JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
    EXPECT_EQ(slots_->InUse(type), 0) << job::ToString(type) << ": every slot given back";
  }
}

TEST_F(ChainedFollowUpsTest, ANextStageWithoutAFreeSlotGoesThroughItsQueue) {
  const auto taken = slots_->TryAcquire(JobType::kProofCreation);
  ASSERT_TRUE(taken.has_value());
  Create(JobType::kSnosRun, 1);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));

  const auto proof = store_->FindJob(JobType::kProofCreation, 1);
  ASSERT_TRUE(proof->has_value());
  EXPECT_EQ((*proof)->status, JobStatus::kCreated);
  EXPECT_EQ(Handler(JobType::kProofCreation).ProcessCalls(1), 0);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kProofCreation)), 1u);
}

TEST_F(ChainedFollowUpsTest, NothingIsCreatedClaimedOnceStopping) {
  service_->StopChaining();
  Create(JobType::kSnosRun, 1);
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ((*store_->FindJob(JobType::kProofCreation, 1))->status, JobStatus::kCreated);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kProofCreation)), 1u);
}

TEST_F(ChainedFollowUpsTest, AFollowUpThatExistedAlreadyIsNotRunByTheCompletingWorker) {
  Create(JobType::kSnosRun, 1);
  Create(JobType::kProofCreation, 1);  // a trigger was first
  ASSERT_TRUE(Handled(Process(JobType::kSnosRun)));
  EXPECT_EQ((*store_->FindJob(JobType::kProofCreation, 1))->status, JobStatus::kCreated);
  EXPECT_EQ(Handler(JobType::kProofCreation).ProcessCalls(1), 0);
  EXPECT_EQ(Visible(layout_->ProcessingQueue(JobType::kProofCreation)), 1u)
      << "its own message only";
  EXPECT_EQ(slots_->InUse(JobType::kProofCreation), 0);
}

}  // namespace
}  // namespace orch::testing
