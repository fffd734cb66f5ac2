#include "orch/alert/webhook/webhook_alerter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "orch/common/check.h"
#include "orch/common/url.h"

namespace orch::alert {
namespace {

constexpr std::string_view kSource = "madara-orchestrator";
// Enough of an error response body to see what the service complained about.
constexpr std::size_t kLoggedBodyBytes = 200;
constexpr int kHttpTooManyRequests = 429;

std::string TargetForLogs(const std::string& url) {
  auto parsed = Url::Parse(url);
  if (!parsed.ok() || !parsed->has_authority()) {
    return "<unparseable webhook URL>";
  }
  std::string target = fmt::format("{}://{}", parsed->scheme(), parsed->host());
  if (parsed->port().has_value()) {
    target += fmt::format(":{}", *parsed->port());
  }
  if (!parsed->path().empty() && parsed->path() != "/") {
    target += "/***";
  }
  return target;
}

std::vector<std::string> SecretsOf(const std::string& url) {
  auto parsed = Url::Parse(url);
  if (!parsed.ok()) {
    // Nothing is known about its parts: mask all of it.
    return {url};
  }
  std::vector<std::string> secrets;
  if (parsed->password().has_value() && !parsed->password()->empty()) {
    secrets.push_back(*parsed->password());
  }
  if (parsed->path().size() > 1) {
    secrets.push_back(parsed->path());
  }
  if (!parsed->query().empty()) {
    secrets.push_back(parsed->query());
  }
  return secrets;
}

std::string ToJson(const Alert& alert) {
  const nlohmann::json body = {
      {"severity", ToString(alert.severity)},
      {"subject", alert.subject},
      {"message", alert.message},
      {"source", kSource},
  };
  // Alert text can hold bytes from anywhere (error messages of other services): invalid UTF-8
  // is replaced rather than failing the alert.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool IsRetryableStatus(int status) { return status >= 500 || status == kHttpTooManyRequests; }

bool IsSuccessStatus(int status) { return status >= 200 && status < 300; }

}  // namespace

std::chrono::milliseconds WebhookBackoff(const WebhookOptions& options, int attempt) {
  std::chrono::milliseconds delay = options.initial_backoff;
  for (int i = 1; i < attempt && delay < options.max_backoff; ++i) {
    delay *= 2;
  }
  return std::min(delay, options.max_backoff);
}

WebhookAlerter::WebhookAlerter(http::HttpClient& client, std::string url, WebhookOptions options)
    : client_(client),
      url_(std::move(url)),
      options_(options),
      target_for_logs_(TargetForLogs(url_)),
      secrets_(SecretsOf(url_)) {
  ORCH_CHECK(options_.max_pending > 0, "WebhookOptions.max_pending must be positive");
  ORCH_CHECK(options_.max_attempts > 0, "WebhookOptions.max_attempts must be positive");
  ORCH_CHECK(options_.initial_backoff.count() >= 0 && options_.max_backoff.count() >= 0,
             "WebhookOptions backoffs must not be negative");
  ORCH_CHECK(options_.request_timeout.count() > 0,
             "WebhookOptions.request_timeout must be positive");
  ORCH_CHECK(options_.flush_timeout.count() >= 0,
             "WebhookOptions.flush_timeout must not be negative");
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

WebhookAlerter::~WebhookAlerter() { Stop(); }

void WebhookAlerter::Send(const Alert& alert) {
  try {
    bool stopped = false;
    std::optional<Alert> evicted;
    {
      std::lock_guard lock(mutex_);
      stopped = stopping_;
      if (!stopped) {
        if (pending_.size() >= options_.max_pending) {
          evicted = std::move(pending_.front());
          pending_.pop_front();
        }
        pending_.push_back(alert);
      }
    }
    if (stopped) {
      ++dropped_;
      spdlog::warn("webhook alerter for {} is stopped: dropped alert '{}'", target_for_logs_,
                   alert.subject);
      return;
    }
    wake_.notify_one();
    if (evicted.has_value()) {
      ++dropped_;
      spdlog::warn("webhook alert queue for {} is full ({} pending): dropped the oldest alert '{}'",
                   target_for_logs_, options_.max_pending, evicted->subject);
    }
  } catch (const std::exception& e) {
    ++dropped_;
    try {
      spdlog::error("webhook alerter for {} dropped alert '{}': {}", target_for_logs_,
                    alert.subject, e.what());
    } catch (const std::exception&) {
      // The log failed as well; the drop is still counted.
    }
  }
}

void WebhookAlerter::Stop() {
  std::call_once(stop_once_, [this] {
    {
      std::unique_lock lock(mutex_);
      stopping_ = true;
      flush_deadline_ = std::chrono::steady_clock::now() + options_.flush_timeout;
      wake_.notify_all();
      worker_exited_cv_.wait_until(lock, flush_deadline_, [this] { return worker_exited_; });
    }
    // Interrupts a backoff wait; a request in flight ends by its (flush-capped) timeout.
    worker_.request_stop();
    worker_.join();
  });
}

void WebhookAlerter::Run(const std::stop_token& stop) {
  while (true) {
    std::optional<Alert> alert;
    try {
      alert = NextAlert(stop);
      if (!alert.has_value()) {
        break;
      }
      Deliver(*alert, stop);
    } catch (const std::exception& e) {
      ++failed_;
      spdlog::error("webhook alerter for {}: delivery failed: {}", target_for_logs_, e.what());
    }
  }
  std::size_t abandoned = 0;
  {
    std::lock_guard lock(mutex_);
    abandoned = pending_.size();
    pending_.clear();
    worker_exited_ = true;
  }
  worker_exited_cv_.notify_all();
  if (abandoned > 0) {
    dropped_ += abandoned;
    spdlog::warn("webhook alerter for {} stopped with {} alerts undelivered", target_for_logs_,
                 abandoned);
  }
}

std::optional<Alert> WebhookAlerter::NextAlert(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, stop, [this] { return !pending_.empty() || stopping_; });
  // An empty queue here means Stop() was called and everything was delivered.
  if (stop.stop_requested() || pending_.empty()) {
    return std::nullopt;
  }
  Alert alert = std::move(pending_.front());
  pending_.pop_front();
  return alert;
}

void WebhookAlerter::Deliver(const Alert& alert, const std::stop_token& stop) {
  http::HttpRequest request{
      .method = "POST",
      .url = url_,
      .headers = {{"Content-Type", "application/json"}},
      .body = ToJson(alert),
  };
  for (int attempt = 1;; ++attempt) {
    const std::optional<std::chrono::milliseconds> timeout = NextRequestTimeout();
    if (!timeout.has_value()) {
      ++dropped_;
      spdlog::warn("webhook alerter for {} is stopping: dropped alert '{}' after {} attempts",
                   target_for_logs_, alert.subject, attempt - 1);
      return;
    }
    request.timeout = *timeout;
    Result<http::HttpResponse> response = client_.Send(request);

    std::string problem;
    bool retryable = false;
    if (response.ok()) {
      if (IsSuccessStatus(response->status)) {
        ++delivered_;
        return;
      }
      problem = fmt::format("HTTP {} {}", response->status,
                            Scrub(response->body.substr(0, kLoggedBodyBytes)));
      retryable = IsRetryableStatus(response->status);
    } else {
      problem = Scrub(response.error().ToString());
      retryable = response.error().transient();
    }
    if (!retryable) {
      ++failed_;
      spdlog::error("webhook {} rejected alert '{}' (not retried): {}", target_for_logs_,
                    alert.subject, problem);
      return;
    }
    if (attempt >= options_.max_attempts) {
      ++failed_;
      spdlog::error("webhook {} failed to take alert '{}' after {} attempts: {}", target_for_logs_,
                    alert.subject, attempt, problem);
      return;
    }
    const std::chrono::milliseconds delay = WebhookBackoff(options_, attempt);
    spdlog::warn("webhook {} failed to take alert '{}' (attempt {} of {}): {}; retrying in {} ms",
                 target_for_logs_, alert.subject, attempt, options_.max_attempts, problem,
                 delay.count());
    if (!WaitBeforeRetry(delay, stop)) {
      ++dropped_;
      spdlog::warn("webhook alerter for {} stopped: dropped alert '{}' after {} attempts",
                   target_for_logs_, alert.subject, attempt);
      return;
    }
  }
}

std::optional<std::chrono::milliseconds> WebhookAlerter::NextRequestTimeout() {
  std::lock_guard lock(mutex_);
  if (!stopping_) {
    return options_.request_timeout;
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(flush_deadline_ -
                                                                 std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return std::nullopt;
  }
  return std::min(left, options_.request_timeout);
}

bool WebhookAlerter::WaitBeforeRetry(std::chrono::milliseconds delay, const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  // Only a stop request ends the wait early: Stop() lets retries go on until its deadline.
  wake_.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

std::string WebhookAlerter::Scrub(std::string text) const {
  constexpr std::string_view kMask = "***";
  for (const std::string& secret : secrets_) {
    if (secret.empty()) {
      continue;
    }
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size())) {
      text.replace(at, secret.size(), kMask);
    }
  }
  return text;
}

}  // namespace orch::alert
