#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "orch/common/clock.h"
#include "orch/queue/queue.h"
#include "orch/queue/queue_signal.h"
#include "orch/sql/sql_database.h"

namespace orch::queue {

struct SqlQueueOptions {
  /// The longest one wait lasts without a notification. Sends by this process wake receivers
  /// at once, and on PostgreSQL so do other processes' (LISTEN/NOTIFY); SQLite has no
  /// cross-process notification, so this bound is how soon another process's send is seen.
  std::chrono::milliseconds notification_fallback{std::chrono::milliseconds(500)};
};

/// Queue over the `queues` and `queue_messages` tables of a SQL database (SQLite or
/// PostgreSQL). Visibility, delays and receive counts are columns; a receive is one write
/// transaction that claims rows (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent consumers
/// never block on each other's rows) and pushes their visibility forward. On SQLite, which has
/// one writer at a time anyway, this process's receives from one queue take turns. Deadlines come
/// from the injected clock, so every instance must have a synchronised clock. Queue configurations
/// are cached after the first read: a changed visibility timeout reaches running instances when
/// they restart. Thread-safe.
class SqlQueue final : public Queue {
 public:
  SqlQueue(sql::SqlDatabase& database, const Clock& clock, QueueSignal& signal,
           SqlQueueOptions options = {});

  // Queue
  Result<void> CreateQueue(const QueueConfig& config) override;
  Result<std::string> Send(std::string_view queue, std::string_view body,
                           std::chrono::milliseconds delay) override;
  Result<std::vector<Message>> Receive(std::string_view queue, std::uint32_t max_messages,
                                       std::chrono::milliseconds wait) override;
  Result<void> Ack(std::string_view queue, std::string_view receipt) override;
  Result<void> Nack(std::string_view queue, std::string_view receipt,
                    std::chrono::milliseconds delay) override;
  Result<std::uint64_t> ApproximateNumberOfMessages(std::string_view queue) override;
  Result<std::optional<std::chrono::milliseconds>> ApproximateAgeOfOldestMessage(
      std::string_view queue) override;

  /// Sending and acking inside a caller's transaction, so that a job change and the messages
  /// it causes commit together (engine/sql_job_committer.h). RequireQueue before the
  /// transaction (it may read the queue's configuration); NotifySent after the commit for
  /// every queue sent to, so that this process's receivers wake at once.
  Result<void> RequireQueue(std::string_view queue);
  Result<std::string> SendIn(sql::SqlSession& session, std::string_view queue,
                             std::string_view body, std::chrono::milliseconds delay);
  Result<void> AckIn(sql::SqlSession& session, std::string_view queue, std::string_view receipt);
  void NotifySent(std::string_view queue);

  /// The writes of SendIn and AckIn as statement text, for a caller that composes several
  /// into one statement (PostgreSQL's data-modifying WITH: engine/sql_job_committer.cc).
  /// Placeholders are added to `params`. With a `condition` (SQL), the send inserts only where
  /// that holds. NotifyCall is the PostgreSQL expression that wakes other processes' receivers
  /// of the queue named by `queue_expression` (SQL) when the transaction commits.
  std::string SendStatement(sql::ParamList& params, std::string_view queue, std::string_view body,
                            std::chrono::milliseconds delay, std::string_view condition) const;
  Result<std::string> AckStatement(sql::ParamList& params, std::string_view queue,
                                   std::string_view receipt) const;
  static std::string NotifyCall(sql::ParamList& params, std::string_view queue_expression);

  /// Receive, and run `within` on the received messages (never none) in the transaction that
  /// receives them, so that what the caller does with them (claiming their jobs, acknowledging
  /// them) commits with the receipt. An error from `within` rolls the receive back.
  using WithinReceive =
      std::function<Result<void>(sql::SqlSession& session, const std::vector<Message>& messages)>;
  Result<std::vector<Message>> ReceiveWithin(std::string_view queue, std::uint32_t max_messages,
                                             std::chrono::milliseconds wait,
                                             const WithinReceive& within);

 private:
  struct Attempt {
    std::vector<Message> messages;
    std::optional<TimePoint> next_visible_at;  // earliest invisible message, when none came
  };

  // What one receive statement (or two) took from a queue.
  struct Batch {
    std::vector<Message> delivered;
    std::size_t dead = 0;  // moved to the dead-letter queue
  };

  Result<QueueConfig> Config(std::string_view queue);
  // Receives up to `max_messages` visible messages in `session`. The PostgreSQL form is one
  // statement; the other selects, then updates.
  Result<Batch> ReceiveBatch(sql::SqlSession& session, const QueueConfig& config,
                             std::uint32_t max_messages, TimePoint now);
  Result<Batch> ReceiveBatchPostgres(sql::SqlSession& session, const QueueConfig& config,
                                     std::uint32_t max_messages, TimePoint now);
  // On SQLite, this process's receives from `queue` take turns (see TryReceive).
  std::unique_lock<std::mutex> TakeReceiveTurn(std::string_view queue);
  Result<Attempt> TryReceive(const QueueConfig& config, std::uint32_t max_messages,
                             const WithinReceive* within);

  sql::SqlDatabase& database_;
  const Clock& clock_;
  QueueSignal& signal_;
  const SqlQueueOptions options_;
  std::mutex configs_mutex_;
  std::map<std::string, QueueConfig, std::less<>> configs_;  // guarded by configs_mutex_
  std::mutex receive_turns_mutex_;
  // One per queue, created on first use and never removed; guarded by receive_turns_mutex_.
  std::map<std::string, std::unique_ptr<std::mutex>, std::less<>> receive_turns_;
};

/// The NOTIFY channel on which PostgreSQL sends carry the queue name.
inline constexpr std::string_view kQueueNotifyChannel = "orch_queue";

}  // namespace orch::queue
