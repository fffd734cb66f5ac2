#include "orch/engine/job_committer.h"

namespace orch::engine {

StoreThenQueueCommitter::StoreThenQueueCommitter(store::JobStore& store, queue::Queue& queue)
    : store_(store), queue_(queue) {}

Result<std::vector<store::InsertOutcome>> StoreThenQueueCommitter::InsertJobs(
    const std::vector<NewJob>& jobs) {
  std::vector<store::InsertOutcome> outcomes;
  outcomes.reserve(jobs.size());
  for (const NewJob& new_job : jobs) {
    ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, store_.InsertIfAbsent(new_job.job));
    if (outcome.inserted) {
      ORCH_RETURN_IF_ERROR(
          queue_.Send(new_job.message.queue, new_job.message.body, new_job.message.delay));
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

Result<job::Job> StoreThenQueueCommitter::UpdateJob(const job::Job& job,
                                                    std::int64_t expected_version,
                                                    const std::vector<OutgoingMessage>& messages,
                                                    const std::optional<DeliveredMessage>& settles,
                                                    const std::vector<NewJob>& creates) {
  ORCH_ASSIGN_OR_RETURN(job::Job stored, store_.UpdateJob(job, expected_version));
  // A crash before the inserts leaves a Completed job without its follow-up, which the
  // triggers' scan creates on their next tick.
  ORCH_RETURN_IF_ERROR(InsertJobs(creates));
  for (const OutgoingMessage& message : messages) {
    ORCH_RETURN_IF_ERROR(queue_.Send(message.queue, message.body, message.delay));
  }
  if (settles) {
    ORCH_RETURN_IF_ERROR(queue_.Ack(settles->queue, settles->receipt));
  }
  return stored;
}

}  // namespace orch::engine
