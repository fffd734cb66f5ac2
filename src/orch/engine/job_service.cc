#include "orch/engine/job_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

#include "orch/job/job_state_machine.h"

namespace orch::engine {
namespace {

// Bounds one sweep's work per type and status; the next sweep takes the rest.
constexpr std::uint32_t kMaxRequeuedPerSweep = 200;

using job::JobEvent;
using job::JobStatus;

// The shape of the reference's failure alerts, so that existing alert routing keeps working.
std::string FailureAlertText(const job::Job& job, std::string_view headline) {
  std::string text = fmt::format("{}\nJob ID: {}\nType: {}\nBlock: {}\nCurrent failure: {}",
                                 headline, job.id, job::ToString(job.type), job.internal_id,
                                 job.metadata.common.failure_reason.value_or("none"));
  const auto& previous = job.metadata.common.previous_failure_reasons;
  text += fmt::format("\nPrevious failures ({} total):", previous.size());
  for (const std::string& reason : previous) {
    text += "\n- " + reason;
  }
  return text;
}

std::chrono::milliseconds Since(TimePoint now, std::optional<std::int64_t> started_seconds) {
  if (!started_seconds) {
    return std::chrono::milliseconds(0);
  }
  return std::max(std::chrono::milliseconds(0),
                  now - TimePoint(std::chrono::seconds(*started_seconds)));
}

}  // namespace

JobService::JobService(store::JobStore& store, queue::Queue& queue, JobCommitter& committer,
                       alert::Alerter& alerter, const HandlerRegistry& handlers,
                       const QueueLayout& queues, const Clock& clock, EngineObserver& observer,
                       JobServiceOptions options, FollowUpPlanner* follow_ups,
                       ProcessingSlots* slots)
    : store_(store),
      queue_(queue),
      committer_(committer),
      alerter_(alerter),
      handlers_(handlers),
      queues_(queues),
      clock_(clock),
      observer_(observer),
      options_(std::move(options)),
      follow_ups_(follow_ups),
      slots_(slots) {}

HandlerLimits JobService::LimitsOf(const JobHandler& handler) const {
  const auto it = options_.limit_overrides.find(handler.type());
  return it == options_.limit_overrides.end() ? handler.limits()
                                              : ApplyOverrides(handler.limits(), it->second);
}

std::chrono::milliseconds JobService::RetryDelay(const HandlerLimits& limits,
                                                 std::uint64_t attempt) const {
  auto delay = limits.retry_base;
  for (std::uint64_t i = 1; i < attempt && delay < limits.retry_cap; ++i) {
    delay *= 2;
  }
  return std::min(delay, limits.retry_cap);
}

Result<job::Job> JobService::Store(const job::Job& updated, const job::Job& before,
                                   const std::vector<OutgoingMessage>& messages,
                                   const std::optional<DeliveredMessage>& settles,
                                   std::optional<JobStatus> via) {
  ORCH_ASSIGN_OR_RETURN(UpdatedJob stored,
                        StoreCreating(updated, before, messages, settles, via, {}));
  return std::move(stored.job);
}

Result<UpdatedJob> JobService::StoreCreating(const job::Job& updated, const job::Job& before,
                                             const std::vector<OutgoingMessage>& messages,
                                             const std::optional<DeliveredMessage>& settles,
                                             std::optional<JobStatus> via,
                                             const std::vector<NewJob>& creates) {
  ORCH_ASSIGN_OR_RETURN(UpdatedJob stored,
                        committer_.UpdateJob(updated, before.version, messages, settles, creates));
  JobStatus from = before.status;
  if (via && *via != from) {
    observer_.OnTransition(stored.job.type, from, *via);
    from = *via;
  }
  if (stored.job.status != from) {
    observer_.OnTransition(stored.job.type, from, stored.job.status);
  }
  return stored;
}

void JobService::Alert(const job::Job& job, std::string_view subject, const std::string& detail) {
  alerter_.Send(
      {.severity = alert::Alert::Severity::kCritical,
       .subject = fmt::format("{}: {} {}", subject, job::ToString(job.type), job.internal_id),
       .message = detail});
  observer_.OnAlertSent();
}

Result<store::InsertOutcome> JobService::CreateJob(job::JobType type, std::uint64_t internal_id) {
  ORCH_ASSIGN_OR_RETURN(auto outcomes, CreateJobs(type, {internal_id}));
  return std::move(outcomes.front());
}

Result<std::vector<store::InsertOutcome>> JobService::CreateJobs(
    job::JobType type, const std::vector<std::uint64_t>& internal_ids) {
  ORCH_ASSIGN_OR_RETURN(std::vector<NewJob> jobs, BuildNewJobs(type, internal_ids));
  return committer_.InsertJobs(jobs);
}

Result<store::InsertOutcome> JobService::CreateJob(job::JobType type, std::uint64_t internal_id,
                                                   std::uint64_t last_block) {
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(type));
  ORCH_ASSIGN_OR_RETURN(NewJob job, BuildNewJob(*handler, internal_id, last_block));
  ORCH_ASSIGN_OR_RETURN(auto outcomes, committer_.InsertJobs({std::move(job)}));
  return std::move(outcomes.front());
}

