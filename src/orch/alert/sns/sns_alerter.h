#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "orch/alert/alert_delivery.h"
#include "orch/alert/alerter.h"
#include "orch/alert/sns/sns_client.h"
#include "orch/aws/aws_client.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/http/http_client.h"

namespace orch::alert {

/// The Subject SNS gets for `alert`: "[WARNING] " or "[CRITICAL] " and the subject, made to
/// fit SNS's rule for subjects (printable ASCII, no line breaks or control characters, fewer
/// than 100 characters): other characters become '?', line breaks and tabs spaces, and a
/// longer subject is cut and ends in "...".
std::string SnsSubject(const Alert& alert);

/// The Message SNS gets for `alert`: the severity and subject on the first line, then a blank
/// line and the details. Subscribers that see no Subject (SQS, SMS, chat bots) get all of it.
/// Invalid UTF-8 and control characters other than line breaks and tabs become '?', and a
/// message beyond SNS's 256 KiB is cut, ending in a note saying so.
std::string SnsMessage(const Alert& alert);

/// Publishes alerts as plain text to an SNS topic (what the reference does): Subject and
/// Message as SnsSubject and SnsMessage make them. E-mail subscribers get the subject line,
/// SQS subscribers the SNS JSON envelope holding both.
///
/// Delivery runs in the background (AlertDeliveryWorker: bounded queue, in order, prompt Stop).
/// The alerter signs with its own AwsClient making one attempt per call, so that retrying is
/// the worker's alone, with a backoff that Stop interrupts: transient failures (throttling,
/// 5xx, network, timeouts) are retried up to max_attempts; the others (a missing topic,
/// refused credentials, a rejected parameter) are logged and not retried.
///
/// The topic ARN is resolved once at startup (SnsClient::ResolveTopicArn, then
/// GetTopicAttributes as the preflight), so that sending an alert never lists topics.
///
/// Thread-safe. `http` and `clock` must outlive the alerter.
class SnsAlerter final : public Alerter {
 public:
  /// Starts the delivery worker. The options must be sane (see AlertDeliveryWorker).
  SnsAlerter(http::HttpClient& http, aws::AwsConfig config, const Clock& clock,
             std::string topic_arn, DeliveryOptions options = {});
  ~SnsAlerter() override;

  SnsAlerter(const SnsAlerter&) = delete;
  SnsAlerter& operator=(const SnsAlerter&) = delete;

  // Alerter
  void Send(const Alert& alert) override;

  /// Flushes for at most options.flush_timeout, then stops the worker; later alerts are
  /// dropped. Idempotent.
  void Stop() { delivery_.Stop(); }

  /// Alerts SNS accepted.
  std::size_t delivered() const { return delivery_.delivered(); }
  /// Alerts given up on after trying: rejected, or out of attempts.
  std::size_t failed() const { return delivery_.failed(); }
  /// Alerts never tried to the end (full queue, sent after Stop, flush timed out).
  std::size_t dropped() const { return delivery_.dropped(); }

 private:
  DeliveryAttempt Publish(const Alert& alert, std::chrono::milliseconds timeout);

  const aws::AwsClient client_;
  const SnsClient sns_;
  const std::string topic_arn_;

  // Last: its worker calls Publish, which uses the members above.
  AlertDeliveryWorker delivery_;
};

}  // namespace orch::alert
