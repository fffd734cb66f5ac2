#include "orch/clients/madara/http_madara_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/local_http_server.h"
#include "tests/support/scripted_json_rpc_node.h"
#include "tests/support/testdata.h"

#include "orch/http/curl_http_client.h"
#include "orch/starknet/state_update_json.h"

namespace orch::madara {
namespace {

using ::nlohmann::json;
using ::orch::testing::ScriptedJsonRpcNode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr std::string_view kBlockHash =
    "0x4f1ab28d98fd954f81615e8a7df9556cf9a0f8c1a6be5ad97ce77cac7d68dad";

json Header(json overrides = json::object()) {
  json header = {{"status", "ACCEPTED_ON_L2"},
                 {"block_hash", kBlockHash},
                 {"parent_hash", "0x1"},
                 {"block_number", 631861},
                 {"new_root", "0x2"},
                 {"timestamp", 1700000000},
                 {"starknet_version", "0.13.2"},
                 {"transactions", json::array()}};
  header.update(overrides);
  return header;
}

json StateUpdateResult() {
  auto text = test_support::ReadTestdata("da/state_update/631861.json");
  EXPECT_TRUE(text.ok()) << text.error().ToString();
  return text.ok() ? json::parse(*text) : json::object();
}

class HttpMadaraClientTest : public ::testing::Test {
 protected:
  HttpMadaraClientOptions Options() {
    HttpMadaraClientOptions options;
    options.request_timeout = 2000ms;
    options.max_attempts = 3;
    options.initial_backoff = 100ms;
    options.max_backoff = 150ms;
    options.sleep = [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    };
    return options;
  }
  HttpMadaraClient Client(const std::string& url) {
    return HttpMadaraClient(http_, url, Options());
  }
  HttpMadaraClient Client() { return Client(node_.url()); }

  // The method and params of recorded request `i`.
  json Call(std::size_t i) const {
    const json body = node_.bodies().at(i);
    return json{{"method", body.at("method")}, {"params", body.at("params")}};
  }

  http::CurlHttpClient http_;
  std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
  ScriptedJsonRpcNode node_;
};

TEST_F(HttpMadaraClientTest, GetStateUpdateAsksForTheHeaderThenTheUpdate) {
  const json update = StateUpdateResult();
  node_.PushResult(Header());
  node_.PushResult(update);
  auto client = Client();

  auto result = client.GetStateUpdate(631861);

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->version, starknet::StarknetVersion(0, 13, 2));
  auto expected = starknet::StateUpdateFromJson(update);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(starknet::StateUpdateToJson(result->update), starknet::StateUpdateToJson(*expected));
  EXPECT_EQ(result->update.block_hash, crypto::Felt::FromHex(kBlockHash).value());
  ASSERT_EQ(node_.bodies().size(), 2u);
  EXPECT_EQ(Call(0), json::parse(R"({"method":"starknet_getBlockWithTxHashes",
                                     "params":[{"block_number":631861}]})"));
  EXPECT_EQ(Call(1), json::parse(R"({"method":"starknet_getStateUpdate",
                                     "params":[{"block_number":631861}]})"));
  const json body = node_.bodies().at(0);
  EXPECT_EQ(body.at("jsonrpc"), "2.0");
  EXPECT_TRUE(body.at("id").is_number_unsigned());
}

TEST_F(HttpMadaraClientTest, PendingOrPreConfirmedBlocksAreNotReady) {
  auto client = Client();
  for (const json& header :
       {Header({{"status", "PRE_CONFIRMED"}}), Header({{"status", "PENDING"}}), [] {
          json h = Header();
          h.erase("block_hash");
          return h;
        }()}) {
    node_.PushResult(header);
    auto result = client.GetStateUpdate(7);
    ASSERT_FALSE(result.ok()) << header.dump();
    EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
    EXPECT_TRUE(result.error().transient());
    EXPECT_THAT(result.error().message(), HasSubstr("block 7 is not ready"));
  }
  EXPECT_EQ(node_.bodies().size(), 3u);  // no state update asked for, no retry
}

TEST_F(HttpMadaraClientTest, PendingStateUpdateIsNotReady) {
  json update = StateUpdateResult();
  update.erase("block_hash");
  update.erase("new_root");
  node_.PushResult(Header());
  node_.PushResult(update);
  auto result = Client().GetStateUpdate(631861);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("block 631861 is not ready"));
}

TEST_F(HttpMadaraClientTest, BlockNotFoundIsNotReady) {
  node_.PushRpcError(24, "Block not found");
  auto result = Client().GetStateUpdate(99);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("block 99 is not ready"));
  EXPECT_EQ(node_.bodies().size(), 1u);

  node_.PushResult(Header());
  node_.PushRpcError(24, "Block not found");
  result = Client().GetStateUpdate(99);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);

  node_.PushRpcError(24, "Block not found");
  auto nonce = Client().GetNonce(99, crypto::Felt::FromUint64(1));
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(nonce.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(nonce.error().message(), HasSubstr("block 99 is not ready"));
}