Result<std::vector<NewJob>> JobService::BuildNewJobs(
    job::JobType type, const std::vector<std::uint64_t>& internal_ids) {
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(type));
  std::vector<NewJob> jobs;
  jobs.reserve(internal_ids.size());
  for (std::uint64_t internal_id : internal_ids) {
    ORCH_ASSIGN_OR_RETURN(NewJob job, BuildNewJob(*handler, internal_id, internal_id));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<NewJob> JobService::BuildNewJob(JobHandler& handler, std::uint64_t internal_id,
                                       std::uint64_t last_block) {
  const std::uint64_t supported = std::max<std::uint64_t>(handler.limits().max_blocks_per_job, 1);
  last_block = std::clamp(last_block, internal_id, internal_id + supported - 1);
  ORCH_ASSIGN_OR_RETURN(job::SpecificMetadata specific,
                        last_block == internal_id
                            ? handler.CreateMetadata(internal_id)
                            : handler.CreateMetadataForBlocks(internal_id, last_block));
  job::JobMetadata metadata;
  metadata.common.orchestrator_version = options_.orchestrator_version;
  metadata.specific = std::move(specific);
  job::Job job = job::NewJob(handler.type(), internal_id, std::move(metadata), clock_.Now());
  OutgoingMessage message{queues_.ProcessingQueue(handler.type()), JobMessage(job.id), {}};
  return NewJob{std::move(job), std::move(message)};
}

JobService::FollowUps JobService::FollowUpsOf(const job::Job& job) {
  FollowUps follow_ups;
  std::vector<NewJob>& jobs = follow_ups.jobs;
  if (follow_ups_ == nullptr) {
    return follow_ups;
  }
  Result<std::vector<PlannedJob>> planned = follow_ups_->Plan(job);
  if (!planned.ok()) {
    spdlog::warn("{} {}: could not plan its follow-up jobs ({}); the triggers create them",
                 job::ToString(job.type), job.internal_id, planned.error().message());
    return follow_ups;
  }
  for (const PlannedJob& next : *planned) {
    Result<JobHandler*> handler = handlers_.Find(next.type);
    if (!handler.ok()) {
      continue;  // not configured here: nothing of that type is created
    }
    Result<NewJob> built = BuildNewJob(**handler, next.internal_id, next.last_block());
    if (!built.ok()) {
      spdlog::warn("{} {}: could not build its follow-up {} ({}); the triggers create it",
                   job::ToString(job.type), job.internal_id, job::ToString(next.type),
                   built.error().message());
      continue;
    }
    NewJob& created = jobs.emplace_back(std::move(built).value());
    if (jobs.size() == 1 && next.internal_id == job.internal_id && slots_ != nullptr &&
        !chaining_stopped_) {
      follow_ups.chain_slot = slots_->TryAcquire(next.type);
      if (follow_ups.chain_slot) {
        Result<job::Job> claimed = ClaimOf(created.job, LimitsOf(**handler), clock_.Now());
        if (claimed.ok()) {
          created = {std::move(claimed).value(), std::nullopt};
        } else {
          follow_ups.chain_slot.reset();
        }
      }
    }
  }
  return follow_ups;
}

void JobService::RunChained(const store::InsertOutcome& created,
                            ProcessingSlots::Slot /*held until the job ran*/) {
  if (!created.inserted) {
    return;  // a trigger created it first: it is not this instance's to run
  }
  const job::Job& claimed = created.job;
  observer_.OnTransition(claimed.type, JobStatus::kCreated, JobStatus::kLockedForProcessing);
  Result<JobHandler*> handler = handlers_.Find(claimed.type);
  Result<MessageOutcome> outcome = handler.ok()
                                       ? RunClaimed(claimed, **handler, LimitsOf(**handler))
                                       : Result<MessageOutcome>(handler.error());
  if (!outcome.ok()) {
    spdlog::warn("{} {} ({}): {}; its lease expires and the sweeper hands it on",
                 job::ToString(claimed.type), claimed.internal_id, claimed.id,
                 outcome.error().ToString());
  }
}

Result<MessageOutcome> JobService::ProcessJob(std::string_view id,
                                              const std::optional<DeliveredMessage>& delivery) {
  Result<job::Job> loaded = store_.GetJob(id);
  if (!loaded.ok() && loaded.error().code() == ErrorCode::kNotFound) {
    spdlog::warn("processing message for unknown job {}: dropped", id);
    return MessageOutcome::Ack();
  }
  ORCH_RETURN_IF_ERROR(loaded);
  job::Job job = std::move(loaded).value();
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(job.type));
  const HandlerLimits limits = LimitsOf(*handler);
  const TimePoint now = clock_.Now();

  if (job.status == JobStatus::kLockedForProcessing) {
    if (job.lease && job.lease->expires_at > now) {
      return MessageOutcome::Ack();  // a live holder is on it; a duplicate message
    }
    ORCH_ASSIGN_OR_RETURN(bool healed, HealExpiredLease(job));
    if (!healed) {
      return MessageOutcome::Ack();
    }
    ORCH_ASSIGN_OR_RETURN(job, store_.GetJob(id));
  }
  if (!job::CanStartProcessing(job.status)) {
    return MessageOutcome::Ack();  // already processed, or failed: nothing to do
  }

  // The claim settles the message: from here on the lease, not the message, guarantees that
  // the job moves on (an expired lease is healed and the job re-enqueued).
  ORCH_ASSIGN_OR_RETURN(job::Job locked, ClaimOf(job, limits, now));
  Result<job::Job> claimed = Store(locked, job, {}, delivery);
  if (!claimed.ok() && claimed.error().code() == ErrorCode::kConflict) {
    return MessageOutcome::Ack();  // another worker claimed it first
  }
  ORCH_RETURN_IF_ERROR(claimed);
  return RunClaimed(*claimed, *handler, limits);
}

