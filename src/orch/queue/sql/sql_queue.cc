#include "orch/queue/sql/sql_queue.h"

#include <algorithm>
#include <charconv>

namespace orch::queue {
namespace {

using sql::ParamList;
using sql::SqlDatabase;
using sql::SqlSession;

struct ParsedReceipt {
  std::int64_t id = 0;
  std::int64_t receive_count = 0;
};

// A receipt is "<message id>:<receive count of that delivery>": a later delivery has a higher
// count, so an old receipt no longer matches the row.
std::string MakeReceipt(std::int64_t id, std::int64_t receive_count) {
  return std::to_string(id) + ":" + std::to_string(receive_count);
}

Result<ParsedReceipt> ParseReceipt(std::string_view receipt) {
  const auto colon = receipt.find(':');
  ParsedReceipt parsed;
  if (colon != std::string_view::npos) {
    const char* begin = receipt.data();
    const auto [id_end, id_ec] = std::from_chars(begin, begin + colon, parsed.id);
    const auto [count_end, count_ec] =
        std::from_chars(begin + colon + 1, begin + receipt.size(), parsed.receive_count);
    if (id_ec == std::errc() && count_ec == std::errc() && id_end == begin + colon &&
        count_end == begin + receipt.size()) {
      return parsed;
    }
  }
  return Error::InvalidArgument("malformed receipt handle '{}'", receipt);
}

std::string IdList(ParamList& params, const std::vector<std::int64_t>& ids) {
  std::string list = "(";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    list += (i == 0 ? "" : ", ") + params.Add(ids[i]);
  }
  return list + ")";
}

}  // namespace

SqlQueue::SqlQueue(sql::SqlDatabase& database, const Clock& clock, QueueSignal& signal,
                   SqlQueueOptions options)
    : database_(database), clock_(clock), signal_(signal), options_(options) {}

Result<void> SqlQueue::CreateQueue(const QueueConfig& config) {
  ORCH_RETURN_IF_ERROR(ValidateQueueConfig(config));
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        const std::string upsert = fmt::format(
            "INSERT INTO queues (name, visibility_timeout_ms, dead_letter_queue, "
            "max_receive_count) VALUES ({}, {}, {}, {}) ON CONFLICT (name) DO UPDATE SET "
            "visibility_timeout_ms = excluded.visibility_timeout_ms, "
            "dead_letter_queue = excluded.dead_letter_queue, "
            "max_receive_count = excluded.max_receive_count",
            params.Add(config.name), params.Add(config.visibility_timeout.count()),
            params.Add(config.dead_letter_queue ? sql::SqlValue(*config.dead_letter_queue)
                                                : sql::SqlValue(nullptr)),
            params.Add(std::int64_t{config.max_receive_count}));
        ORCH_RETURN_IF_ERROR(session.Execute(upsert, params.values()));
        return Ok();
      }));
  std::lock_guard lock(configs_mutex_);
  configs_.insert_or_assign(config.name, config);
  return Ok();
}

Result<QueueConfig> SqlQueue::Config(std::string_view queue) {
  {
    std::lock_guard lock(configs_mutex_);
    if (const auto it = configs_.find(queue); it != configs_.end()) {
      return it->second;
    }
  }
  std::optional<QueueConfig> config;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        ORCH_ASSIGN_OR_RETURN(
            auto rows, session.Query(fmt::format("SELECT visibility_timeout_ms, dead_letter_queue, "
                                                 "max_receive_count FROM queues WHERE name = {}",
                                                 params.Add(std::string(queue))),
                                     params.values()));
        if (rows.empty()) {
          return Ok();
        }
        QueueConfig found;
        found.name = std::string(queue);
        ORCH_ASSIGN_OR_RETURN(std::int64_t visibility,
                              sql::ColumnInt64(rows[0], 0, "visibility_timeout_ms"));
        found.visibility_timeout = std::chrono::milliseconds(visibility);
        found.dead_letter_queue = rows[0][1];
        ORCH_ASSIGN_OR_RETURN(std::int64_t max_receive,
                              sql::ColumnInt64(rows[0], 2, "max_receive_count"));
        found.max_receive_count = static_cast<std::uint32_t>(max_receive);
        config = std::move(found);
        return Ok();
      }));
  if (!config) {
    return Error::NotFound("queue {} does not exist: run `orchestrator setup` first", queue);
  }
  std::lock_guard lock(configs_mutex_);
  configs_.insert_or_assign(config->name, *config);
  return *config;
}

