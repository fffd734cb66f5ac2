#include "orch/alert/webhook/webhook_alerter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/fake_http_client.h"
#include "tests/support/local_http_server.h"

#include "orch/http/curl_http_client.h"

namespace orch::alert {
namespace {

using ::orch::testing::ClosedLoopbackPort;
using ::orch::testing::Gate;
using ::orch::testing::LocalHttpServer;

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// Bounds on waits for things that should happen at once; generous so that a loaded machine
// does not fail the tests.
constexpr std::chrono::milliseconds kDeadline = 10s;

// Runs `work` on its own thread and waits for it at most `timeout`: true if it finished. On a
// timeout the thread is left running (detached), so `work` must own everything it touches.
bool FinishesWithin(std::chrono::milliseconds timeout, std::function<void()> work) {
  struct State {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  std::thread thread([state, work = std::move(work)] {
    work();
    {
      std::lock_guard lock(state->mutex);
      state->done = true;
    }
    state->done_cv.notify_all();
  });
  std::unique_lock lock(state->mutex);
  if (!state->done_cv.wait_for(lock, timeout, [&] { return state->done; })) {
    thread.detach();
    return false;
  }
  lock.unlock();
  thread.join();
  return true;
}

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
};

// A webhook endpoint at /hooks/abc that answers the n-th request with the n-th scripted status
// (200 once the script runs out) and records every request. With `hold_first`, the answer to
// the first request waits until ReleaseFirst().
class WebhookServer {
 public:
  explicit WebhookServer(std::vector<int> statuses = {}, bool hold_first = false)
      : statuses_(std::move(statuses)), hold_first_(hold_first) {
    server_ = std::make_unique<LocalHttpServer>([this](httplib::Server& svr) {
      svr.Post("/hooks/abc",
               [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    });
  }

  ~WebhookServer() {
    ReleaseFirst();
    server_.reset();
  }

  std::string url() const { return server_->url("/hooks/abc"); }

  std::vector<ReceivedRequest> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

  bool WaitForRequests(std::size_t count) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kDeadline, [&] { return received_.size() >= count; });
  }

  void ReleaseFirst() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock(mutex_);
    const std::size_t index = received_.size();
    received_.push_back({req.method, req.path, req.get_header_value("Content-Type"), req.body});
    changed_.notify_all();
    if (index == 0 && hold_first_) {
      changed_.wait_for(lock, kDeadline, [this] { return released_; });
    }
    res.status = index < statuses_.size() ? statuses_[index] : 200;
  }

  const std::vector<int> statuses_;
  const bool hold_first_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedRequest> received_;    // guarded by mutex_
  bool released_ = false;                    // guarded by mutex_
  std::unique_ptr<LocalHttpServer> server_;  // last: stopped before the state it uses goes
};

// Small backoffs keep retry tests fast; the long flush lets Stop() wait for the retries.
WebhookOptions FastOptions() {
  WebhookOptions options;
  options.initial_backoff = 10ms;
  options.max_backoff = 20ms;
  options.flush_timeout = kDeadline;
  return options;
}

Alert MakeAlert(std::string subject, Alert::Severity severity = Alert::Severity::kWarning) {
  return {.severity = severity, .subject = std::move(subject), .message = "details"};
}

std::vector<std::string> SubjectsOf(const std::vector<ReceivedRequest>& requests) {
  std::vector<std::string> subjects;
  for (const ReceivedRequest& request : requests) {
    subjects.push_back(nlohmann::json::parse(request.body).at("subject").get<std::string>());
  }
  return subjects;
}

// Sends the default logger's output to a string for the life of the object.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // Read only after the code under test has stopped logging.
  std::string text() const { return stream_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

TEST(WebhookAlerterTest, PostsTheAlertAsJson) {
  WebhookServer server;
  http::CurlHttpClient client;
  WebhookAlerter alerter(client, server.url(), FastOptions());
  alerter.Send({.severity = Alert::Severity::kCritical,
                .subject = "SNOS job 7 failed",
                .message = "line 1\nline \"2\""});
  alerter.Send(MakeAlert("disk", Alert::Severity::kWarning));
  alerter.Stop();

  const std::vector<ReceivedRequest> received = server.received();
  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].path, "/hooks/abc");
  EXPECT_EQ(received[0].content_type, "application/json");
  const nlohmann::json body = nlohmann::json::parse(received[0].body);
  EXPECT_EQ(body, (nlohmann::json{{"severity", "critical"},
                                  {"subject", "SNOS job 7 failed"},
                                  {"message", "line 1\nline \"2\""},
                                  {"source", "madara-orchestrator"}}));
  EXPECT_EQ(nlohmann::json::parse(received[1].body).at("severity"), "warning");
  EXPECT_EQ(alerter.delivered(), 2U);
  EXPECT_EQ(alerter.failed(), 0U);
  EXPECT_EQ(alerter.dropped(), 0U);
}

