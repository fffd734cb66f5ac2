#include "orch/alert/webhook/webhook_alerter.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <utility>

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

WebhookAlerter::WebhookAlerter(http::HttpClient& client, std::string url, WebhookOptions options)
    : client_(client),
      url_(std::move(url)),
      secrets_(SecretsOf(url_)),
      delivery_(
          "webhook " + TargetForLogs(url_),
          [this](const Alert& alert, std::chrono::milliseconds timeout) {
            return Post(alert, timeout);
          },
          options) {}

WebhookAlerter::~WebhookAlerter() { Stop(); }

void WebhookAlerter::Send(const Alert& alert) { delivery_.Push(alert); }

DeliveryAttempt WebhookAlerter::Post(const Alert& alert, std::chrono::milliseconds timeout) {
  const http::HttpRequest request{
      .method = "POST",
      .url = url_,
      .headers = {{"Content-Type", "application/json"}},
      .body = ToJson(alert),
      .timeout = timeout,
  };
  Result<http::HttpResponse> response = client_.Send(request);
  if (!response.ok()) {
    return {response.error().transient() ? DeliveryAttempt::Outcome::kRetryable
                                         : DeliveryAttempt::Outcome::kRejected,
            Scrub(response.error().ToString())};
  }
  if (IsSuccessStatus(response->status)) {
    return {DeliveryAttempt::Outcome::kDelivered, {}};
  }
  return {IsRetryableStatus(response->status) ? DeliveryAttempt::Outcome::kRetryable
                                              : DeliveryAttempt::Outcome::kRejected,
          fmt::format("HTTP {} {}", response->status,
                      Scrub(response->body.substr(0, kLoggedBodyBytes)))};
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