TEST_F(HttpMadaraClientTest, GetNonceAndGetStorageAt) {
  node_.PushResult("0x1a");
  node_.PushResult("0x0");
  auto client = Client();
  const auto address = crypto::Felt::FromHexLiteral(
      "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");

  auto nonce = client.GetNonce(12, address);
  ASSERT_TRUE(nonce.ok()) << nonce.error().ToString();
  EXPECT_EQ(*nonce, crypto::Felt::FromUint64(26));
  auto value = client.GetStorageAt(12, address, crypto::Felt::FromUint64(0xabc));
  ASSERT_TRUE(value.ok()) << value.error().ToString();
  EXPECT_TRUE(value->IsZero());

  EXPECT_EQ(Call(0), (json{{"method", "starknet_getNonce"},
                           {"params", {{{"block_number", 12}}, address.ToHex()}}}));
  EXPECT_EQ(Call(1), (json{{"method", "starknet_getStorageAt"},
                           {"params", {address.ToHex(), "0xabc", {{"block_number", 12}}}}}));
}

TEST_F(HttpMadaraClientTest, ContractNotFoundIsNotFound) {
  node_.PushRpcError(20, "Contract not found");
  node_.PushRpcError(20, "Contract not found");
  auto client = Client();
  auto nonce = client.GetNonce(3, crypto::Felt::FromUint64(5));
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(nonce.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(nonce.error().transient());
  EXPECT_THAT(nonce.error().message(), HasSubstr("starknet_getNonce"));
  auto value = client.GetStorageAt(3, crypto::Felt::FromUint64(5), crypto::Felt::FromUint64(6));
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(value.error().message(), HasSubstr("starknet_getStorageAt"));
}

TEST_F(HttpMadaraClientTest, GetClassHashAt) {
  node_.PushResult("0x5400e90f7e0ae78bd02c77cd75527280470e2fe19c54970dd79dc37a9d3645c");
  node_.PushRpcError(20, "Contract not found");
  auto client = Client();
  const auto address = crypto::Felt::FromUint64(0x1234);

  auto class_hash = client.GetClassHashAt(9, address);
  ASSERT_TRUE(class_hash.ok()) << class_hash.error().ToString();
  EXPECT_EQ(*class_hash, crypto::Felt::FromHexLiteral(
                             "0x5400e90f7e0ae78bd02c77cd75527280470e2fe19c54970dd79dc37a9d3645c"));
  EXPECT_EQ(Call(0), json::parse(R"({"method":"starknet_getClassHashAt",
                                     "params":[{"block_number":9},"0x1234"]})"));

  auto missing = client.GetClassHashAt(9, address);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(missing.error().transient());
  EXPECT_THAT(missing.error().message(), HasSubstr("starknet_getClassHashAt: error code 20"));
}

TEST_F(HttpMadaraClientTest, NoBlocksYetIsTransient) {
  node_.PushRpcError(32, "There are no blocks");
  auto latest = Client().LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(latest.error().transient());
  EXPECT_EQ(node_.bodies().size(), 1u);
}

TEST_F(HttpMadaraClientTest, LatestBlockNumberAndChainId) {
  node_.PushResult(631900);
  node_.PushResult("0x534e5f5345504f4c4941");
  auto client = Client();
  auto latest = client.LatestBlockNumber();
  ASSERT_TRUE(latest.ok()) << latest.error().ToString();
  EXPECT_EQ(*latest, 631900u);
  auto chain = client.ChainId();
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  EXPECT_EQ(chain->ToShortString().value(), "SN_SEPOLIA");
  EXPECT_EQ(Call(0), json::parse(R"({"method":"starknet_blockNumber","params":[]})"));
  EXPECT_EQ(Call(1), json::parse(R"({"method":"starknet_chainId","params":[]})"));
}

TEST_F(HttpMadaraClientTest, ServerErrorsAreRetriedThenUnavailable) {
  node_.PushRaw(503, "busy");
  node_.PushResult(5);
  auto latest = Client().LatestBlockNumber();
  ASSERT_TRUE(latest.ok()) << latest.error().ToString();
  EXPECT_EQ(*latest, 5u);

  // The script is exhausted: every attempt gets HTTP 500.
  auto failed = Client().LatestBlockNumber();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(failed.error().transient());
  EXPECT_THAT(failed.error().message(), HasSubstr("HTTP 500"));
  EXPECT_EQ(node_.bodies().size(), 5u);  // 2, then 3 attempts
  std::lock_guard lock(mutex_);
  EXPECT_THAT(sleeps_, ElementsAre(100ms, 100ms, 150ms));
}

TEST_F(HttpMadaraClientTest, MalformedAnswersAreDataLossNamingTheField) {
  auto client = Client();
  auto expect_data_loss = [](const Error& error, const std::string& expected) {
    EXPECT_EQ(error.code(), ErrorCode::kDataLoss) << error.ToString();
    EXPECT_FALSE(error.transient());
    EXPECT_THAT(error.message(), HasSubstr(expected));
  };

  node_.PushResult("not hex");
  auto nonce = client.GetNonce(1, crypto::Felt::FromUint64(1));
  ASSERT_FALSE(nonce.ok());
  expect_data_loss(nonce.error(), "starknet_getNonce: malformed answer: field 'result'");

  node_.PushResult("0x1234567890123456789012345678901234567890123456789012345678901234");
  auto value = client.GetStorageAt(1, crypto::Felt::FromUint64(1), crypto::Felt::FromUint64(2));
  ASSERT_FALSE(value.ok());
  expect_data_loss(value.error(), "starknet_getStorageAt: malformed answer: field 'result'");

  node_.PushResult("0x10");
  auto latest = client.LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  expect_data_loss(latest.error(), "starknet_blockNumber: malformed answer: field 'result'");

  node_.PushResult(12);
  auto chain = client.ChainId();
  ASSERT_FALSE(chain.ok());
  expect_data_loss(chain.error(), "starknet_chainId: malformed answer: field 'result'");

  node_.PushResult(Header({{"starknet_version", "zero.thirteen"}}));
  auto update = client.GetStateUpdate(1);
  ASSERT_FALSE(update.ok());
  expect_data_loss(update.error(),
                   "starknet_getBlockWithTxHashes: malformed answer: field 'starknet_version'");

  json header = Header();
  header.erase("starknet_version");
  node_.PushResult(header);
  update = client.GetStateUpdate(1);
  ASSERT_FALSE(update.ok());
  expect_data_loss(update.error(), "field 'starknet_version': missing");

  json broken = StateUpdateResult();
  broken["state_diff"]["storage_diffs"][0]["storage_entries"][0]["value"] = "0xzz";
  node_.PushResult(Header());
  node_.PushResult(broken);
  update = client.GetStateUpdate(1);
  ASSERT_FALSE(update.ok());
  expect_data_loss(update.error(), "starknet_getStateUpdate: malformed answer");
  EXPECT_THAT(update.error().message(),
              HasSubstr("state_diff.storage_diffs[0].storage_entries[0].value"));

  node_.PushRaw(200, "{not json");
  latest = client.LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  expect_data_loss(latest.error(), "starknet_blockNumber: malformed answer: not JSON");

  node_.Push([](const json& request, httplib::Response& response) {
    response.set_content(json{{"jsonrpc", "2.0"}, {"id", request["id"]}}.dump(),
                         "application/json");
  });
  latest = client.LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  expect_data_loss(latest.error(),
                   "starknet_blockNumber: malformed answer: field 'result': missing");

  node_.PushRaw(200, R"({"jsonrpc":"2.0","id":123456,"result":5})");
  latest = client.LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  expect_data_loss(latest.error(), "field 'id'");
}

TEST_F(HttpMadaraClientTest, BlockReplacedBetweenTheTwoCallsIsTransient) {
  json update = StateUpdateResult();
  update["block_hash"] = "0x1234";
  node_.PushResult(Header());
  node_.PushResult(update);
  auto result = Client().GetStateUpdate(631861);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(result.error().message(), HasSubstr("changed between calls"));
}

TEST_F(HttpMadaraClientTest, UrlCredentialsNeverReachMessages) {
  const std::vector<std::string> secrets = {"s3cr3tpw", "apikey123", "tok3n"};
  auto expect_clean = [&](const Error& error) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(error.message(), Not(HasSubstr(secret))) << error.ToString();
    }
  };
  // A node that echoes its URL path back in a 503 and then in a JSON-RPC error.
  const std::string url = "http://user:s3cr3tpw@127.0.0.1:" + std::to_string(node_.port()) +
                          "/v3/apikey123?token=tok3n";
  for (int i = 0; i < 3; ++i) {
    node_.PushRaw(503, "overloaded at /v3/apikey123?token=tok3n");
  }
  auto client = Client(url);
  auto latest = client.LatestBlockNumber();
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.error().code(), ErrorCode::kUnavailable);
  expect_clean(latest.error());

  node_.PushRpcError(-32603, "internal error for " + url);
  auto chain = client.ChainId();
  ASSERT_FALSE(chain.ok());
  expect_clean(chain.error());

  auto closed =
      Client("http://user:s3cr3tpw@127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort()) +
             "/v3/apikey123?token=tok3n");
  auto unreachable = closed.GetNonce(1, crypto::Felt::FromUint64(1));
  ASSERT_FALSE(unreachable.ok());
  EXPECT_TRUE(unreachable.error().transient());
  expect_clean(unreachable.error());
}

}  // namespace
}  // namespace orch::madara
