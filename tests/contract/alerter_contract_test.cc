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

#include "orch/alert/log/log_alerter.h"
#include "orch/alert/webhook/webhook_alerter.h"
#include "orch/http/curl_http_client.h"

namespace orch::alert {
namespace {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// An httplib server on 127.0.0.1 at a free port, serving on its own thread until destroyed.
class LocalServer {
 public:
  explicit LocalServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      finished_ = true;
    });
  }

  ~LocalServer() {
    // stop() is a no-op until the listen loop has started; that start is imminent.
    while (!server_.is_running() && !finished_) {
      std::this_thread::yield();
    }
    server_.stop();
    thread_.join();
  }

  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> finished_ = false;
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on: bound to learn a free one, then closed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Lets a server handler block until opened (or a deadline passes, so that a failing test cannot
// hang the server's shutdown).
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    opened_.wait_for(lock, 10s, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

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
    std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/hook";
    if (behaviour.has_value()) {
      server_ = std::make_unique<LocalServer>([this, behaviour](httplib::Server& svr) {
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
  std::unique_ptr<LocalServer> server_;
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