Result<std::string> SqlQueue::Send(std::string_view queue, std::string_view body,
                                   std::chrono::milliseconds delay) {
  ORCH_RETURN_IF_ERROR(RequireQueue(queue));
  std::string id;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(id, SendIn(session, queue, body, delay));
        return Ok();
      }));
  NotifySent(queue);
  return id;
}

Result<void> SqlQueue::RequireQueue(std::string_view queue) {
  ORCH_RETURN_IF_ERROR(Config(queue));
  return Ok();
}

std::string SqlQueue::SendStatement(ParamList& params, std::string_view queue,
                                    std::string_view body, std::chrono::milliseconds delay,
                                    std::string_view condition) const {
  const TimePoint now = clock_.Now();
  const std::string values = fmt::format(
      "{}, {}, {}, 0, {}", params.Add(std::string(queue)), params.Add(std::string(body)),
      params.Add(ToUnixMillis(now + std::max(delay, std::chrono::milliseconds::zero()))),
      params.Add(ToUnixMillis(now)));
  return fmt::format(
      "INSERT INTO queue_messages (queue, body, visible_at, receive_count, sent_at) {}",
      condition.empty() ? fmt::format("VALUES ({})", values)
                        : fmt::format("SELECT {} WHERE {}", values, condition));
}

std::string SqlQueue::NotifyCall(ParamList& params, std::string_view queue_expression) {
  return fmt::format("pg_notify({}, {})", params.Add(std::string(kQueueNotifyChannel)),
                     queue_expression);
}

Result<std::string> SqlQueue::SendIn(SqlSession& session, std::string_view queue,
                                     std::string_view body, std::chrono::milliseconds delay) {
  ParamList params(database_);
  const std::string insert = SendStatement(params, queue, body, delay, "") + " RETURNING id";
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(insert, params.values()));
  ORCH_ASSIGN_OR_RETURN(std::string id, sql::ColumnText(rows.at(0), 0, "id"));
  if (database_.dialect() == sql::Dialect::kPostgres) {
    ParamList notify(database_);
    const std::string queue_param = notify.Add(std::string(queue));
    ORCH_RETURN_IF_ERROR(
        session.Query("SELECT " + NotifyCall(notify, queue_param), notify.values()));
  }
  return id;
}

void SqlQueue::NotifySent(std::string_view queue) { signal_.Notify(queue); }

std::unique_lock<std::mutex> SqlQueue::TakeReceiveTurn(std::string_view queue) {
  if (database_.dialect() != sql::Dialect::kSqlite) {
    return {};
  }
  std::lock_guard lock(receive_turns_mutex_);
  auto it = receive_turns_.find(queue);
  if (it == receive_turns_.end()) {
    it = receive_turns_.emplace(std::string(queue), std::make_unique<std::mutex>()).first;
  }
  return std::unique_lock<std::mutex>(*it->second);
}

Result<SqlQueue::Batch> SqlQueue::ReceiveBatch(SqlSession& session, const QueueConfig& config,
                                               std::uint32_t max_messages, TimePoint now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  ParamList params(database_);
  const std::string select = fmt::format(
      "SELECT id, body, receive_count, sent_at FROM queue_messages "
      "WHERE queue = {} AND visible_at <= {} ORDER BY visible_at, id LIMIT {}",
      params.Add(config.name), params.Add(now_ms), params.Add(std::int64_t{max_messages}));
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(select, params.values()));
  Batch batch;
  std::vector<std::int64_t> deliver;
  std::vector<std::int64_t> dead;
  for (const sql::SqlRow& row : rows) {
    ORCH_ASSIGN_OR_RETURN(std::int64_t id, sql::ColumnInt64(row, 0, "id"));
    ORCH_ASSIGN_OR_RETURN(std::int64_t count, sql::ColumnInt64(row, 2, "receive_count"));
    if (config.dead_letter_queue && count >= config.max_receive_count) {
      dead.push_back(id);
      continue;
    }
    ORCH_ASSIGN_OR_RETURN(std::int64_t sent_at, sql::ColumnInt64(row, 3, "sent_at"));
    deliver.push_back(id);
    batch.delivered.push_back(Message{.id = std::to_string(id),
                                      .body = row[1].value_or(""),
                                      .receipt = MakeReceipt(id, count + 1),
                                      .receive_count = static_cast<std::uint32_t>(count + 1),
                                      .sent_at = FromUnixMillis(sent_at)});
  }
  if (!dead.empty()) {
    ParamList move(database_);
    const std::string update = fmt::format(
        "UPDATE queue_messages SET queue = {}, visible_at = {}, receive_count = 0 "
        "WHERE id IN {}",
        move.Add(*config.dead_letter_queue), move.Add(now_ms), IdList(move, dead));
    ORCH_RETURN_IF_ERROR(session.Execute(update, move.values()));
    batch.dead = dead.size();
  }
  if (!deliver.empty()) {
    ParamList claim(database_);
    const std::string update = fmt::format(
        "UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = {} "
        "WHERE id IN {}",
        claim.Add(ToUnixMillis(now + config.visibility_timeout)), IdList(claim, deliver));
    ORCH_RETURN_IF_ERROR(session.Execute(update, claim.values()));
  }
  return batch;
}

