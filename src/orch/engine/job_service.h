#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>

#include "orch/alert/alerter.h"
#include "orch/common/clock.h"
#include "orch/engine/engine_observer.h"
#include "orch/engine/follow_up_planner.h"
#include "orch/engine/handler_registry.h"
#include "orch/engine/job_committer.h"
#include "orch/engine/processing_slots.h"
#include "orch/engine/queue_layout.h"
#include "orch/queue/queue.h"
#include "orch/store/job_store.h"

namespace orch::engine {

struct JobServiceOptions {
  std::string instance_id;  // lease owner name of this process
  std::string orchestrator_version = "0.1.0";
  /// Operator settings that replace the handlers' defaults, per job type.
  std::map<job::JobType, LimitOverrides> limit_overrides;
};

/// What a queue consumer does with the message it handled.
struct MessageOutcome {
  enum class Action : std::uint8_t {
    kAck,         // delete it
    kRetryAfter,  // make it visible again after nack_delay
    kSettled,     // nothing: the job change that handled it also acknowledged it
  };
  Action action = Action::kAck;
  std::chrono::milliseconds nack_delay{0};

  static MessageOutcome Ack() { return {Action::kAck, std::chrono::milliseconds(0)}; }
  static MessageOutcome RetryAfter(std::chrono::milliseconds delay) {
    return {Action::kRetryAfter, delay};
  }
  static MessageOutcome Settled() { return {Action::kSettled, std::chrono::milliseconds(0)}; }
};

/// The job lifecycle: creates jobs, processes and verifies them through their handlers, and
/// applies every status change as a compare-and-set in the store (docs/job-lifecycle.md).
///
/// Crash safety: every step stores the job's new state together with the message for the next
/// step and the acknowledgement of the message it handled (JobCommitter: one transaction where
/// the store and the queue share a database). Claiming a job for processing settles its
/// message; from then on its lease carries it. A process killed anywhere leaves either its
/// message to be delivered again, or a lease that expires and is healed, or (with separate
/// store and queue) a job whose follow-up message is missing, which the sweeper
/// (RequeueStalledJobs) re-enqueues. Duplicates are harmless: the status gate and the
/// compare-and-set let exactly one worker act on a job.
///
/// Thread-safe; collaborators must outlive it.
class JobService {
 public:
  /// With `follow_ups`, the commit that completes a job also creates the jobs it allows;
  /// without, only the triggers create jobs. With `slots` as well, the next stage of the
  /// completed job's block is created already claimed when a processing slot of its type is
  /// free, and the worker that completed the job runs it at once: no message, no receive, no
  /// claim commit (a crash leaves it leased, and the sweeper heals it as any job in flight).
  JobService(store::JobStore& store, queue::Queue& queue, JobCommitter& committer,
             alert::Alerter& alerter, const HandlerRegistry& handlers, const QueueLayout& queues,
             const Clock& clock, EngineObserver& observer, JobServiceOptions options,
             FollowUpPlanner* follow_ups = nullptr, ProcessingSlots* slots = nullptr);

  /// From now on nothing is created claimed (the engine is stopping).
  void StopChaining() { chaining_stopped_ = true; }

  /// Creates the job of `type` for `internal_id` unless it exists, and enqueues it for
  /// processing. Returns the job and whether this call created it.
  Result<store::InsertOutcome> CreateJob(job::JobType type, std::uint64_t internal_id);

  /// CreateJob for a job covering blocks internal_id..=last_block (a StateTransition settling
  /// several blocks; JobHandler::CreateMetadataForBlocks), shortened to the blocks its handler
  /// takes in one job (HandlerLimits::max_blocks_per_job). An existing job for `internal_id` is
  /// returned as it is, whatever range it covers.
  Result<store::InsertOutcome> CreateJob(job::JobType type, std::uint64_t internal_id,
                                         std::uint64_t last_block);

  /// CreateJob for several blocks at once (one commit where the backends allow it). Outcomes
  /// are in the order of `internal_ids`.
  Result<std::vector<store::InsertOutcome>> CreateJobs(
      job::JobType type, const std::vector<std::uint64_t>& internal_ids);

  /// Handles a processing message: claims the job with a lease, runs its handler, stores the
  /// outcome and enqueues verification (or a retry, or nothing when it failed).
  /// `delivery` is the message being handled, acknowledged with the claim (Settled) when given.
  Result<MessageOutcome> ProcessJob(std::string_view id,
                                    const std::optional<DeliveredMessage>& delivery = {});

  /// Receives processing messages of `queue` and claims their jobs in the receiving commit
  /// where the backends allow (JobCommitter::ReceiveAndClaim); ProcessReceived finishes each.
  /// Once `stop` is requested nothing is claimed (the messages come back unclaimed).
  Result<std::vector<ReceivedMessage>> ReceiveForProcessing(std::string_view queue,
                                                            std::uint32_t max_messages,
                                                            std::chrono::milliseconds wait,
                                                            const std::stop_token& stop = {});

  /// Handles a message from ReceiveForProcessing: runs the handler of the job the receive
  /// claimed, or handles the message as ProcessJob does when its job was not claimed.
  Result<MessageOutcome> ProcessReceived(const ReceivedMessage& received,
                                         const DeliveredMessage& delivery);

  /// Handles a verification message.
  Result<MessageOutcome> VerifyJob(std::string_view id,
                                   const std::optional<DeliveredMessage>& delivery = {});

