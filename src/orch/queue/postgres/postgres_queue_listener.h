#pragma once

#include <memory>
#include <thread>

#include "orch/queue/queue_signal.h"
#include "orch/sql/postgres/postgres_database.h"

namespace orch::queue {

/// Carries other processes' sends to this process's receivers: LISTENs on the queue channel
/// with a dedicated connection and turns each notification into QueueSignal::Notify. When the
/// connection breaks it reconnects with backoff; meanwhile receivers still wake on their
/// fallback bound, so nothing is lost, only later. Owns one thread; stops in the destructor.
class PostgresQueueListener {
 public:
  /// Starts listening. Errors: kUnavailable when the first connection cannot be made.
  static Result<std::unique_ptr<PostgresQueueListener>> Start(sql::PostgresDatabase& database,
                                                              QueueSignal& signal);
  ~PostgresQueueListener();

  PostgresQueueListener(const PostgresQueueListener&) = delete;
  PostgresQueueListener& operator=(const PostgresQueueListener&) = delete;

 private:
  PostgresQueueListener(sql::PostgresDatabase& database, QueueSignal& signal);
  void Run(std::stop_token stop);

  sql::PostgresDatabase& database_;
  QueueSignal& signal_;
  std::jthread thread_;
};

}  // namespace orch::queue
