// The alerter contract for SnsAlerter: publishing to a topic on fauxqs, and to endpoints that
// refuse connections or never answer (Send and shutdown must stay prompt all the same).

#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

#include "tests/contract/alerter_contract.h"
#include "tests/support/fauxqs_sqs.h"
#include "tests/support/local_http_server.h"

#include "orch/alert/sns/sns_alerter.h"
#include "orch/alert/sns/sns_client.h"
#include "orch/common/clock.h"
#include "orch/http/curl_http_client.h"

namespace orch::alert {
namespace {

using ::orch::testing::ClosedLoopbackPort;
using ::orch::testing::Gate;
using ::orch::testing::LocalHttpServer;

using std::chrono_literals::operator""ms;

enum class Endpoint { kFauxqs, kUnreachable, kSilent };

DeliveryOptions FastOptions() {
  return {.initial_backoff = 10ms,
          .max_backoff = 50ms,
          .request_timeout = 500ms,
          .flush_timeout = 200ms};
}

class SnsHarness final : public AlerterHarness {
 public:
  explicit SnsHarness(Endpoint endpoint) {
    std::string url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort());
    std::string topic_arn = "arn:aws:sns:us-east-1:000000000000:mo-contract";
    DeliveryOptions options = FastOptions();
    if (endpoint == Endpoint::kFauxqs) {
      const std::optional<std::string> fauxqs = testing::FauxqsUrl();
      if (fauxqs.has_value()) {
        url = *fauxqs;
        topic_arn = CreateTopic(url);
        options = DeliveryOptions{};
      } else {
        ADD_FAILURE() << testing::kFauxqsMissing;
      }
    } else if (endpoint == Endpoint::kSilent) {
      server_ = std::make_unique<LocalHttpServer>([this](httplib::Server& server) {
        server.Post("/", [this](const httplib::Request&, httplib::Response& response) {
          gate_.Wait();
          response.status = 500;
        });
      });
      url = server_->url("");
    }
    alerter_ =
        std::make_unique<SnsAlerter>(http_, testing::FauxqsConfig(url), clock_, topic_arn, options);
  }

  ~SnsHarness() override {
    alerter_.reset();
    gate_.Open();
  }

  Alerter& alerter() override { return *alerter_; }

 private:
  std::string CreateTopic(const std::string& url) {
    const aws::AwsClient client(http_, testing::FauxqsConfig(url), aws::SnsService(), clock_);
    Result<std::string> topic = SnsClient(client).CreateTopic(testing::UniqueAwsName("mo-alerts"));
    EXPECT_TRUE(topic.ok()) << topic.error().ToString();
    return topic.ok() ? *topic : std::string();
  }

  Gate gate_;
  std::unique_ptr<LocalHttpServer> server_;
  http::CurlHttpClient http_;
  SystemClock clock_;
  std::unique_ptr<SnsAlerter> alerter_;
};

AlerterBackend Sns(std::string name, Endpoint endpoint) {
  return {std::move(name), [endpoint] { return std::make_unique<SnsHarness>(endpoint); }};
}

INSTANTIATE_TEST_SUITE_P(Sns, AlerterContractTest,
                         ::testing::Values(Sns("sns_fauxqs", Endpoint::kFauxqs),
                                           Sns("sns_unreachable", Endpoint::kUnreachable),
                                           Sns("sns_silent_endpoint", Endpoint::kSilent)),
                         AlerterBackendName);

}  // namespace
}  // namespace orch::alert
