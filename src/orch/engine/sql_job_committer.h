#pragma once

#include "orch/engine/job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/sql/sql_database.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::engine {

/// The JobCommitter for a SQL job store and a SQL queue in the same database: every change,
/// its messages and its acknowledgement are one transaction. Thread-safe.
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

  sql::SqlDatabase& database_;
  store::SqlJobStore& store_;
  queue::SqlQueue& queue_;
};

}  // namespace orch::engine