// One statement instead of a select and an update per kind of row (round trips are most of
// the cost of a receive on PostgreSQL): the visible messages are locked (SKIP LOCKED, so
// concurrent consumers never wait for each other's rows), the ones past their last delivery
// move to the dead-letter queue (notifying its receivers), and the others are delivered. The
// last row counts the messages moved.
Result<SqlQueue::Batch> SqlQueue::ReceiveBatchPostgres(SqlSession& session,
                                                       const QueueConfig& config,
                                                       std::uint32_t max_messages, TimePoint now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  ParamList params(database_);
  std::string statement = fmt::format(
      "WITH picked AS (SELECT id, visible_at FROM queue_messages "
      "WHERE queue = {} AND visible_at <= {} ORDER BY visible_at, id LIMIT {} "
      "FOR UPDATE SKIP LOCKED), ",
      params.Add(config.name), params.Add(now_ms), params.Add(std::int64_t{max_messages}));
  std::string deliverable = "true";
  std::string moved = "SELECT 0";
  if (config.dead_letter_queue) {
    const std::string max_receive = params.Add(std::int64_t{config.max_receive_count});
    const std::string dead_letter_queue = params.Add(*config.dead_letter_queue);
    statement += fmt::format(
        "dead AS (UPDATE queue_messages m SET queue = {}, visible_at = {}, receive_count = 0 "
        "FROM picked WHERE m.id = picked.id AND m.receive_count >= {} RETURNING m.id), ",
        dead_letter_queue, params.Add(now_ms), max_receive);
    deliverable = "m.receive_count < " + max_receive;
    moved = fmt::format("SELECT count({}) FROM dead", NotifyCall(params, dead_letter_queue));
  }
  statement += fmt::format(
      "delivered AS (UPDATE queue_messages m SET receive_count = m.receive_count + 1, "
      "visible_at = {} FROM picked WHERE m.id = picked.id AND {} "
      "RETURNING m.id, m.body, m.receive_count, m.sent_at, picked.visible_at AS was_visible_at) "
      "SELECT id, body, receive_count, sent_at, was_visible_at FROM delivered "
      "UNION ALL SELECT NULL, NULL, ({}), NULL, NULL",
      params.Add(ToUnixMillis(now + config.visibility_timeout)), deliverable, moved);
  ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(statement, params.values()));
  if (rows.empty()) {
    return Error::Internal("receiving from {} returned no rows", config.name);
  }
  Batch batch;
  ORCH_ASSIGN_OR_RETURN(const std::int64_t dead, sql::ColumnInt64(rows.back(), 2, "moved"));
  batch.dead = static_cast<std::size_t>(dead);
  rows.pop_back();
  std::vector<std::pair<std::pair<std::int64_t, std::int64_t>, Message>> delivered;
  for (const sql::SqlRow& row : rows) {
    ORCH_ASSIGN_OR_RETURN(std::int64_t id, sql::ColumnInt64(row, 0, "id"));
    ORCH_ASSIGN_OR_RETURN(std::int64_t count, sql::ColumnInt64(row, 2, "receive_count"));
    ORCH_ASSIGN_OR_RETURN(std::int64_t sent_at, sql::ColumnInt64(row, 3, "sent_at"));
    ORCH_ASSIGN_OR_RETURN(std::int64_t was_visible_at, sql::ColumnInt64(row, 4, "visible_at"));
    delivered.push_back({{was_visible_at, id},
                         Message{.id = std::to_string(id),
                                 .body = row[1].value_or(""),
                                 .receipt = MakeReceipt(id, count),
                                 .receive_count = static_cast<std::uint32_t>(count),
                                 .sent_at = FromUnixMillis(sent_at)}});
  }
  // In the order a select would have picked them (RETURNING has no order).
  std::sort(delivered.begin(), delivered.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, message] : delivered) {
    batch.delivered.push_back(std::move(message));
  }
  return batch;
}

