#include "tests/contract/alerter_contract.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tests/fakes/recording_alerter.h"
#include "tests/support/local_http_server.h"

#include "orch/alert/log/log_alerter.h"
#include "orch/alert/webhook/webhook_alerter.h"
#include "orch/http/curl_http_client.h"

namespace orch::alert {
namespace {

using ::orch::testing::ClosedLoopbackPort;
using ::orch::testing::Gate;
using ::orch::testing::LocalHttpServer;

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

class LogHarness final : public AlerterHarness {
 public:
  LogHarness()
      : alerter_(std::make_shared<spdlog::logger>(
            "alerter_contract", std::make_shared<spdlog::sinks::null_sink_mt>())) {}
  Alerter& alerter() override { return alerter_; }

 private:
  LogAlerter alerter_;
};

class RecordingHarness final : public AlerterHarness {
 public:
  Alerter& alerter() override { return alerter_; }

 private:
  RecordingAlerter alerter_;
};

enum class ServerBehaviour { kAccept, kFail, kNeverAnswer };

// A WebhookAlerter posting through libcurl to a local server, or to a closed port when there is
// no server.
class WebhookHarness final : public AlerterHarness {
 public:
  WebhookHarness(std::optional<ServerBehaviour> behaviour, WebhookOptions options) {
    std::string url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/hook";
    if (behaviour.has_value()) {
      server_ = std::make_unique<LocalHttpServer>([this, behaviour](httplib::Server& svr) {
        svr.Post("/hook", [this, behaviour](const httplib::Request&, httplib::Response& res) {
          if (*behaviour == ServerBehaviour::kNeverAnswer) {
            gate_.Wait();
          }
          res.status = *behaviour == ServerBehaviour::kFail ? 500 : 200;
        });
      });
      url = server_->url("/hook");
    }
    alerter_ = std::make_unique<WebhookAlerter>(client_, url, options);
  }

  ~WebhookHarness() override {
    alerter_.reset();
    gate_.Open();
  }

  Alerter& alerter() override { return *alerter_; }

 private:
  Gate gate_;
  std::unique_ptr<LocalHttpServer> server_;
  http::CurlHttpClient client_;
  std::unique_ptr<WebhookAlerter> alerter_;
};

WebhookOptions FastOptions() {
  WebhookOptions options;
  options.initial_backoff = 10ms;
  options.max_backoff = 50ms;
  options.request_timeout = 500ms;
  options.flush_timeout = 200ms;
  return options;
}

AlerterBackend Webhook(std::string name, std::optional<ServerBehaviour> behaviour,
                       WebhookOptions options) {
  return {std::move(name), [=] { return std::make_unique<WebhookHarness>(behaviour, options); }};
}

INSTANTIATE_TEST_SUITE_P(
    All, AlerterContractTest,
    ::testing::Values(
        AlerterBackend{"log", [] { return std::make_unique<LogHarness>(); }},
        AlerterBackend{"recording", [] { return std::make_unique<RecordingHarness>(); }},
        Webhook("webhook_accepting_server", ServerBehaviour::kAccept, WebhookOptions{}),
        Webhook("webhook_failing_server", ServerBehaviour::kFail, FastOptions()),
        Webhook("webhook_silent_server", ServerBehaviour::kNeverAnswer, FastOptions()),
        Webhook("webhook_unreachable", std::nullopt, FastOptions())),
    AlerterBackendName);

// Beyond the contract: the fake keeps what it was sent, in order.
TEST(RecordingAlerterTest, KeepsAlertsInOrder) {
  RecordingAlerter alerter;
  alerter.Send({.severity = Alert::Severity::kWarning, .subject = "first", .message = "1"});
  alerter.Send({.severity = Alert::Severity::kCritical, .subject = "second", .message = "2"});
  ASSERT_TRUE(alerter.WaitForAlerts(2, 0ms));
  const std::vector<Alert> alerts = alerter.alerts();
  ASSERT_EQ(alerts.size(), 2U);
  EXPECT_EQ(alerts[0].subject, "first");
  EXPECT_EQ(alerts[1].severity, Alert::Severity::kCritical);
}

}  // namespace
}  // namespace orch::alert
