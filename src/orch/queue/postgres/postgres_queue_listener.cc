#include "orch/queue/postgres/postgres_queue_listener.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "orch/queue/sql/sql_queue.h"

namespace orch::queue {
namespace {

class SignalReceiver final : public pqxx::notification_receiver {
 public:
  SignalReceiver(pqxx::connection& connection, QueueSignal& signal)
      : pqxx::notification_receiver(connection, std::string(kQueueNotifyChannel)),
        signal_(signal) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    signal_.Notify(payload);
  }

 private:
  QueueSignal& signal_;
};

constexpr long kPollMicroseconds = 200'000;  // how often the thread checks for a stop request
constexpr auto kMaxReconnectDelay = std::chrono::seconds(5);

}  // namespace

Result<std::unique_ptr<PostgresQueueListener>> PostgresQueueListener::Start(
    sql::PostgresDatabase& database, QueueSignal& signal) {
  // Check the server once so that a bad URL fails at start-up, not silently in the thread.
  ORCH_RETURN_IF_ERROR(database.Connect());
  std::unique_ptr<PostgresQueueListener> listener(new PostgresQueueListener(database, signal));
  listener->thread_ =
      std::jthread([raw = listener.get()](std::stop_token stop) { raw->Run(stop); });
  return listener;
}

PostgresQueueListener::PostgresQueueListener(sql::PostgresDatabase& database, QueueSignal& signal)
    : database_(database), signal_(signal) {}

PostgresQueueListener::~PostgresQueueListener() {
  thread_.request_stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void PostgresQueueListener::Run(std::stop_token stop) {
  std::chrono::milliseconds delay(100);
  while (!stop.stop_requested()) {
    Result<std::unique_ptr<pqxx::connection>> connection = database_.Connect();
    if (!connection.ok()) {
      spdlog::warn("queue listener: {}; retrying in {} ms", connection.error().message(),
                   delay.count());
      std::this_thread::sleep_for(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, kMaxReconnectDelay);
      continue;
    }
    try {
      SignalReceiver receiver(**connection, signal_);
      delay = std::chrono::milliseconds(100);
      while (!stop.stop_requested()) {
        (*connection)->await_notification(0, kPollMicroseconds);
      }
    } catch (const std::exception& e) {
      spdlog::warn("queue listener lost its PostgreSQL connection ({}); reconnecting", e.what());
    }
  }
}

}  // namespace orch::queue