Result<SqlQueue::Attempt> SqlQueue::TryReceive(const QueueConfig& config,
                                               std::uint32_t max_messages,
                                               const WithinReceive* within) {
  // SQLite runs one writer at a time anyway. Taking turns per queue means a consumer looks for
  // visible messages only after the previous receive committed, instead of seeing the message
  // that receive is taking and opening a write transaction that finds nothing (with 5
  // consumers per queue, 2 such transactions per block). PostgreSQL receives in parallel
  // (SKIP LOCKED).
  const std::unique_lock<std::mutex> turn = TakeReceiveTurn(config.name);
  const TimePoint now = clock_.Now();
  const std::int64_t now_ms = ToUnixMillis(now);
  Attempt attempt;
  // Most receives of a busy pool find nothing (several consumers wake for one message); a read
  // transaction answers that without queueing behind the writers.
  bool any_visible = false;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        ORCH_ASSIGN_OR_RETURN(
            auto rows, session.Query(fmt::format("SELECT MIN(visible_at) FROM queue_messages "
                                                 "WHERE queue = {}",
                                                 params.Add(config.name)),
                                     params.values()));
        if (!rows.empty() && rows[0][0]) {
          ORCH_ASSIGN_OR_RETURN(std::int64_t next, sql::ColumnInt64(rows[0], 0, "visible_at"));
          any_visible = next <= now_ms;
          attempt.next_visible_at = FromUnixMillis(next);
        }
        return Ok();
      }));
  if (!any_visible) {
    return attempt;
  }
  // Another consumer may take what was visible first; then the caller waits for a signal.
  attempt.next_visible_at.reset();
  bool moved_to_dead_letter = false;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        // Messages past their last delivery move to the dead-letter queue and make room for
        // others, so receive again until the batch is full or the queue has no visible ones.
        while (attempt.messages.size() < max_messages) {
          const std::uint32_t wanted =
              max_messages - static_cast<std::uint32_t>(attempt.messages.size());
          ORCH_ASSIGN_OR_RETURN(const Batch batch,
                                database_.dialect() == sql::Dialect::kPostgres
                                    ? ReceiveBatchPostgres(session, config, wanted, now)
                                    : ReceiveBatch(session, config, wanted, now));
          attempt.messages.insert(attempt.messages.end(), batch.delivered.begin(),
                                  batch.delivered.end());
          moved_to_dead_letter = moved_to_dead_letter || batch.dead > 0;
          if (batch.dead == 0) {
            break;
          }
        }
        if (within != nullptr && !attempt.messages.empty()) {
          ORCH_RETURN_IF_ERROR((*within)(session, attempt.messages));
        }
        return Ok();
      }));
  if (moved_to_dead_letter) {
    signal_.Notify(*config.dead_letter_queue);
  }
  return attempt;
}

Result<std::vector<Message>> SqlQueue::Receive(std::string_view queue, std::uint32_t max_messages,
                                               std::chrono::milliseconds wait) {
  return ReceiveWithin(queue, max_messages, wait, nullptr);
}

