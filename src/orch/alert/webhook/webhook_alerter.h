#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "orch/alert/alert_delivery.h"
#include "orch/alert/alerter.h"
#include "orch/http/http_client.h"

namespace orch::alert {

using WebhookOptions = DeliveryOptions;

/// Posts alerts as JSON to a webhook (Slack-compatible services, alert routers):
/// {"severity":"warning|critical","subject":...,"message":...,"source":"madara-orchestrator"}.
///
/// Delivery runs in the background (AlertDeliveryWorker: bounded queue, in order, prompt Stop).
/// Transport errors that may pass (kUnavailable, kTimeout), 5xx and 429 are retried with
/// exponential backoff up to max_attempts; other answers (4xx) are logged and not retried,
/// since repeating the same request cannot change them.
///
/// Webhook URLs often carry their secret in the path (Slack) or the query, so logs name only
/// the scheme, host and port of the URL, and any part of the URL in an error is masked.
///
/// Thread-safe. `client` must outlive the alerter.
class WebhookAlerter final : public Alerter {
 public:
  /// Starts the delivery worker. The options must be sane (see AlertDeliveryWorker).
  WebhookAlerter(http::HttpClient& client, std::string url, WebhookOptions options = {});
  ~WebhookAlerter() override;

  WebhookAlerter(const WebhookAlerter&) = delete;
  WebhookAlerter& operator=(const WebhookAlerter&) = delete;

  // Alerter
  void Send(const Alert& alert) override;

  /// Flushes for at most options.flush_timeout, then stops the worker; later alerts are
  /// dropped. Idempotent; concurrent callers all return once the worker has stopped.
  void Stop() { delivery_.Stop(); }

  /// Alerts the webhook accepted (2xx).
  std::size_t delivered() const { return delivery_.delivered(); }
  /// Alerts given up on after trying: answered 4xx (not 429), or out of attempts.
  std::size_t failed() const { return delivery_.failed(); }
  /// Alerts never tried to the end: pushed out of a full queue, sent after Stop, or still
  /// pending when the flush timed out.
  std::size_t dropped() const { return delivery_.dropped(); }

 private:
  // One POST of `alert`, bounded by `timeout`.
  DeliveryAttempt Post(const Alert& alert, std::chrono::milliseconds timeout);
  // Masks the parts of the webhook URL that may be secret.
  std::string Scrub(std::string text) const;

  http::HttpClient& client_;
  const std::string url_;
  const std::vector<std::string> secrets_;  // URL parts that must not reach the logs

  // Last: its worker calls Post, which uses the members above.
  AlertDeliveryWorker delivery_;
};

}  // namespace orch::alert