  /// Handles a dead-lettered message: the job fails (unless Completed or already Failed).
  Result<MessageOutcome> HandleDeadLetter(std::string_view id,
                                          const std::optional<DeliveredMessage>& delivery = {});

  /// Operator: Failed -> PendingRetry with a fresh retry budget, enqueued. Errors: kNotFound,
  /// kFailedPrecondition (not Failed).
  Result<job::Job> RetryJob(std::string_view id);

  /// Operator: enqueue for processing, no status change. Errors: kNotFound.
  Result<job::Job> QueueForProcessing(std::string_view id);

  /// Operator: back to PendingVerification with a fresh verification budget, enqueued (without
  /// delay when `immediately`). Errors: kNotFound, kFailedPrecondition.
  Result<job::Job> QueueForVerification(std::string_view id, bool immediately);

  /// Returns the expired lease of `job` (its holder died) and re-enqueues it. A lost race with
  /// another healer is not an error. Returns whether this call healed it.
  Result<bool> HealExpiredLease(const job::Job& job);

  /// Hands back a job this instance still holds (at shutdown, when its handler did not finish
  /// in time) and re-enqueues it. A lost race is not an error. Returns whether it was released.
  Result<bool> ReleaseLease(const job::Job& job);

  /// Re-enqueues jobs whose next message may have been lost in a crash: processable jobs and
  /// jobs awaiting verification that have not changed for longer than their retry or polling
  /// delay plus `grace`. Returns how many were re-enqueued.
  Result<int> RequeueStalledJobs(std::chrono::milliseconds grace);

 private:
  // `job` claimed for processing by this instance: LockedForProcessing with a lease.
  Result<job::Job> ClaimOf(const job::Job& job, const HandlerLimits& limits, TimePoint now) const;
  // Runs the handler of a job this instance holds the stored claim of, and stores the outcome.
  Result<MessageOutcome> RunClaimed(const job::Job& locked, JobHandler& handler,
                                    const HandlerLimits& limits);
  // Puts a LockedForProcessing job back to its previous status and re-enqueues it.
  Result<bool> ReturnLeasedJob(const job::Job& job, bool expired);
  Result<MessageOutcome> FailJob(job::Job job, std::string reason, FailureClass failure,
                                 const std::optional<DeliveredMessage>& delivery);
  // Verifies `job` (awaiting verification) and stores the outcome as a compare-and-set on
  // `stored_job`: the same job when a verification message asked, or its LockedForProcessing
  // version when the worker that processed it verifies at once (zero polling delay).
  Result<MessageOutcome> Verify(const job::Job& stored_job, const job::Job& job,
                                JobHandler& handler, const HandlerLimits& limits,
                                const std::optional<DeliveredMessage>& delivery);
  // Stores `updated` as a compare-and-set on `before` and reports the transition (through
  // `via` when one commit makes two steps).
  Result<job::Job> Store(const job::Job& updated, const job::Job& before,
                         const std::vector<OutgoingMessage>& messages = {},
                         const std::optional<DeliveredMessage>& settles = std::nullopt,
                         std::optional<job::JobStatus> via = std::nullopt);
  // Store, which also creates `creates` in the same change and reports what each did.
  Result<UpdatedJob> StoreCreating(const job::Job& updated, const job::Job& before,
                                   const std::vector<OutgoingMessage>& messages,
                                   const std::optional<DeliveredMessage>& settles,
                                   std::optional<job::JobStatus> via,
                                   const std::vector<NewJob>& creates);
  // The new jobs of `type` for `internal_ids` with their messages, built by their handler.
  Result<std::vector<NewJob>> BuildNewJobs(job::JobType type,
                                           const std::vector<std::uint64_t>& internal_ids);
  // The new job of `handler`'s type for blocks internal_id..=last_block with its message.
  Result<NewJob> BuildNewJob(JobHandler& handler, std::uint64_t internal_id,
                             std::uint64_t last_block);
  // The jobs the completion of `job` allows (FollowUpPlanner); none when planning fails, and
  // then the triggers create them. `chain_slot` is set when the first of them is the next
  // stage of the same block, created claimed by this instance; it holds that job's slot.
  struct FollowUps {
    std::vector<NewJob> jobs;
    std::optional<ProcessingSlots::Slot> chain_slot;
  };
  FollowUps FollowUpsOf(const job::Job& job);
  // Runs `created`, a follow-up created claimed, if this instance's commit did create it.
  // The worker keeps the slot of the job it completed meanwhile (only TryAcquire is used here,
  // so no worker waits for a slot while holding one).
  void RunChained(const store::InsertOutcome& created, ProcessingSlots::Slot slot);
  void Alert(const job::Job& job, std::string_view subject, const std::string& detail);
  HandlerLimits LimitsOf(const JobHandler& handler) const;
  std::chrono::milliseconds RetryDelay(const HandlerLimits& limits, std::uint64_t attempt) const;

  store::JobStore& store_;
  queue::Queue& queue_;
  JobCommitter& committer_;
  alert::Alerter& alerter_;
  const HandlerRegistry& handlers_;
  const QueueLayout& queues_;
  const Clock& clock_;
  EngineObserver& observer_;
  const JobServiceOptions options_;
  FollowUpPlanner* const follow_ups_;
  ProcessingSlots* const slots_;
  std::atomic<bool> chaining_stopped_{false};
};

}  // namespace orch::engine
