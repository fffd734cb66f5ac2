#pragma once

#include "orch/engine/job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/sql/sql_database.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::engine {

/// The JobCommitter for a SQL job store and a SQL queue in the same database: every change,
/// its messages and its acknowledgement are one transaction (on PostgreSQL one statement).
/// Thread-safe.
class SqlJobCommitter final : public JobCommitter {
 public:
  /// `store` and `queue` must use `database`.
  SqlJobCommitter(sql::SqlDatabase& database, store::SqlJobStore& store, queue::SqlQueue& queue);

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
  // Inserts `new_job` unless its (type, internal_id) exists, and sends its message if inserted.
  Result<store::InsertOutcome> InsertIn(sql::SqlSession& session, const NewJob& new_job);
  // Wakes this process's receivers of every queue a committed change sent to.
  void NotifySent(const std::vector<OutgoingMessage>& messages, const std::vector<NewJob>& creates,
                  const std::vector<store::InsertOutcome>& outcomes);

  // PostgreSQL: a whole change as one statement (ComposeChange in the .cc says how), unless it
  // makes more than a few writes.
  bool ComposesInOneStatement(std::size_t writes) const;
  struct JobUpdate {
    job::Job stored;  // as SqlJobStore::AsUpdated made it
    std::int64_t expected_version = 0;
  };
  struct ComposedChange {
    std::string text;
    sql::ParamList params;
  };
  Result<ComposedChange> ComposeChange(const std::optional<JobUpdate>& update,
                                       const std::vector<NewJob>& creates,
                                       const std::vector<OutgoingMessage>& messages,
                                       const std::optional<DeliveredMessage>& settles) const;
  // Runs a composed statement in `session`; returns its result row.
  Result<sql::SqlRow> RunComposedIn(sql::SqlSession& session, const ComposedChange& change);
  // Stores `claim` (compare-and-set) and acknowledges `delivery` in `session`; false when
  // another writer changed the job first (then nothing is written).
  Result<bool> ClaimIn(sql::SqlSession& session, const job::Job& claim,
                       std::int64_t expected_version, const DeliveredMessage& delivery);
  // Runs ComposeChange's statement; returns the outcome of each create, in order.
  Result<std::vector<store::InsertOutcome>> RunComposed(
      const std::optional<JobUpdate>& update, const std::vector<NewJob>& creates,
      const std::vector<OutgoingMessage>& messages, const std::optional<DeliveredMessage>& settles);

  sql::SqlDatabase& database_;
  store::SqlJobStore& store_;
  queue::SqlQueue& queue_;
};

}  // namespace orch::engine
