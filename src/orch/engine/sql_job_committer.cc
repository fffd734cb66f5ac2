#include "orch/engine/sql_job_committer.h"

#include <fmt/ranges.h>

#include <set>

#include "orch/engine/queue_layout.h"

namespace orch::engine {
namespace {

// A composed statement's text depends on the writes in it, and PostgresDatabase prepares each
// text once per connection: bigger changes (a trigger run creating many jobs, a settlement
// admitting many blocks) take the transaction path, so that the prepared texts stay few and
// small.
constexpr std::size_t kMaxComposedWrites = 16;

}  // namespace

bool SqlJobCommitter::ComposesInOneStatement(std::size_t writes) const {
  return database_.dialect() == sql::Dialect::kPostgres && writes <= kMaxComposedWrites;
}

// PostgreSQL runs each statement atomically, so a job change, the jobs it creates, their
// messages and the acknowledgement are one statement of data-modifying WITH queries run in
// autocommit mode: one round trip instead of BEGIN, one per write and COMMIT (round trips are
// most of the cost of a change on PostgreSQL). Each write is guarded by the one it follows
// from: nothing unless the compare-and-set updated the job, no message unless its job was
// inserted. The result row holds, in order: the number of jobs updated (with an update), the
// number inserted per create, and the notifications sent.
Result<SqlJobCommitter::ComposedChange> SqlJobCommitter::ComposeChange(
    const std::optional<JobUpdate>& update, const std::vector<NewJob>& creates,
    const std::vector<OutgoingMessage>& messages,
    const std::optional<DeliveredMessage>& settles) const {
  ComposedChange change{.params = sql::ParamList(database_)};
  std::vector<std::string> queries;
  std::vector<std::string> columns;
  std::vector<std::string> sends;
  std::string after_update;
  if (update) {
    queries.push_back(fmt::format(
        "updated AS ({} RETURNING id)",
        store_.UpdateStatement(change.params, update->stored, update->expected_version)));
    columns.emplace_back("(SELECT count(*) FROM updated)");
    after_update = "EXISTS (SELECT 1 FROM updated)";
  }
  for (std::size_t i = 0; i < creates.size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(
        const std::string insert,
        store_.InsertIfAbsentStatement(change.params, creates[i].job, after_update));
    queries.push_back(fmt::format("created_{} AS ({} RETURNING id)", i, insert));
    columns.push_back(fmt::format("(SELECT count(*) FROM created_{})", i));
    if (const auto& message = creates[i].message) {
      sends.push_back(queue_.SendStatement(change.params, message->queue, message->body,
                                           message->delay,
                                           fmt::format("EXISTS (SELECT 1 FROM created_{})", i)));
    }
  }
  for (const OutgoingMessage& message : messages) {
    sends.push_back(queue_.SendStatement(change.params, message.queue, message.body, message.delay,
                                         after_update));
  }
  std::string sent_queues;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    queries.push_back(fmt::format("sent_{} AS ({} RETURNING queue)", i, sends[i]));
    sent_queues += fmt::format("{}SELECT queue FROM sent_{}", i == 0 ? "" : " UNION ", i);
  }
  if (!sends.empty()) {
    columns.push_back(fmt::format("(SELECT count({}) FROM ({}) AS sent)",
                                  queue::SqlQueue::NotifyCall(change.params, "queue"),
                                  sent_queues));
  }
  if (settles) {
    ORCH_ASSIGN_OR_RETURN(std::string ack,
                          queue_.AckStatement(change.params, settles->queue, settles->receipt));
    if (!after_update.empty()) {
      ack += " AND " + after_update;
    }
    queries.push_back(fmt::format("acked AS ({})", ack));
  }
  change.text =
      fmt::format("WITH {} SELECT {}", fmt::join(queries, ", "), fmt::join(columns, ", "));
  return change;
}

Result<sql::SqlRow> SqlJobCommitter::RunComposedIn(sql::SqlSession& session,
                                                   const ComposedChange& change) {
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(change.text, change.params.values()));
  if (rows.size() != 1) {
    return Error::Internal("a composed job change returned {} rows", rows.size());
  }
  return std::move(rows.front());
}

