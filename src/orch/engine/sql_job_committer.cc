#include "orch/engine/sql_job_committer.h"

#include <set>

#include "orch/engine/queue_layout.h"

namespace orch::engine {

SqlJobCommitter::SqlJobCommitter(sql::SqlDatabase& database, store::SqlJobStore& store,
                                 queue::SqlQueue& queue)
    : database_(database), store_(store), queue_(queue) {}

Result<std::vector<store::InsertOutcome>> SqlJobCommitter::InsertJobs(
    const std::vector<NewJob>& jobs) {
  std::set<std::string, std::less<>> queues;
  for (const NewJob& new_job : jobs) {
    if (new_job.message && queues.insert(new_job.message->queue).second) {
      ORCH_RETURN_IF_ERROR(queue_.RequireQueue(new_job.message->queue));
    }
  }
  std::vector<store::InsertOutcome> outcomes;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
        for (const NewJob& new_job : jobs) {
          ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, InsertIn(session, new_job));
          outcomes.push_back(std::move(outcome));
        }
        return Ok();
      }));
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (outcomes[i].inserted && jobs[i].message) {
      queue_.NotifySent(jobs[i].message->queue);
    }
  }
  return outcomes;
}

Result<store::InsertOutcome> SqlJobCommitter::InsertIn(sql::SqlSession& session,
                                                       const NewJob& new_job) {
  ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome,
                        store_.InsertIfAbsentIn(session, new_job.job));
  if (outcome.inserted && new_job.message) {
    ORCH_RETURN_IF_ERROR(queue_.SendIn(session, new_job.message->queue, new_job.message->body,
                                       new_job.message->delay));
  }
  return outcome;
}

Result<UpdatedJob> SqlJobCommitter::UpdateJob(const job::Job& job, std::int64_t expected_version,
                                              const std::vector<OutgoingMessage>& messages,
                                              const std::optional<DeliveredMessage>& settles,
                                              const std::vector<NewJob>& creates) {
  for (const OutgoingMessage& message : messages) {
    ORCH_RETURN_IF_ERROR(queue_.RequireQueue(message.queue));
  }
  for (const NewJob& new_job : creates) {
    if (new_job.message) {
      ORCH_RETURN_IF_ERROR(queue_.RequireQueue(new_job.message->queue));
    }
  }
  UpdatedJob stored;
  std::vector<std::string_view> created_queues;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(stored.job, store_.UpdateJobIn(session, job, expected_version));
        for (const NewJob& new_job : creates) {
          ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, InsertIn(session, new_job));
          if (outcome.inserted && new_job.message) {
            created_queues.push_back(new_job.message->queue);
          }
          stored.created.push_back(std::move(outcome));
        }
        for (const OutgoingMessage& message : messages) {
          ORCH_RETURN_IF_ERROR(queue_.SendIn(session, message.queue, message.body, message.delay));
        }
        if (settles) {
          ORCH_RETURN_IF_ERROR(queue_.AckIn(session, settles->queue, settles->receipt));
        }
        return Ok();
      }));
  for (const OutgoingMessage& message : messages) {
    queue_.NotifySent(message.queue);
  }
  for (std::string_view queue : created_queues) {
    queue_.NotifySent(queue);
  }
  return stored;
}

Result<std::vector<ReceivedMessage>> SqlJobCommitter::ReceiveAndClaim(
    std::string_view queue, std::uint32_t max_messages, std::chrono::milliseconds wait,
    const ClaimDecision& decide) {
  std::vector<ReceivedMessage> received;
  const auto claim_received = [&](sql::SqlSession& session,
                                  const std::vector<queue::Message>& messages) -> Result<void> {
    for (const queue::Message& message : messages) {
      ReceivedMessage item{.message = message};
      Result<std::string> id = ParseJobMessage(message.body);
      Result<job::Job> stored =
          id.ok() ? store_.GetJobIn(session, *id) : Result<job::Job>(id.error());
      if (!stored.ok() && stored.error().code() != ErrorCode::kNotFound &&
          stored.error().code() != ErrorCode::kInvalidArgument) {
        return stored.error();  // the database failed: nothing of this receive commits
      }
      std::optional<job::Job> claim = stored.ok() ? decide(*stored) : std::nullopt;
      if (claim) {
        Result<job::Job> locked = store_.UpdateJobIn(session, *claim, stored->version);
        if (locked.ok()) {
          ORCH_RETURN_IF_ERROR(queue_.AckIn(session, queue, message.receipt));
          item.claimed_from = stored->status;
          item.claimed = std::move(locked).value();
        } else if (locked.error().code() != ErrorCode::kConflict) {
          return locked.error();
        }
      }
      received.push_back(std::move(item));
    }
    return Ok();
  };
  ORCH_RETURN_IF_ERROR(queue_.ReceiveWithin(queue, max_messages, wait, claim_received));
  return received;
}

}  // namespace orch::engine
