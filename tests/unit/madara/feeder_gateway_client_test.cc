#include "orch/clients/madara/feeder_gateway_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/local_http_server.h"

#include "orch/http/curl_http_client.h"

namespace orch::madara {
namespace {

using ::orch::testing::LocalHttpServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr std::string_view kAddresses = R"({
  "Starknet": "0xe2bb56ee936fd6433dc0f6e7e3b8365c906aa057",
  "GpsStatementVerifier": "0x47312450b3ac8b5b8e247a6bb6d523e7605bdb60",
  "eth_l2_token_address": "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7",
  "strk_l2_token_address": "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"
})";

// A feeder gateway on loopback answering each GET with the next scripted (status, body) and
// recording the path and query asked for; HTTP 500 once the script is exhausted.
class ScriptedGateway {
 public:
  ScriptedGateway()
      : server_([this](httplib::Server& server) {
          server.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
            std::lock_guard lock(mutex_);
            targets_.push_back(request.target);
            if (script_.empty()) {
              response.status = 500;
              response.set_content("script exhausted", "text/plain");
              return;
            }
            auto [status, body] = std::move(script_.front());
            script_.pop_front();
            response.status = status;
            response.set_content(body, "application/json");
          });
        }) {}

  void Push(int status, std::string body) {
    std::lock_guard lock(mutex_);
    script_.emplace_back(status, std::move(body));
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  int port() const { return server_.port(); }

 private:
  mutable std::mutex mutex_;
  std::deque<std::pair<int, std::string>> script_;
  std::vector<std::string> targets_;
  LocalHttpServer server_;  // last: it serves until destroyed, using the members above
};

class FeederGatewayClientTest : public ::testing::Test {
 protected:
  FeederGatewayClient Client(const std::string& base_url) {
    FeederGatewayClientOptions options;
    options.request_timeout = 2000ms;
    options.max_attempts = 3;
    options.initial_backoff = 100ms;
    options.max_backoff = 150ms;
    options.sleep = [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    };
    return FeederGatewayClient(http_, base_url, options);
  }
  FeederGatewayClient Client() { return Client(gateway_.url("")); }

  http::CurlHttpClient http_;
  std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
  ScriptedGateway gateway_;
};

TEST_F(FeederGatewayClientTest, GetContractAddresses) {
  gateway_.Push(200, std::string(kAddresses));
  auto addresses = Client().GetContractAddresses();
  ASSERT_TRUE(addresses.ok()) << addresses.error().ToString();
  EXPECT_EQ(addresses->starknet_core_contract,
            crypto::Felt::FromHexLiteral("0xe2bb56ee936fd6433dc0f6e7e3b8365c906aa057"));
  EXPECT_EQ(addresses->gps_statement_verifier,
            crypto::Felt::FromHexLiteral("0x47312450b3ac8b5b8e247a6bb6d523e7605bdb60"));
  EXPECT_EQ(addresses->eth_l2_token_address,
            crypto::Felt::FromHexLiteral(
                "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"));
  EXPECT_EQ(addresses->strk_l2_token_address,
            crypto::Felt::FromHexLiteral(
                "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"));
  EXPECT_THAT(gateway_.targets(), ElementsAre("/feeder_gateway/get_contract_addresses"));
}

TEST_F(FeederGatewayClientTest, GetBlockBouncerWeightsTakesNumbersAndHexGasAmounts) {
  gateway_.Push(200, R"({"l1_gas": 1, "message_segment_length": 2, "n_events": 3,
                         "state_diff_size": 4, "sierra_gas": "0x2710", "n_txs": 5,
                         "proving_gas": 6000000})");
  auto weights = Client().GetBlockBouncerWeights(42);
  ASSERT_TRUE(weights.ok()) << weights.error().ToString();
  EXPECT_EQ(*weights, (BouncerWeights{.l1_gas = 1,
                                      .message_segment_length = 2,
                                      .n_events = 3,
                                      .state_diff_size = 4,
                                      .sierra_gas = 10000,
                                      .n_txs = 5,
                                      .proving_gas = 6000000}));
  EXPECT_THAT(gateway_.targets(),
              ElementsAre("/feeder_gateway/get_block_bouncer_weights?blockNumber=42"));
}

TEST_F(FeederGatewayClientTest, BaseUrlPathAndQueryAreKept) {
  gateway_.Push(200, R"({"l1_gas": 0, "message_segment_length": 0, "n_events": 0,
                         "state_diff_size": 0, "sierra_gas": 0, "n_txs": 0, "proving_gas": 0})");
  gateway_.Push(200, std::string(kAddresses));
  auto weights = Client(gateway_.url("/gw/?key=k1")).GetBlockBouncerWeights(3);
  ASSERT_TRUE(weights.ok()) << weights.error().ToString();
  EXPECT_EQ(*weights, BouncerWeights{});
  auto addresses = Client(gateway_.url("/gw")).GetContractAddresses();
  ASSERT_TRUE(addresses.ok()) << addresses.error().ToString();
  EXPECT_THAT(gateway_.targets(),
              ElementsAre("/gw/feeder_gateway/get_block_bouncer_weights?key=k1&blockNumber=3",
                          "/gw/feeder_gateway/get_contract_addresses"));
}