Result<job::Job> JobService::ClaimOf(const job::Job& job, const HandlerLimits& limits,
                                     TimePoint now) const {
  job::Job locked = job;
  ORCH_ASSIGN_OR_RETURN(locked.status, job::NextStatus(job.status, JobEvent::kStartProcessing));
  locked.lease = job::Lease{options_.instance_id, now + limits.lease_duration, job.status};
  locked.metadata.common.process_attempt_no += 1;
  locked.metadata.common.process_started_at = ToUnixSeconds(now);
  locked.metadata.common.process_completed_at.reset();
  return locked;
}

Result<std::vector<ReceivedMessage>> JobService::ReceiveForProcessing(
    std::string_view queue, std::uint32_t max_messages, std::chrono::milliseconds wait,
    const std::stop_token& stop) {
  // Only the plain case is claimed in the receive; a job with a lease (live or expired) or in
  // any other status goes the way of ProcessJob.
  const ClaimDecision decide = [this, &stop](const job::Job& job) -> std::optional<job::Job> {
    if (stop.stop_requested() || !job::CanStartProcessing(job.status)) {
      return std::nullopt;
    }
    Result<JobHandler*> handler = handlers_.Find(job.type);
    if (!handler.ok()) {
      return std::nullopt;
    }
    Result<job::Job> locked = ClaimOf(job, LimitsOf(**handler), clock_.Now());
    return locked.ok() ? std::optional<job::Job>(std::move(locked).value()) : std::nullopt;
  };
  return committer_.ReceiveAndClaim(queue, max_messages, wait, decide);
}