TEST(WebhookAlerterTest, RetriesServerErrorsUntilAccepted) {
  WebhookServer server({500, 500, 200});
  http::CurlHttpClient client;
  WebhookAlerter alerter(client, server.url(), FastOptions());
  alerter.Send(MakeAlert("retry me"));
  alerter.Stop();
  EXPECT_EQ(server.received().size(), 3U);
  EXPECT_EQ(alerter.delivered(), 1U);
  EXPECT_EQ(alerter.failed(), 0U);
}

TEST(WebhookAlerterTest, RetriesTooManyRequests) {
  WebhookServer server({429, 200});
  http::CurlHttpClient client;
  WebhookAlerter alerter(client, server.url(), FastOptions());
  alerter.Send(MakeAlert("slow down"));
  alerter.Stop();
  EXPECT_EQ(server.received().size(), 2U);
  EXPECT_EQ(alerter.delivered(), 1U);
}

TEST(WebhookAlerterTest, DoesNotRetryClientErrors) {
  WebhookServer server({400, 200});
  http::CurlHttpClient client;
  WebhookAlerter alerter(client, server.url(), FastOptions());
  alerter.Send(MakeAlert("malformed"));
  alerter.Stop();
  EXPECT_EQ(server.received().size(), 1U);
  EXPECT_EQ(alerter.delivered(), 0U);
  EXPECT_EQ(alerter.failed(), 1U);
}

TEST(WebhookAlerterTest, GivesUpAfterMaxAttempts) {
  WebhookServer server({503, 503, 503, 503, 503});
  http::CurlHttpClient client;
  WebhookOptions options = FastOptions();
  options.max_attempts = 3;
  WebhookAlerter alerter(client, server.url(), options);
  alerter.Send(MakeAlert("down"));
  alerter.Stop();
  EXPECT_EQ(server.received().size(), 3U);
  EXPECT_EQ(alerter.delivered(), 0U);
  EXPECT_EQ(alerter.failed(), 1U);
}

TEST(WebhookAlerterTest, FullQueueDropsTheOldestPendingAlert) {
  WebhookServer server({}, /*hold_first=*/true);
  http::CurlHttpClient client;
  WebhookOptions options = FastOptions();
  options.max_pending = 2;
  WebhookAlerter alerter(client, server.url(), options);
  alerter.Send(MakeAlert("1"));
  // "1" is in flight, so the queue holds what follows.
  ASSERT_TRUE(server.WaitForRequests(1));
  alerter.Send(MakeAlert("2"));
  alerter.Send(MakeAlert("3"));
  alerter.Send(MakeAlert("4"));
  EXPECT_EQ(alerter.dropped(), 1U);
  server.ReleaseFirst();
  alerter.Stop();
  EXPECT_EQ(SubjectsOf(server.received()), (std::vector<std::string>{"1", "3", "4"}));
  EXPECT_EQ(alerter.delivered(), 3U);
  EXPECT_EQ(alerter.dropped(), 1U);
}

TEST(WebhookAlerterTest, StopIsPromptWhenTheTargetIsUnreachable) {
  struct Setup {
    http::CurlHttpClient client;
    WebhookAlerter alerter;
    explicit Setup(std::string url) : alerter(client, std::move(url), WebhookOptions{}) {}
  };
  auto setup =
      std::make_shared<Setup>("http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/");
  for (int i = 0; i < 10; ++i) {
    setup->alerter.Send(MakeAlert(std::to_string(i)));
  }
  ASSERT_TRUE(FinishesWithin(kDeadline, [setup] { setup->alerter.Stop(); }));
  EXPECT_EQ(setup->alerter.delivered(), 0U);
  EXPECT_EQ(setup->alerter.dropped() + setup->alerter.failed(), 10U);
}

TEST(WebhookAlerterTest, StopInterruptsABackoffWait) {
  struct Setup {
    http::FakeHttpClient client;
    WebhookAlerter alerter;
    explicit Setup(WebhookOptions options) : alerter(client, "http://hooks.test/", options) {}
  };
  WebhookOptions options;
  options.initial_backoff = std::chrono::hours(1);
  options.max_backoff = std::chrono::hours(1);
  options.flush_timeout = 50ms;
  auto setup = std::make_shared<Setup>(options);
  setup->client.SetDefault(Error::Unavailable("connection refused"));
  setup->alerter.Send(MakeAlert("waits"));
  ASSERT_TRUE(setup->client.WaitForRequests(1, kDeadline));
  ASSERT_TRUE(FinishesWithin(kDeadline, [setup] { setup->alerter.Stop(); }));
  EXPECT_EQ(setup->client.request_count(), 1U);
  EXPECT_EQ(setup->alerter.dropped(), 1U);
  EXPECT_EQ(setup->alerter.delivered(), 0U);
}