Result<bool> SqlJobCommitter::ClaimIn(sql::SqlSession& session, const job::Job& claim,
                                      std::int64_t expected_version,
                                      const DeliveredMessage& delivery) {
  if (database_.dialect() == sql::Dialect::kPostgres) {
    ORCH_ASSIGN_OR_RETURN(
        const ComposedChange change,
        ComposeChange(JobUpdate{.stored = store_.AsUpdated(claim, expected_version),
                                .expected_version = expected_version},
                      {}, {}, delivery));
    ORCH_ASSIGN_OR_RETURN(const sql::SqlRow counts, RunComposedIn(session, change));
    ORCH_ASSIGN_OR_RETURN(const std::int64_t updated, sql::ColumnInt64(counts, 0, "updated"));
    if (updated == 1) {
      return true;
    }
    Error missed = store_.MissedUpdateIn(session, claim.id, expected_version);
    if (missed.code() == ErrorCode::kConflict) {
      return false;
    }
    return missed;
  }
  Result<job::Job> locked = store_.UpdateJobIn(session, claim, expected_version);
  if (!locked.ok()) {
    if (locked.error().code() == ErrorCode::kConflict) {
      return false;
    }
    return locked.error();
  }
  ORCH_RETURN_IF_ERROR(queue_.AckIn(session, delivery.queue, delivery.receipt));
  return true;
}

Result<std::vector<store::InsertOutcome>> SqlJobCommitter::RunComposed(
    const std::optional<JobUpdate>& update, const std::vector<NewJob>& creates,
    const std::vector<OutgoingMessage>& messages, const std::optional<DeliveredMessage>& settles) {
  ORCH_ASSIGN_OR_RETURN(const ComposedChange change,
                        ComposeChange(update, creates, messages, settles));
  sql::SqlRow counts;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      sql::SqlDatabase::Access::kSingleStatement, [&](sql::SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(counts, RunComposedIn(session, change));
        return Ok();
      }));
  std::size_t column = 0;
  if (update) {
    ORCH_ASSIGN_OR_RETURN(const std::int64_t updated,
                          sql::ColumnInt64(counts, column++, "updated"));
    if (updated != 1) {
      const Result<void> missed = database_.InTransaction(
          sql::SqlDatabase::Access::kRead, [&](sql::SqlSession& session) -> Result<void> {
            return store_.MissedUpdateIn(session, update->stored.id, update->expected_version);
          });
      return missed.error();
    }
  }
  std::vector<store::InsertOutcome> outcomes;
  for (const NewJob& new_job : creates) {
    ORCH_ASSIGN_OR_RETURN(const std::int64_t inserted,
                          sql::ColumnInt64(counts, column++, "inserted"));
    store::InsertOutcome created{.inserted = inserted == 1};
    if (created.inserted) {
      created.job = new_job.job;
    } else {
      ORCH_RETURN_IF_ERROR(database_.InTransaction(
          sql::SqlDatabase::Access::kRead, [&](sql::SqlSession& session) -> Result<void> {
            ORCH_ASSIGN_OR_RETURN(created.job, store_.ConflictingJobIn(session, new_job.job));
            return Ok();
          }));
    }
    outcomes.push_back(std::move(created));
  }
  return outcomes;
}

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
  if (jobs.empty()) {
    return outcomes;
  }
  if (ComposesInOneStatement(jobs.size())) {
    ORCH_ASSIGN_OR_RETURN(outcomes, RunComposed(std::nullopt, jobs, {}, {}));
  } else {
    ORCH_RETURN_IF_ERROR(database_.InTransaction(
        sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
          for (const NewJob& new_job : jobs) {
            ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, InsertIn(session, new_job));
            outcomes.push_back(std::move(outcome));
          }
          return Ok();
        }));
  }
  NotifySent({}, jobs, outcomes);
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
  if (ComposesInOneStatement(creates.size() + messages.size())) {
    const JobUpdate update{.stored = store_.AsUpdated(job, expected_version),
                           .expected_version = expected_version};
    ORCH_ASSIGN_OR_RETURN(stored.created, RunComposed(update, creates, messages, settles));
    stored.job = update.stored;
    NotifySent(messages, creates, stored.created);
    return stored;
  }
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(stored.job, store_.UpdateJobIn(session, job, expected_version));
        for (const NewJob& new_job : creates) {
          ORCH_ASSIGN_OR_RETURN(store::InsertOutcome outcome, InsertIn(session, new_job));
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
  NotifySent(messages, creates, stored.created);
  return stored;
}

void SqlJobCommitter::NotifySent(const std::vector<OutgoingMessage>& messages,
                                 const std::vector<NewJob>& creates,
                                 const std::vector<store::InsertOutcome>& outcomes) {
  for (const OutgoingMessage& message : messages) {
    queue_.NotifySent(message.queue);
  }
  for (std::size_t i = 0; i < creates.size(); ++i) {
    if (outcomes[i].inserted && creates[i].message) {
      queue_.NotifySent(creates[i].message->queue);
    }
  }
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
        ORCH_ASSIGN_OR_RETURN(
            const bool claimed,
            ClaimIn(session, *claim, stored->version,
                    DeliveredMessage{.queue = std::string(queue), .receipt = message.receipt}));
        if (claimed) {
          item.claimed_from = stored->status;
          item.claimed = store_.AsUpdated(*claim, stored->version);
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