Result<MessageOutcome> JobService::ProcessReceived(const ReceivedMessage& received,
                                                   const DeliveredMessage& delivery) {
  if (!received.claimed) {
    ORCH_ASSIGN_OR_RETURN(std::string id, ParseJobMessage(received.message.body));
    return ProcessJob(id, delivery);
  }
  const job::Job& locked = *received.claimed;
  observer_.OnTransition(locked.type, received.claimed_from, locked.status);
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(locked.type));
  return RunClaimed(locked, *handler, LimitsOf(*handler));
}

Result<MessageOutcome> JobService::RunClaimed(const job::Job& locked, JobHandler& handler,
                                              const HandlerLimits& limits) {
  const TimePoint started = clock_.Now();
  job::Job working = locked;
  Result<job::ExternalId> processed = handler.Process(working);
  const TimePoint finished = clock_.Now();
  observer_.OnProcessed(locked.type, finished - started);

  if (processed.ok()) {
    job::Job done = working;
    done.status = JobStatus::kPendingVerification;
    done.lease.reset();
    done.external_id = *processed;
    done.metadata.common.process_completed_at = ToUnixSeconds(finished);
    if (limits.verification_polling_delay <= std::chrono::milliseconds::zero()) {
      // A zero polling delay asks for the check at once: this worker makes it while it still
      // holds the lease, which saves a queue round trip and two commits per job. A lost lease
      // shows as a conflict, and the new holder carries on.
      ORCH_RETURN_IF_ERROR(Verify(locked, done, handler, limits, std::nullopt));
      return MessageOutcome::Settled();
    }
    Result<job::Job> stored = Store(done, locked,
                                    {{queues_.VerificationQueue(locked.type), JobMessage(locked.id),
                                      limits.verification_polling_delay}});
    if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
      spdlog::warn("{} {} ({}): lost its lease while processing; the new holder carries on",
                   job::ToString(locked.type), locked.internal_id, locked.id);
      return MessageOutcome::Settled();
    }
    ORCH_RETURN_IF_ERROR(stored);
    return MessageOutcome::Settled();
  }

  const Error& error = processed.error();
  job::Job failed = locked;
  failed.lease.reset();
  failed.metadata.common.process_retry_attempt_no += 1;
  const std::uint64_t attempt = failed.metadata.common.process_retry_attempt_no;
  failed.metadata.common.process_started_at.reset();
  failed.metadata.common.RecordFailure(fmt::format("Processing attempt {} failed: {}",
                                                   failed.metadata.common.process_attempt_no,
                                                   error.ToString()));
  if (!error.transient() || attempt >= limits.retry_max_attempts) {
    const FailureClass failure =
        error.transient() ? FailureClass::kTransient : FailureClass::kPermanent;
    // The claim already settled the message, whoever wins the race to fail the job.
    ORCH_RETURN_IF_ERROR(FailJob(std::move(failed), "", failure, std::nullopt));
    return MessageOutcome::Settled();
  }
  observer_.OnFailure(locked.type, FailureClass::kTransient);
  ORCH_ASSIGN_OR_RETURN(failed.status,
                        job::NextStatus(locked.status, JobEvent::kProcessingFailedTransient,
                                        locked.lease->previous_status));
  const auto delay = RetryDelay(limits, attempt);
  Result<job::Job> stored =
      Store(failed, locked, {{queues_.ProcessingQueue(locked.type), JobMessage(locked.id), delay}});
  if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
    return MessageOutcome::Settled();
  }
  ORCH_RETURN_IF_ERROR(stored);
  spdlog::info("{} {}: transient failure (attempt {} of {}), retrying in {} ms: {}",
               job::ToString(locked.type), locked.internal_id, attempt, limits.retry_max_attempts,
               delay.count(), error.message());
  return MessageOutcome::Settled();
}

