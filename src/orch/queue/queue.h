#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/clock.h"
#include "orch/common/result.h"

namespace orch::queue {

/// How a queue behaves; set once by CreateQueue and shared by every instance.
struct QueueConfig {
  std::string name;
  /// How long a received message stays invisible before it is delivered again.
  std::chrono::milliseconds visibility_timeout{std::chrono::seconds(360)};
  /// Where a message goes instead of its (max_receive_count + 1)-th delivery; none = never.
  std::optional<std::string> dead_letter_queue;
  std::uint32_t max_receive_count = 5;

  bool operator==(const QueueConfig&) const = default;
};

/// A delivered message. `receipt` identifies this delivery: acking or nacking with the receipt
/// of an earlier delivery (the message became visible again and was re-delivered) changes
/// nothing.
struct Message {
  std::string id;
  std::string body;
  std::string receipt;
  std::uint32_t receive_count = 0;  // 1 on the first delivery
  TimePoint sent_at;
};

/// Work queues with Amazon SQS semantics, so that the embedded backends and SQS are drop-in
/// replacements for each other:
///  - at-least-once delivery; order is not promised; nothing is lost;
///  - a per-message delay before first visibility;
///  - a received message is invisible for the queue's visibility timeout, then delivered again
///    unless acked (a crashed consumer loses nothing);
///  - the receive count grows with every delivery; past max_receive_count the message moves to
///    the dead-letter queue instead of being delivered;
///  - Ack deletes; Nack makes the message visible again after the given delay.
/// Receive blocks up to `wait` and returns as soon as a message is visible: it is woken by
/// sends (in-process at once; across processes through the backend's notification, if any)
/// and by the next delayed or invisible message becoming visible, never by a busy loop.
/// Implementations are thread-safe. Errors common to all methods: kUnavailable (backend
/// unreachable; retry), kNotFound (the queue does not exist: run `orchestrator setup`).
class Queue {
 public:
  virtual ~Queue() = default;

  /// Creates the queue, or updates its configuration if it exists. Idempotent.
  virtual Result<void> CreateQueue(const QueueConfig& config) = 0;

  /// Sends `body`, visible after `delay`. Returns the message id.
  virtual Result<std::string> Send(std::string_view queue, std::string_view body,
                                   std::chrono::milliseconds delay) = 0;

  /// Receives up to `max_messages` visible messages, waiting up to `wait` for the first one.
  /// An empty vector means none became visible in time.
  virtual Result<std::vector<Message>> Receive(std::string_view queue, std::uint32_t max_messages,
                                               std::chrono::milliseconds wait) = 0;

  /// Deletes the delivered message. A stale receipt changes nothing and is not an error.
  virtual Result<void> Ack(std::string_view queue, std::string_view receipt) = 0;

  /// Makes the delivered message visible again after `delay` (0 = now). A stale receipt
  /// changes nothing and is not an error.
  virtual Result<void> Nack(std::string_view queue, std::string_view receipt,
                            std::chrono::milliseconds delay) = 0;

  /// Messages visible now (SQS's ApproximateNumberOfMessages).
  virtual Result<std::uint64_t> ApproximateNumberOfMessages(std::string_view queue) = 0;

  /// How long the oldest message not yet deleted (visible, delayed or in flight) has been in
  /// the queue; nullopt when the queue is empty (SQS's ApproximateAgeOfOldestMessage).
  virtual Result<std::optional<std::chrono::milliseconds>> ApproximateAgeOfOldestMessage(
      std::string_view queue) = 0;
};

/// Checks a configuration before it is stored: a non-empty name of letters, digits, '_' and
/// '-' (at most 80, as SQS allows), a positive visibility timeout, a dead-letter queue other
/// than the queue itself. Errors: kInvalidArgument.
Result<void> ValidateQueueConfig(const QueueConfig& config);

}  // namespace orch::queue