Result<std::vector<Message>> SqlQueue::ReceiveWithin(std::string_view queue,
                                                     std::uint32_t max_messages,
                                                     std::chrono::milliseconds wait,
                                                     const WithinReceive& within) {
  ORCH_ASSIGN_OR_RETURN(const QueueConfig config, Config(queue));
  if (max_messages == 0) {
    return std::vector<Message>();
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    const std::uint64_t seen = signal_.Sequence(queue);
    ORCH_ASSIGN_OR_RETURN(Attempt attempt,
                          TryReceive(config, max_messages, within ? &within : nullptr));
    if (!attempt.messages.empty()) {
      return std::move(attempt.messages);
    }
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining <= std::chrono::milliseconds::zero()) {
      return std::vector<Message>();
    }
    auto sleep = std::min(remaining, options_.notification_fallback);
    if (attempt.next_visible_at) {
      const auto until_visible = *attempt.next_visible_at - clock_.Now();
      sleep = std::min(sleep, std::max(until_visible, std::chrono::milliseconds(1)));
    }
    signal_.WaitFor(queue, seen, sleep);
  }
}

Result<void> SqlQueue::Ack(std::string_view queue, std::string_view receipt) {
  return database_.InTransaction(SqlDatabase::Access::kWrite, [&](SqlSession& session) {
    return AckIn(session, queue, receipt);
  });
}

Result<std::string> SqlQueue::AckStatement(ParamList& params, std::string_view queue,
                                           std::string_view receipt) const {
  ORCH_ASSIGN_OR_RETURN(const ParsedReceipt parsed, ParseReceipt(receipt));
  return fmt::format(
      "DELETE FROM queue_messages WHERE id = {} AND queue = {} AND receive_count = {}",
      params.Add(parsed.id), params.Add(std::string(queue)), params.Add(parsed.receive_count));
}

Result<void> SqlQueue::AckIn(SqlSession& session, std::string_view queue,
                             std::string_view receipt) {
  ParamList params(database_);
  ORCH_ASSIGN_OR_RETURN(const std::string remove, AckStatement(params, queue, receipt));
  ORCH_RETURN_IF_ERROR(session.Execute(remove, params.values()));
  return Ok();
}

Result<void> SqlQueue::Nack(std::string_view queue, std::string_view receipt,
                            std::chrono::milliseconds delay) {
  ORCH_ASSIGN_OR_RETURN(const ParsedReceipt parsed, ParseReceipt(receipt));
  const TimePoint visible_at = clock_.Now() + std::max(delay, std::chrono::milliseconds::zero());
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        const std::string update = fmt::format(
            "UPDATE queue_messages SET visible_at = {} "
            "WHERE id = {} AND queue = {} AND receive_count = {}",
            params.Add(ToUnixMillis(visible_at)), params.Add(parsed.id),
            params.Add(std::string(queue)), params.Add(parsed.receive_count));
        ORCH_RETURN_IF_ERROR(session.Execute(update, params.values()));
        return Ok();
      }));
  signal_.Notify(queue);
  return Ok();
}

Result<std::uint64_t> SqlQueue::ApproximateNumberOfMessages(std::string_view queue) {
  ORCH_RETURN_IF_ERROR(Config(queue));
  std::int64_t count = 0;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        ORCH_ASSIGN_OR_RETURN(auto rows,
                              session.Query(fmt::format("SELECT COUNT(*) FROM queue_messages "
                                                        "WHERE queue = {} AND visible_at <= {}",
                                                        params.Add(std::string(queue)),
                                                        params.Add(ToUnixMillis(clock_.Now()))),
                                            params.values()));
        ORCH_ASSIGN_OR_RETURN(count, sql::ColumnInt64(rows.at(0), 0, "count"));
        return Ok();
      }));
  return static_cast<std::uint64_t>(count);
}

Result<std::optional<std::chrono::milliseconds>> SqlQueue::ApproximateAgeOfOldestMessage(
    std::string_view queue) {
  ORCH_RETURN_IF_ERROR(Config(queue));
  std::optional<std::int64_t> oldest;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        ORCH_ASSIGN_OR_RETURN(auto rows,
                              session.Query(fmt::format("SELECT MIN(sent_at) FROM queue_messages "
                                                        "WHERE queue = {}",
                                                        params.Add(std::string(queue))),
                                            params.values()));
        if (!rows.empty() && rows[0][0]) {
          ORCH_ASSIGN_OR_RETURN(oldest, sql::ColumnInt64(rows[0], 0, "sent_at"));
        }
        return Ok();
      }));
  if (!oldest) {
    return std::optional<std::chrono::milliseconds>();
  }
  return std::optional<std::chrono::milliseconds>(
      std::max(std::chrono::milliseconds(0), clock_.Now() - FromUnixMillis(*oldest)));
}

}  // namespace orch::queue