// Moves `job` (already carrying its failure reason) to Failed and alerts once; the change
// settles `delivery`. A lost race is not an error (the other writer decided the job's fate).
// Returns how the delivery stands: Settled by the change, or to be acked after a lost race.
Result<MessageOutcome> JobService::FailJob(job::Job job, std::string reason, FailureClass failure,
                                           const std::optional<DeliveredMessage>& delivery) {
  ORCH_ASSIGN_OR_RETURN(job::Job before, store_.GetJob(job.id));
  if (!reason.empty()) {
    job.metadata.common.RecordFailure(std::move(reason));
  }
  job.status = JobStatus::kFailed;
  job.lease.reset();
  Result<job::Job> stored = Store(job, before, {}, delivery);
  if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
    return MessageOutcome::Ack();
  }
  ORCH_RETURN_IF_ERROR(stored);
  observer_.OnFailure(job.type, failure);
  spdlog::error("{} {} ({}) failed: {}", job::ToString(job.type), job.internal_id, job.id,
                stored->metadata.common.failure_reason.value_or(""));
  Alert(*stored, "Job Failed", FailureAlertText(*stored, "Job Failed Alert"));
  return MessageOutcome::Settled();
}

Result<MessageOutcome> JobService::VerifyJob(std::string_view id,
                                             const std::optional<DeliveredMessage>& delivery) {
  Result<job::Job> loaded = store_.GetJob(id);
  if (!loaded.ok() && loaded.error().code() == ErrorCode::kNotFound) {
    spdlog::warn("verification message for unknown job {}: dropped", id);
    return MessageOutcome::Ack();
  }
  ORCH_RETURN_IF_ERROR(loaded);
  const job::Job job = std::move(loaded).value();
  if (job.status != JobStatus::kPendingVerification &&
      job.status != JobStatus::kVerificationTimeout &&
      job.status != JobStatus::kVerificationFailed) {
    return MessageOutcome::Ack();  // completed, failed, or being processed: nothing to check
  }
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(job.type));
  return Verify(job, job, *handler, LimitsOf(*handler), delivery);
}