TEST(WebhookAlerterTest, AlertsSentAfterStopAreDropped) {
  http::FakeHttpClient client;
  WebhookAlerter alerter(client, "http://hooks.test/", FastOptions());
  alerter.Stop();
  alerter.Send(MakeAlert("late"));
  alerter.Stop();
  EXPECT_EQ(alerter.dropped(), 1U);
  EXPECT_EQ(client.request_count(), 0U);
}

TEST(WebhookAlerterTest, RequestCarriesUrlHeadersAndTimeout) {
  http::FakeHttpClient client;
  WebhookOptions options = FastOptions();
  options.request_timeout = 1234ms;
  WebhookAlerter alerter(client, "https://hooks.test/services/x", options);
  alerter.Send(MakeAlert("shape", Alert::Severity::kCritical));
  alerter.Stop();
  const std::vector<http::HttpRequest> requests = client.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, "https://hooks.test/services/x");
  EXPECT_EQ(http::FindHeader(requests[0].headers, "content-type"), "application/json");
  EXPECT_EQ(requests[0].timeout, 1234ms);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body).at("subject"), "shape");
}

TEST(WebhookAlerterTest, RetriesTransientTransportErrorsOnly) {
  http::FakeHttpClient client;
  client.PushError(Error::Unavailable("connection refused"));
  client.PushError(Error::Timeout("no answer"));
  client.PushResponse(200);
  client.PushError(Error::InvalidArgument("bad URL"));
  WebhookAlerter alerter(client, "http://hooks.test/", FastOptions());
  alerter.Send(MakeAlert("transient"));
  alerter.Send(MakeAlert("permanent"));
  alerter.Stop();
  EXPECT_EQ(client.request_count(), 4U);
  EXPECT_EQ(alerter.delivered(), 1U);
  EXPECT_EQ(alerter.failed(), 1U);
}

TEST(WebhookAlerterTest, DeliversInSendOrder) {
  http::FakeHttpClient client;
  WebhookAlerter alerter(client, "http://hooks.test/", FastOptions());
  std::vector<std::string> sent;
  for (int i = 0; i < 20; ++i) {
    sent.push_back(std::to_string(i));
    alerter.Send(MakeAlert(sent.back()));
  }
  alerter.Stop();
  std::vector<std::string> delivered;
  for (const http::HttpRequest& request : client.requests()) {
    delivered.push_back(nlohmann::json::parse(request.body).at("subject").get<std::string>());
  }
  EXPECT_EQ(delivered, sent);
  EXPECT_EQ(alerter.delivered(), 20U);
}

TEST(WebhookAlerterTest, LogsNeverShowSecretsOfTheUrl) {
  CapturedLog log;
  {
    http::FakeHttpClient client;
    // A careless client could echo the URL into its errors; the alerter masks it anyway.
    client.PushError(Error::Unavailable(
        "POST https://user:pa55@hooks.example.com/services/s3cr3t?token=t0k: refused"));
    client.PushResponse(400, "no such hook /services/s3cr3t");
    WebhookOptions options = FastOptions();
    options.max_pending = 1;
    WebhookAlerter alerter(client, "https://user:pa55@hooks.example.com/services/s3cr3t?token=t0k",
                           options);
    client.Hold();
    alerter.Send(MakeAlert("held"));
    ASSERT_TRUE(client.WaitForRequests(1, kDeadline));
    alerter.Send(MakeAlert("dropped"));
    alerter.Send(MakeAlert("kept"));
    client.Release();
    alerter.Stop();
    alerter.Send(MakeAlert("after stop"));
  }
  const std::string text = log.text();
  EXPECT_NE(text.find("https://hooks.example.com/***"), std::string::npos) << text;
  for (const char* secret : {"pa55", "s3cr3t", "t0k"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

TEST(DeliveryBackoffTest, DoublesFromTheInitialBackoffUpToTheMaximum) {
  const WebhookOptions options;  // 500 ms, at most 30 s
  const std::vector<std::pair<int, std::chrono::milliseconds>> expected = {
      {1, 500ms}, {2, 1000ms}, {3, 2000ms}, {4, 4000ms}, {6, 16000ms}, {7, 30000ms}, {100, 30000ms},
  };
  for (const auto& [attempt, delay] : expected) {
    EXPECT_EQ(DeliveryBackoff(options, attempt), delay) << "attempt " << attempt;
  }
  WebhookOptions zero;
  zero.initial_backoff = 0ms;
  EXPECT_EQ(DeliveryBackoff(zero, 5), 0ms);
}

}  // namespace
}  // namespace orch::alert
