#include "orch/engine/worker_pool.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

namespace orch::engine {
namespace {

// How long one Receive waits before the consumer checks for a stop request.
constexpr auto kReceiveWait = std::chrono::milliseconds(500);

}  // namespace

WorkerPool::WorkerPool(queue::Queue& queue, std::vector<Consumer> consumers,
                       std::chrono::milliseconds error_retry_delay)
    : queue_(queue), consumers_(std::move(consumers)), error_retry_delay_(error_retry_delay) {}

WorkerPool::~WorkerPool() = default;

void WorkerPool::Start() {
  for (const Consumer& consumer : consumers_) {
    for (int i = 0; i < consumer.concurrency; ++i) {
      ++running_;
      threads_.emplace_back([this, &consumer](std::stop_token stop) {
        Consume(consumer, stop);
        --running_;
      });
    }
  }
}

bool WorkerPool::Stop(std::chrono::milliseconds timeout) {
  for (std::jthread& thread : threads_) {
    thread.request_stop();
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Consumers notice the stop within one receive wait, or when their handler returns.
  while (running_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (running_.load() == 0) {
    threads_.clear();
  }
  // Consumers still waiting in Receive are harmless (they hand back what they get); only
  // messages being handled mean unfinished work.
  return busy_.load() == 0;
}

Result<std::vector<ReceivedMessage>> WorkerPool::Receive(const Consumer& consumer,
                                                         const std::stop_token& stop) {
  if (consumer.receive) {
    return consumer.receive(1, kReceiveWait, stop);
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<queue::Message> messages,
                        queue_.Receive(consumer.queue, 1, kReceiveWait));
  std::vector<ReceivedMessage> received;
  received.reserve(messages.size());
  for (queue::Message& message : messages) {
    received.push_back({.message = std::move(message)});
  }
  return received;
}

void WorkerPool::Consume(const Consumer& consumer, const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    Result<std::vector<ReceivedMessage>> received = Receive(consumer, stop);
    if (!received.ok()) {
      spdlog::warn("queue {}: {}; retrying", consumer.queue, received.error().message());
      std::this_thread::sleep_for(error_retry_delay_);
      continue;
    }
    for (const ReceivedMessage& item : *received) {
      const queue::Message& message = item.message;
      if (stop.stop_requested() && !item.claimed) {
        // Stopping: hand the message back at once rather than start work that may not finish.
        // A job the receive claimed just before the stop request is handled like any job in
        // flight then (Engine::Stop releases its lease if it does not finish in time).
        (void)queue_.Nack(consumer.queue, message.receipt, std::chrono::milliseconds(0));
        continue;
      }
      ++busy_;
      Result<MessageOutcome> outcome = consumer.handle(item);
      --busy_;
      Result<void> settled = Ok();
      if (!outcome.ok()) {
        spdlog::warn("queue {}: message {} failed (delivery {}): {}", consumer.queue, message.id,
                     message.receive_count, outcome.error().ToString());
        settled = queue_.Nack(consumer.queue, message.receipt, error_retry_delay_);
      } else if (outcome->action == MessageOutcome::Action::kAck) {
        settled = queue_.Ack(consumer.queue, message.receipt);
      } else if (outcome->action == MessageOutcome::Action::kRetryAfter) {
        settled = queue_.Nack(consumer.queue, message.receipt, outcome->nack_delay);
      }
      if (!settled.ok()) {
        // The message comes back after its visibility timeout; handlers are idempotent.
        spdlog::warn("queue {}: could not settle message {}: {}", consumer.queue, message.id,
                     settled.error().message());
      }
    }
  }
}

}  // namespace orch::engine
