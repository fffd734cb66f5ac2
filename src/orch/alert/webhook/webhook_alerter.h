#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "orch/alert/alerter.h"
#include "orch/http/http_client.h"

namespace orch::alert {

struct WebhookOptions {
  std::size_t max_pending = 1000;  // alerts waiting for delivery; beyond it the oldest is dropped
  int max_attempts = 5;            // per alert, the first try included
  std::chrono::milliseconds initial_backoff{500};  // before the second attempt; then doubling
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds request_timeout{5000};  // per HTTP request
  std::chrono::milliseconds flush_timeout{2000};    // how long Stop() keeps delivering
};

/// How long to wait after failed attempt number `attempt` (from 1) before the next one:
/// initial_backoff * 2^(attempt - 1), at most max_backoff.
std::chrono::milliseconds WebhookBackoff(const WebhookOptions& options, int attempt);

/// Posts alerts as JSON to a webhook (Slack-compatible services, alert routers):
/// {"severity":"warning|critical","subject":...,"message":...,"source":"madara-orchestrator"}.
///
/// Send only queues the alert; one worker thread delivers the queue in order. Transport errors
/// that may pass (kUnavailable, kTimeout), 5xx and 429 are retried with exponential backoff up
/// to max_attempts; other answers (4xx) are logged and not retried, since repeating the same
/// request cannot change them. The queue is bounded: when full, the oldest alert is dropped
/// (newer alerts describe the current state better), counted and logged.
///
/// Webhook URLs often carry their secret in the path (Slack) or the query, so logs name only
/// the scheme, host and port of the URL, and any part of the URL in an error is masked.
///
/// Stop (or the destructor) stops accepting alerts, keeps delivering the pending ones for at
/// most flush_timeout and drops the rest. A request already in flight is bounded by its
/// timeout, which during the flush is cut to the time left.
///
/// Thread-safe. `client` must outlive the alerter.
class WebhookAlerter final : public Alerter {
 public:
  /// Starts the worker thread. The options must be sane (positive counts and timeouts): the
  /// configuration loader validates them, so breaking that is a programmer error.
  WebhookAlerter(http::HttpClient& client, std::string url, WebhookOptions options = {});
  ~WebhookAlerter() override;

  WebhookAlerter(const WebhookAlerter&) = delete;
  WebhookAlerter& operator=(const WebhookAlerter&) = delete;

  // Alerter
  void Send(const Alert& alert) override;

  /// Flushes for at most options.flush_timeout, then stops the worker; later alerts are
  /// dropped. Idempotent; concurrent callers all return once the worker has stopped.
  void Stop();

  /// Alerts the webhook accepted (2xx).
  std::size_t delivered() const { return delivered_.load(); }
  /// Alerts given up on after trying: answered 4xx (not 429), or out of attempts.
  std::size_t failed() const { return failed_.load(); }
  /// Alerts never tried to the end: pushed out of a full queue, sent after Stop, or still
  /// pending when the flush timed out.
  std::size_t dropped() const { return dropped_.load(); }

 private:
  void Run(const std::stop_token& stop);
  // The next alert to deliver, or nullopt once the worker should exit.
  std::optional<Alert> NextAlert(const std::stop_token& stop);
  void Deliver(const Alert& alert, const std::stop_token& stop);
  // The timeout for the next request, or nullopt if the flush deadline has passed.
  std::optional<std::chrono::milliseconds> NextRequestTimeout();
  // Waits `delay`; false if the worker was told to stop meanwhile.
  bool WaitBeforeRetry(std::chrono::milliseconds delay, const std::stop_token& stop);
  // Masks the parts of the webhook URL that may be secret.
  std::string Scrub(std::string text) const;

  http::HttpClient& client_;
  const std::string url_;
  const WebhookOptions options_;
  const std::string target_for_logs_;       // scheme://host[:port] only
  const std::vector<std::string> secrets_;  // URL parts that must not reach the logs

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