Result<MessageOutcome> JobService::Verify(const job::Job& stored_job, const job::Job& job,
                                          JobHandler& handler, const HandlerLimits& limits,
                                          const std::optional<DeliveredMessage>& delivery) {
  // Right after processing, the stored job is still LockedForProcessing: every outcome below
  // then also records the PendingVerification step it skipped.
  const bool after_processing = stored_job.status == JobStatus::kLockedForProcessing;
  const std::optional<JobStatus> via =
      after_processing ? std::optional<JobStatus>(job.status) : std::nullopt;
  const OutgoingMessage poll_again{queues_.VerificationQueue(job.type), JobMessage(job.id),
                                   limits.verification_polling_delay};

  // Verification only reads the outside world, so concurrent verifiers of one job (duplicate
  // messages) are harmless; the compare-and-set of the outcome lets exactly one of them act.
  job::Job working = job;
  working.metadata.common.verification_attempt_no += 1;
  working.metadata.common.verification_started_at = ToUnixSeconds(clock_.Now());
  Result<Verification> verification = handler.Verify(working);

  // Every outcome is one change that also settles the message; when another writer was first,
  // the message is acked as a duplicate.
  const auto stored_or_duplicate = [&](Result<job::Job> stored) -> Result<MessageOutcome> {
    if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
      return MessageOutcome::Ack();
    }
    ORCH_RETURN_IF_ERROR(stored);
    return MessageOutcome::Settled();
  };
  if (!verification.ok()) {
    if (verification.error().transient()) {
      observer_.OnFailure(job.type, FailureClass::kTransient);
      if (after_processing) {
        return stored_or_duplicate(Store(job, stored_job, {poll_again}, delivery));
      }
      return MessageOutcome::RetryAfter(limits.verification_polling_delay);
    }
    working.metadata.common.RecordFailure(
        fmt::format("Verification failed: {}", verification.error().ToString()));
    return FailJob(std::move(working), "", FailureClass::kPermanent, delivery);
  }

  switch (verification->outcome) {
    case Verification::Outcome::kVerified: {
      job::Job done = working;
      done.status = JobStatus::kCompleted;
      done.metadata.common.verification_completed_at = ToUnixSeconds(clock_.Now());
      FollowUps follow_ups = FollowUpsOf(done);
      Result<UpdatedJob> stored =
          StoreCreating(done, stored_job, {}, delivery, via, follow_ups.jobs);
      if (!stored.ok()) {
        return stored_or_duplicate(stored.error());
      }
      observer_.OnVerified(job.type, Since(clock_.Now(), done.metadata.common.process_started_at));
      observer_.OnCompleted(stored->job);
      if (follow_ups.chain_slot) {
        RunChained(stored->created.front(), std::move(*follow_ups.chain_slot));
      }
      return MessageOutcome::Settled();
    }
    case Verification::Outcome::kRejected: {
      observer_.OnFailure(job.type, FailureClass::kRejected);
      job::Job rejected = working;
      const std::uint64_t attempts = rejected.metadata.common.process_attempt_no;
      rejected.metadata.common.RecordFailure(
          fmt::format("Verification rejected: {}", verification->reason));
      if (attempts >= limits.max_process_attempts) {
        return FailJob(
            std::move(rejected),
            fmt::format("Verification rejected. Max process attempts reached: {}", attempts),
            FailureClass::kRejected, delivery);
      }
      rejected.status = JobStatus::kVerificationFailed;
      return stored_or_duplicate(
          Store(rejected, stored_job, {{queues_.ProcessingQueue(job.type), JobMessage(job.id), {}}},
                delivery, via));
    }
    case Verification::Outcome::kPending:
      break;
  }

  if (working.metadata.common.verification_attempt_no >= limits.max_verification_attempts) {
    job::Job timed_out = working;
    timed_out.status = JobStatus::kVerificationTimeout;
    Result<job::Job> stored = Store(timed_out, stored_job, {}, delivery, via);
    if (stored.ok()) {
      Alert(*stored, "Job Verification Timeout",
            fmt::format("Job Verification Timeout Alert: Job ID {}, Type {}, Internal_Id {}, "
                        "Verification Attempts {}",
                        job.id, job::ToString(job.type), job.internal_id,
                        working.metadata.common.verification_attempt_no));
    }
    return stored_or_duplicate(std::move(stored));
  }
  return stored_or_duplicate(Store(working, stored_job, {poll_again}, delivery));
}

Result<MessageOutcome> JobService::HandleDeadLetter(
    std::string_view id, const std::optional<DeliveredMessage>& delivery) {
  Result<job::Job> loaded = store_.GetJob(id);
  if (!loaded.ok() && loaded.error().code() == ErrorCode::kNotFound) {
    return MessageOutcome::Ack();
  }
  ORCH_RETURN_IF_ERROR(loaded);
  job::Job job = std::move(loaded).value();
  if (!job::NextStatus(job.status, JobEvent::kDeadLettered).ok()) {
    return MessageOutcome::Ack();  // Completed or already Failed
  }
  return FailJob(job,
                 fmt::format("Job moved to DLQ after exhausting retries (last status: {})",
                             job::ToString(job.status)),
                 FailureClass::kPermanent, delivery);
}

Result<job::Job> JobService::RetryJob(std::string_view id) {
  ORCH_ASSIGN_OR_RETURN(job::Job job, store_.GetJob(id));
  job::Job retry = job;
  ORCH_ASSIGN_OR_RETURN(retry.status, job::NextStatus(job.status, JobEvent::kManualRetry));
  // A manual retry starts a fresh retry budget (the reference only counts it up).
  retry.metadata.common.process_attempt_no = 0;
  retry.metadata.common.process_retry_attempt_no = 0;
  return Store(retry, job, {{queues_.ProcessingQueue(job.type), JobMessage(job.id), {}}});
}

