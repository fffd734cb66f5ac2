#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "orch/alert/alerter.h"

namespace orch::alert {

struct DeliveryOptions {
  std::size_t max_pending = 1000;  // alerts waiting for delivery; beyond it the oldest is dropped
  int max_attempts = 5;            // per alert, the first try included
  std::chrono::milliseconds initial_backoff{500};  // before the second attempt; then doubling
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds request_timeout{5000};  // per attempt
  std::chrono::milliseconds flush_timeout{2000};    // how long Stop() keeps delivering
};

/// How long to wait after failed attempt number `attempt` (from 1) before the next one:
/// initial_backoff * 2^(attempt - 1), at most max_backoff.
std::chrono::milliseconds DeliveryBackoff(const DeliveryOptions& options, int attempt);

/// How one attempt to hand an alert to the alerting service ended.
struct DeliveryAttempt {
  enum class Outcome {
    kDelivered,
    kRetryable,  // may pass (network, timeout, throttling, 5xx): try again after a backoff
    kRejected,   // repeating the same request cannot change the answer
  };
  Outcome outcome = Outcome::kDelivered;
  std::string problem;  // for the logs when not delivered; must hold no secret
};

/// The background half of the remote alerters (webhook, SNS): Push only queues the alert, and
/// one worker thread hands the queue, in order, to `attempt`, retrying kRetryable outcomes
/// with exponential backoff up to max_attempts. The queue is bounded: when full, the oldest
/// alert is dropped (newer alerts describe the current state better), counted and logged.
///
/// Stop (or the destructor) stops accepting alerts, keeps delivering the pending ones for at
/// most flush_timeout and drops the rest. Each attempt gets the timeout it must keep to:
/// request_timeout, cut during the flush to the time left, so that Stop stays prompt.
///
/// Thread-safe. `attempt` runs on the worker thread only; whatever it uses must outlive the
/// worker (declare the AlertDeliveryWorker after it).
class AlertDeliveryWorker {
 public:
  using AttemptFn =
      std::function<DeliveryAttempt(const Alert& alert, std::chrono::milliseconds timeout)>;

  /// Starts the worker thread. `target` names the destination in logs ("webhook
  /// https://hooks.example"): no secret. The options must be sane (positive counts and
  /// timeouts): the configuration loader validates them, so breaking that is a programmer error.
  AlertDeliveryWorker(std::string target, AttemptFn attempt, DeliveryOptions options);
  ~AlertDeliveryWorker();

  AlertDeliveryWorker(const AlertDeliveryWorker&) = delete;
  AlertDeliveryWorker& operator=(const AlertDeliveryWorker&) = delete;

  /// Queues `alert` and returns at once. Never throws.
  void Push(const Alert& alert);

  /// Flushes for at most options.flush_timeout, then stops the worker; later alerts are
  /// dropped. Idempotent; concurrent callers all return once the worker has stopped.
  void Stop();

  /// Alerts the service accepted.
  std::size_t delivered() const { return delivered_.load(); }
  /// Alerts given up on after trying: rejected, or out of attempts.
  std::size_t failed() const { return failed_.load(); }
  /// Alerts never tried to the end: pushed out of a full queue, sent after Stop, or still
  /// pending when the flush timed out.
  std::size_t dropped() const { return dropped_.load(); }

 private:
  void Run(const std::stop_token& stop);
  // The next alert to deliver, or nullopt once the worker should exit.
  std::optional<Alert> NextAlert(const std::stop_token& stop);
  void Deliver(const Alert& alert, const std::stop_token& stop);
  // The timeout for the next attempt, or nullopt if the flush deadline has passed.
  std::optional<std::chrono::milliseconds> NextAttemptTimeout();
  // Waits `delay`; false if the worker was told to stop meanwhile.
  bool WaitBeforeRetry(std::chrono::milliseconds delay, const std::stop_token& stop);

  const std::string target_;
  const AttemptFn attempt_;
  const DeliveryOptions options_;

  std::mutex mutex_;
  std::condition_variable_any wake_;          // the worker waits here for alerts, backoff, stop
  std::condition_variable worker_exited_cv_;  // Stop() waits here for the flush
  std::deque<Alert> pending_;                 // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  bool worker_exited_ = false;                // guarded by mutex_
  std::chrono::steady_clock::time_point flush_deadline_;  // guarded by mutex_; set by Stop
  std::once_flag stop_once_;

  std::atomic<std::size_t> delivered_{0};
  std::atomic<std::size_t> failed_{0};
  std::atomic<std::size_t> dropped_{0};

  // Last: the worker starts after everything it uses exists, and is joined by Stop() first.
  std::jthread worker_;
};

}  // namespace orch::alert
