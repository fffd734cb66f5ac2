#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orch/common/result.h"
#include "orch/job/job.h"
#include "orch/queue/queue.h"
#include "orch/store/job_store.h"

namespace orch::engine {

/// A message that a job change causes (the next step of the job's life).
struct OutgoingMessage {
  std::string queue;
  std::string body;
  std::chrono::milliseconds delay{0};
};

/// The delivery of a message that a job change finishes handling; committing the change
/// acknowledges it.
struct DeliveredMessage {
  std::string queue;
  std::string receipt;
};

/// A new job and the message that starts it; none for a job created already claimed by this
/// instance (LockedForProcessing with its lease), which the creator runs itself.
struct NewJob {
  job::Job job;
  std::optional<OutgoingMessage> message;
};

/// A processing message as a consumer receives it, with its job when the receive claimed it.
struct ReceivedMessage {
  queue::Message message;
  /// Set when the receive claimed the job: stored LockedForProcessing with this instance's
  /// lease, and the message acknowledged (the lease carries the job from there).
  std::optional<job::Job> claimed;
  job::JobStatus claimed_from = job::JobStatus::kCreated;  // the status the claim left
};

/// What JobCommitter::UpdateJob stored: the job, and the outcome of each of its `creates`
/// (in their order; `inserted` is false where the job existed already).
struct UpdatedJob {
  job::Job job;
  std::vector<store::InsertOutcome> created;
};

/// Decides from a received message's stored job whether the receive claims it: returns the
/// job to store (LockedForProcessing with a lease), or nullopt to deliver the message as is.
using ClaimDecision = std::function<std::optional<job::Job>(const job::Job& stored)>;

/// Stores job changes together with the messages they cause and the acknowledgement of the
/// message that caused them. Where the store and the queue share a database this is one
/// transaction (SqlJobCommitter: a crash can never separate a status change from its next
/// message, and one commit does the work of three). Otherwise the steps run in order — store,
/// send, ack — and a crash between them leaves a job whose message is missing, which the
/// sweeper re-enqueues (JobService::RequeueStalledJobs), or a message delivered again, which
/// the status gate makes harmless. Implementations are thread-safe.
class JobCommitter {
 public:
  virtual ~JobCommitter() = default;

  /// Inserts each job unless its (type, internal_id) exists, and sends its message when it
  /// was inserted. Outcomes are in the order of `jobs`.
  virtual Result<std::vector<store::InsertOutcome>> InsertJobs(const std::vector<NewJob>& jobs) = 0;

  /// JobStore::UpdateJob (compare-and-set on `expected_version`; kConflict when another writer
  /// was first, and then nothing else happens), then inserts each of `creates` unless its
  /// (type, internal_id) exists (sending its message when inserted), sends `messages` and acks
  /// `settles`.
  virtual Result<UpdatedJob> UpdateJob(const job::Job& job, std::int64_t expected_version,
                                       const std::vector<OutgoingMessage>& messages,
                                       const std::optional<DeliveredMessage>& settles,
                                       const std::vector<NewJob>& creates) = 0;

  /// Queue::Receive on a processing queue, then for each message whose job `decide` claims:
  /// stores the claim (compare-and-set) and acknowledges the message — in the receiving
  /// transaction where the store and the queue share a database. A message whose body is
  /// malformed, whose job is missing, declined, or changed by another writer first comes back
  /// unclaimed, to be handled as usual. In the order received.
  virtual Result<std::vector<ReceivedMessage>> ReceiveAndClaim(std::string_view queue,
                                                               std::uint32_t max_messages,
                                                               std::chrono::milliseconds wait,
                                                               const ClaimDecision& decide) = 0;
};

/// The step-by-step JobCommitter for any store and queue (e.g. SQS with PostgreSQL).
/// Thread-safe if the store and queue are.
class StoreThenQueueCommitter final : public JobCommitter {
 public:
  StoreThenQueueCommitter(store::JobStore& store, queue::Queue& queue);

  Result<std::vector<store::InsertOutcome>> InsertJobs(const std::vector<NewJob>& jobs) override;
  Result<UpdatedJob> UpdateJob(const job::Job& job, std::int64_t expected_version,
                               const std::vector<OutgoingMessage>& messages,
                               const std::optional<DeliveredMessage>& settles,
                               const std::vector<NewJob>& creates) override;
  Result<std::vector<ReceivedMessage>> ReceiveAndClaim(std::string_view queue,
                                                       std::uint32_t max_messages,
                                                       std::chrono::milliseconds wait,
                                                       const ClaimDecision& decide) override;

 private:
  store::JobStore& store_;
  queue::Queue& queue_;
};

}  // namespace orch::engine