Result<job::Job> JobService::QueueForProcessing(std::string_view id) {
  ORCH_ASSIGN_OR_RETURN(job::Job job, store_.GetJob(id));
  ORCH_RETURN_IF_ERROR(queue_.Send(queues_.ProcessingQueue(job.type), JobMessage(job.id), {}));
  return job;
}

Result<job::Job> JobService::QueueForVerification(std::string_view id, bool immediately) {
  ORCH_ASSIGN_OR_RETURN(job::Job job, store_.GetJob(id));
  ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(job.type));
  job::Job again = job;
  ORCH_ASSIGN_OR_RETURN(again.status, job::NextStatus(job.status, JobEvent::kManualVerify));
  again.metadata.common.verification_attempt_no = 0;
  again.metadata.common.verification_retry_attempt_no += 1;
  const auto delay =
      immediately ? std::chrono::milliseconds(0) : LimitsOf(*handler).verification_polling_delay;
  return Store(again, job, {{queues_.VerificationQueue(job.type), JobMessage(job.id), delay}});
}

Result<bool> JobService::HealExpiredLease(const job::Job& job) {
  return ReturnLeasedJob(job, /*expired=*/true);
}

Result<bool> JobService::ReleaseLease(const job::Job& job) {
  return ReturnLeasedJob(job, /*expired=*/false);
}

Result<bool> JobService::ReturnLeasedJob(const job::Job& job, bool expired) {
  if (job.status != JobStatus::kLockedForProcessing) {
    return false;
  }
  job::Job healed = job;
  const std::optional<JobStatus> previous =
      job.lease ? std::optional<JobStatus>(job.lease->previous_status) : std::nullopt;
  ORCH_ASSIGN_OR_RETURN(healed.status,
                        job::NextStatus(job.status, JobEvent::kLeaseExpired, previous));
  healed.lease.reset();
  healed.metadata.common.process_started_at.reset();
  Result<job::Job> stored =
      Store(healed, job, {{queues_.ProcessingQueue(job.type), JobMessage(job.id), {}}});
  if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
    return false;
  }
  ORCH_RETURN_IF_ERROR(stored);
  if (expired) {
    observer_.OnLeaseHealed(job.type);
  }
  spdlog::warn("{} {} ({}): lease of {} {}; back to {}", job::ToString(job.type), job.internal_id,
               job.id, job.lease ? job.lease->owner : "?",
               expired ? "expired" : "released at shutdown", job::ToString(healed.status));
  return true;
}

Result<int> JobService::RequeueStalledJobs(std::chrono::milliseconds grace) {
  int requeued = 0;
  const TimePoint now = clock_.Now();
  for (job::JobType type : PipelineJobTypes(queues_.layer())) {
    if (!handlers_.Has(type)) {
      continue;
    }
    ORCH_ASSIGN_OR_RETURN(JobHandler * handler, handlers_.Find(type));
    const HandlerLimits limits = LimitsOf(*handler);
    ORCH_ASSIGN_OR_RETURN(
        auto processable,
        store_.ListJobs({.types = {type},
                         .statuses = {JobStatus::kCreated, JobStatus::kPendingRetry,
                                      JobStatus::kVerificationFailed},
                         .updated_before = now - limits.retry_cap - grace,
                         .limit = kMaxRequeuedPerSweep}));
    for (const job::Job& job : processable) {
      ORCH_RETURN_IF_ERROR(queue_.Send(queues_.ProcessingQueue(type), JobMessage(job.id), {}));
      ++requeued;
    }
    ORCH_ASSIGN_OR_RETURN(
        auto verifying,
        store_.ListJobs({.types = {type},
                         .statuses = {JobStatus::kPendingVerification},
                         .updated_before = now - limits.verification_polling_delay - grace,
                         .limit = kMaxRequeuedPerSweep}));
    for (const job::Job& job : verifying) {
      ORCH_RETURN_IF_ERROR(queue_.Send(queues_.VerificationQueue(type), JobMessage(job.id), {}));
      ++requeued;
    }
  }
  return requeued;
}

}  // namespace orch::engine
