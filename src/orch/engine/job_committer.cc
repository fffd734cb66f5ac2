#include "orch/engine/job_committer.h"

#include <spdlog/spdlog.h>

#include "orch/engine/queue_layout.h"

namespace orch::engine {

StoreThenQueueCommitter::StoreThenQueueCommitter(store::JobStore& store, queue::Queue& queue)
    : store_(store), queue_(queue) {}

Result<std::vector<store::InsertOutcome>> StoreThenQueueCommitter::InsertJobs(
    const std::vector<NewJob>& jobs) {
  std::vector<store::InsertOutcome> outcomes;
  outcomes.reserve(jobs.size());
  for (const NewJob& new_job : jobs) {
    ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, store_.InsertIfAbsent(new_job.job));
    if (outcome.inserted && new_job.message) {
      ORCH_RETURN_IF_ERROR(
          queue_.Send(new_job.message->queue, new_job.message->body, new_job.message->delay));
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

Result<UpdatedJob> StoreThenQueueCommitter::UpdateJob(
    const job::Job& job, std::int64_t expected_version,
    const std::vector<OutgoingMessage>& messages, const std::optional<DeliveredMessage>& settles,
    const std::vector<NewJob>& creates) {
  UpdatedJob stored;
  ORCH_ASSIGN_OR_RETURN(stored.job, store_.UpdateJob(job, expected_version));
  // A crash before the inserts leaves a Completed job without its follow-up, which the
  // triggers' scan creates on their next tick.
  ORCH_ASSIGN_OR_RETURN(stored.created, InsertJobs(creates));
  for (const OutgoingMessage& message : messages) {
    ORCH_RETURN_IF_ERROR(queue_.Send(message.queue, message.body, message.delay));
  }
  if (settles) {
    ORCH_RETURN_IF_ERROR(queue_.Ack(settles->queue, settles->receipt));
  }
  return stored;
}

Result<std::vector<ReceivedMessage>> StoreThenQueueCommitter::ReceiveAndClaim(
    std::string_view queue, std::uint32_t max_messages, std::chrono::milliseconds wait,
    const ClaimDecision& decide) {
  ORCH_ASSIGN_OR_RETURN(std::vector<queue::Message> messages,
                        queue_.Receive(queue, max_messages, wait));
  std::vector<ReceivedMessage> received;
  received.reserve(messages.size());
  for (queue::Message& message : messages) {
    ReceivedMessage item{.message = std::move(message)};
    // Whatever fails here leaves the message unclaimed; the usual handling reports it.
    Result<std::string> id = ParseJobMessage(item.message.body);
    Result<job::Job> stored = id.ok() ? store_.GetJob(*id) : Result<job::Job>(id.error());
    std::optional<job::Job> claim = stored.ok() ? decide(*stored) : std::nullopt;
    if (claim) {
      Result<job::Job> locked = store_.UpdateJob(*claim, stored->version);
      if (locked.ok()) {
        // The lease carries the job from here: a failed ack only brings a duplicate message,
        // which the status gate drops.
        if (Result<void> acked = queue_.Ack(queue, item.message.receipt); !acked.ok()) {
          spdlog::warn("queue {}: could not acknowledge claimed message {}: {}", queue,
                       item.message.id, acked.error().message());
        }
        item.claimed_from = stored->status;
        item.claimed = std::move(locked).value();
      }
    }
    received.push_back(std::move(item));
  }
  return received;
}

}  // namespace orch::engine