TEST_F(FeederGatewayClientTest, MalformedAnswersAreDataLossNamingTheField) {
  auto client = Client();
  auto expect_data_loss = [](const Error& error, const std::string& expected) {
    EXPECT_EQ(error.code(), ErrorCode::kDataLoss) << error.ToString();
    EXPECT_FALSE(error.transient());
    EXPECT_THAT(error.message(), HasSubstr(expected));
  };

  gateway_.Push(200, R"({"Starknet": "0x1", "GpsStatementVerifier": "0x2",
                         "eth_l2_token_address": "0x3"})");
  auto addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  expect_data_loss(addresses.error(),
                   "get_contract_addresses: malformed answer: field 'strk_l2_token_address': "
                   "missing");

  gateway_.Push(200, R"({"Starknet": 1, "GpsStatementVerifier": "0x2",
                         "eth_l2_token_address": "0x3", "strk_l2_token_address": "0x4"})");
  addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  expect_data_loss(addresses.error(), "field 'Starknet': 1 is not a 0x-prefixed felt");

  const std::string weights_prefix =
      R"({"l1_gas": 1, "message_segment_length": 2, "n_events": 3, "state_diff_size": 4,
          "sierra_gas": 5, "n_txs": 6)";
  for (const std::string& proving_gas :
       {std::string(R"(, "proving_gas": -1})"), std::string(R"(, "proving_gas": 1.5})"),
        std::string(R"(, "proving_gas": "12"})"), std::string(R"(, "proving_gas": "0x"})"),
        std::string(R"(, "proving_gas": "0x10000000000000000"})"), std::string("}")}) {
    gateway_.Push(200, weights_prefix + proving_gas);
    auto weights = client.GetBlockBouncerWeights(7);
    ASSERT_FALSE(weights.ok()) << proving_gas;
    expect_data_loss(weights.error(),
                     "get_block_bouncer_weights: malformed answer: field 'proving_gas'");
  }

  gateway_.Push(200, "{not json");
  addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  expect_data_loss(addresses.error(), "get_contract_addresses: malformed answer: not JSON");

  gateway_.Push(200, "[1, 2]");
  addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  expect_data_loss(addresses.error(), "not a JSON object");
}

TEST_F(FeederGatewayClientTest, ServerErrorsAreRetriedThenUnavailable) {
  gateway_.Push(503, "busy");
  gateway_.Push(200, std::string(kAddresses));
  auto addresses = Client().GetContractAddresses();
  ASSERT_TRUE(addresses.ok()) << addresses.error().ToString();

  // The script is exhausted: every attempt gets HTTP 500.
  auto failed = Client().GetContractAddresses();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(failed.error().transient());
  EXPECT_THAT(failed.error().message(),
              HasSubstr("get_contract_addresses: the node answered HTTP 500"));
  EXPECT_EQ(gateway_.targets().size(), 5u);  // 2, then 3 attempts
  std::lock_guard lock(mutex_);
  EXPECT_THAT(sleeps_, ElementsAre(100ms, 100ms, 150ms));
}

TEST_F(FeederGatewayClientTest, UnreachableGatewayIsTransient) {
  auto client = Client("http://127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort()));
  auto addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  EXPECT_EQ(addresses.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(addresses.error().transient());
  std::lock_guard lock(mutex_);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(FeederGatewayClientTest, ClientErrorsAreMappedAtOnce) {
  auto client = Client();
  gateway_.Push(404, "Not Found");
  auto addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  EXPECT_EQ(addresses.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(addresses.error().transient());
  EXPECT_THAT(addresses.error().message(), HasSubstr("HTTP 404"));

  gateway_.Push(400, R"({"code": "StarknetErrorCode.BLOCK_NOT_FOUND",
                         "message": "Block number 99 was not found"})");
  auto weights = client.GetBlockBouncerWeights(99);
  ASSERT_FALSE(weights.ok());
  EXPECT_EQ(weights.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(weights.error().transient());
  EXPECT_THAT(weights.error().message(), HasSubstr("block 99 is not ready"));

  gateway_.Push(400, R"({"code": "StarknetErrorCode.MALFORMED_REQUEST", "message": "bad"})");
  weights = client.GetBlockBouncerWeights(1);
  ASSERT_FALSE(weights.ok());
  EXPECT_EQ(weights.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(weights.error().message(), HasSubstr("StarknetErrorCode.MALFORMED_REQUEST: bad"));

  gateway_.Push(403, "forbidden");
  addresses = client.GetContractAddresses();
  ASSERT_FALSE(addresses.ok());
  EXPECT_EQ(addresses.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(addresses.error().message(), HasSubstr("HTTP 403: forbidden"));

  EXPECT_EQ(gateway_.targets().size(), 4u);  // none retried
  std::lock_guard lock(mutex_);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(FeederGatewayClientTest, UrlSecretsNeverReachMessages) {
  for (int i = 0; i < 3; ++i) {
    gateway_.Push(503, "overloaded at /v3/apikey123?token=tok3n");
  }
  gateway_.Push(400, R"({"code": "StarknetErrorCode.X", "message": "for /v3/apikey123"})");
  auto client = Client("http://user:s3cr3tpw@127.0.0.1:" + std::to_string(gateway_.port()) +
                       "/v3/apikey123?token=tok3n");
  for (int i = 0; i < 2; ++i) {
    auto addresses = client.GetContractAddresses();
    ASSERT_FALSE(addresses.ok());
    for (const std::string secret : {"s3cr3tpw", "apikey123", "tok3n"}) {
      EXPECT_THAT(addresses.error().message(), Not(HasSubstr(secret)))
          << addresses.error().ToString();
    }
  }
}

}  // namespace
}  // namespace orch::madara
