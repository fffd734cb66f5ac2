#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "orch/engine/job_service.h"
#include "orch/queue/queue.h"

namespace orch::engine {

/// Consumes queues on fixed threads: `concurrency` consumers per queue, each taking one message
/// at a time, handing it to its handler and acking or nacking as the handler says (or leaving
/// it alone when the handler settled it itself). Consumers wait in Queue::Receive (or their
/// own receiver), so they wake as soon as a message is visible. A handler error is logged and
/// the message retried after `error_retry_delay`.
/// Start once; Stop (or the destructor) lets every consumer finish its current message.
/// Thread-safe.
class WorkerPool {
 public:
  using MessageHandler = std::function<Result<MessageOutcome>(const ReceivedMessage& received)>;
  /// Receives up to `max_messages`, waiting up to `wait` for the first. Once `stop` is
  /// requested it must claim nothing: what it receives then goes back to the queue.
  using Receiver = std::function<Result<std::vector<ReceivedMessage>>(
      std::uint32_t max_messages, std::chrono::milliseconds wait, const std::stop_token& stop)>;

  struct Consumer {
    std::string queue;
    int concurrency = 1;
    MessageHandler handle;
    /// How this consumer receives (e.g. claiming jobs in the receiving commit); Queue::Receive
    /// when empty.
    Receiver receive;
  };

  WorkerPool(queue::Queue& queue, std::vector<Consumer> consumers,
             std::chrono::milliseconds error_retry_delay = std::chrono::seconds(1));
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();
  /// Asks every consumer to stop and waits until each finished its current message, at most
  /// `timeout`. Returns false if some consumer was still handling a message: the caller then
  /// releases (or lets expire) the lease of its job, and the pool's destructor waits for the
  /// consumer. A consumer that receives a message after the stop request hands it back at once.
  bool Stop(std::chrono::milliseconds timeout);

 private:
  void Consume(const Consumer& consumer, const std::stop_token& stop);
  Result<std::vector<ReceivedMessage>> Receive(const Consumer& consumer,
                                               const std::stop_token& stop);

  queue::Queue& queue_;
  const std::vector<Consumer> consumers_;
  const std::chrono::milliseconds error_retry_delay_;
  std::atomic<int> busy_{0};
  std::atomic<int> running_{0};
  // Last, so that its destruction (which joins every consumer) comes before the members above.
  std::vector<std::jthread> threads_;
};

}  // namespace orch::engine
