#include "orch/clients/ethereum/http_ethereum_rpc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/support/local_http_server.h"
#include "tests/support/scripted_json_rpc_node.h"

#include "orch/eth/abi.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/transaction.h"
#include "orch/http/curl_http_client.h"

namespace orch::ethereum {
namespace {

using ::nlohmann::json;
using ::orch::testing::FakeClock;
using ::orch::testing::ScriptedJsonRpcNode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class HttpEthereumRpcTest : public ::testing::Test {
 protected:
  HttpEthereumRpcOptions Options() {
    HttpEthereumRpcOptions options;
    options.request_timeout = 2000ms;
    options.max_attempts = 3;
    options.initial_backoff = 100ms;
    options.max_backoff = 150ms;
    options.sleep = [this](std::chrono::milliseconds delay) {
      clock_.Advance(delay);
      sleeps_.push_back(delay);
    };
    return options;
  }

  HttpEthereumRpc Rpc(const std::string& url) { return HttpEthereumRpc(http_, url, Options()); }
  HttpEthereumRpc Rpc() { return Rpc(node_.url()); }

  // The method and params of recorded request `i`.
  json Call(std::size_t i) const {
    const json body = node_.bodies().at(i);
    return json{{"method", body.at("method")}, {"params", body.at("params")}};
  }

  http::CurlHttpClient http_;
  FakeClock clock_;
  std::vector<std::chrono::milliseconds> sleeps_;
  ScriptedJsonRpcNode node_;
};

eth::Address Addr(std::string_view text) { return *eth::Address::Parse(text); }

eth::Hash32 Hash(std::uint8_t fill) {
  eth::Hash32 hash{};
  hash.fill(fill);
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Happy paths: what each method sends and how it reads the answer.

TEST_F(HttpEthereumRpcTest, ChainIdSendsJsonRpc) {
  node_.PushResult("0x7a69");
  auto rpc = Rpc();
  auto chain_id = rpc.ChainId();
  ASSERT_TRUE(chain_id.ok()) << chain_id.error().ToString();
  EXPECT_EQ(*chain_id, 31337u);
  const json body = node_.bodies().at(0);
  EXPECT_EQ(body.at("jsonrpc"), "2.0");
  EXPECT_TRUE(body.at("id").is_number_unsigned());
  EXPECT_EQ(Call(0), (json{{"method", "eth_chainId"}, {"params", json::array()}}));
  EXPECT_EQ(node_.content_types().at(0), "application/json");
}

TEST_F(HttpEthereumRpcTest, BlockNumberAndTransactionCount) {
  node_.PushResult("0x10");
  node_.PushResult("0x0");
  node_.PushResult("0x5");
  auto rpc = Rpc();
  EXPECT_EQ(*rpc.BlockNumber(), 16u);
  const auto address = Addr("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_EQ(*rpc.GetTransactionCount(address, BlockTag::kLatest), 0u);
  EXPECT_EQ(*rpc.GetTransactionCount(address, BlockTag::kPending), 5u);
  EXPECT_EQ(Call(0), (json{{"method", "eth_blockNumber"}, {"params", json::array()}}));
  EXPECT_EQ(Call(1), (json{{"method", "eth_getTransactionCount"},
                           {"params", {"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "latest"}}}));
  EXPECT_EQ(Call(2)["params"][1], "pending");
}

TEST_F(HttpEthereumRpcTest, RequestIdsDiffer) {
  node_.PushResult("0x1");
  node_.PushResult("0x1");
  auto rpc = Rpc();
  ASSERT_TRUE(rpc.BlockNumber().ok());
  ASSERT_TRUE(rpc.BlockNumber().ok());
  EXPECT_NE(node_.bodies().at(0)["id"], node_.bodies().at(1)["id"]);
}

TEST_F(HttpEthereumRpcTest, FeeMarket) {
  node_.PushResult({{"number", "0x3"}, {"baseFeePerGas", "0x3b9aca00"}});
  node_.PushResult("0x1");
  node_.PushResult("0x77359400");
  auto rpc = Rpc();
  auto market = rpc.GetFeeMarket();
  ASSERT_TRUE(market.ok()) << market.error().ToString();
  EXPECT_EQ(market->base_fee_per_gas, crypto::U256(1'000'000'000));
  EXPECT_EQ(market->blob_base_fee, crypto::U256(1));
  EXPECT_EQ(market->max_priority_fee_per_gas, crypto::U256(2'000'000'000));
  EXPECT_EQ(Call(0), (json{{"method", "eth_getBlockByNumber"}, {"params", {"latest", false}}}));
  EXPECT_EQ(Call(1), (json{{"method", "eth_blobBaseFee"}, {"params", json::array()}}));
  EXPECT_EQ(Call(2), (json{{"method", "eth_maxPriorityFeePerGas"}, {"params", json::array()}}));
}

TEST_F(HttpEthereumRpcTest, FeeMarketFallsBackWithoutMaxPriorityFee) {
  node_.PushResult({{"baseFeePerGas", "0x7"}});
  node_.PushResult("0x1");
  node_.PushRpcError(-32601, "the method eth_maxPriorityFeePerGas does not exist/is not available");
  auto rpc = Rpc();
  auto market = rpc.GetFeeMarket();
  ASSERT_TRUE(market.ok()) << market.error().ToString();
  EXPECT_EQ(market->max_priority_fee_per_gas, crypto::U256(200'000'000));
}

TEST_F(HttpEthereumRpcTest, FeeMarketWithoutBaseFeeIsDataLoss) {
  node_.PushResult({{"number", "0x3"}});
  auto rpc = Rpc();
  auto market = rpc.GetFeeMarket();
  ASSERT_FALSE(market.ok());
  EXPECT_EQ(market.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(market.error().message(), HasSubstr("baseFeePerGas"));
}

TEST_F(HttpEthereumRpcTest, CallAndEstimateGas) {
  node_.PushResult("0x000000000000000000000000000000000000000000000000000000000000002a");
  node_.PushResult("0x5208");
  auto rpc = Rpc();
  const CallRequest request{.from = Addr("0x1111111111111111111111111111111111111111"),
                            .to = Addr("0x2222222222222222222222222222222222222222"),
                            .data = {0x12, 0x34}};
  auto output = rpc.Call(request, BlockTag::kFinalized);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  ASSERT_EQ(output->size(), 32u);
  EXPECT_EQ(output->back(), 0x2a);
  EXPECT_EQ(*rpc.EstimateGas(request), 21000u);
  const json call_object = {{"from", "0x1111111111111111111111111111111111111111"},
                            {"to", "0x2222222222222222222222222222222222222222"},
                            {"data", "0x1234"}};
  EXPECT_EQ(Call(0), (json{{"method", "eth_call"}, {"params", {call_object, "finalized"}}}));
  EXPECT_EQ(Call(1), (json{{"method", "eth_estimateGas"}, {"params", {call_object}}}));
}

TEST_F(HttpEthereumRpcTest, ACallThatReadsBlobHashesCarriesThem) {
  node_.PushResult("0x");
  auto rpc = Rpc();
  eth::Hash32 hash{};
  hash[0] = 0x01;
  hash[31] = 0xab;
  const CallRequest request{.from = std::nullopt,
                            .to = Addr("0x2222222222222222222222222222222222222222"),
                            .data = {},
                            .blob_versioned_hashes = {hash},
                            .max_fee_per_blob_gas = crypto::U256(255)};
  ASSERT_TRUE(rpc.Call(request, BlockTag::kLatest).ok());
  const json params = Call(0)["params"][0];
  EXPECT_EQ(params["blobVersionedHashes"],
            json::array({"0x01000000000000000000000000000000000000000000000000000000000000ab"}));
  EXPECT_EQ(params["maxFeePerBlobGas"], "0xff");
}

TEST_F(HttpEthereumRpcTest, CallWithoutFromOmitsIt) {
  node_.PushResult("0x");
  auto rpc = Rpc();
  auto output = rpc.Call(
      {.from = std::nullopt, .to = Addr("0x2222222222222222222222222222222222222222"), .data = {}},
      BlockTag::kSafe);
  ASSERT_TRUE(output.ok());
  EXPECT_TRUE(output->empty());
  EXPECT_EQ(Call(0)["params"],
            (json{{{"to", "0x2222222222222222222222222222222222222222"}, {"data", "0x"}}, "safe"}));
}

TEST_F(HttpEthereumRpcTest, SendRawTransaction) {
  node_.PushResult(eth::ToHex(Hash(0xab)));
  auto rpc = Rpc();
  const std::array<std::uint8_t, 3> raw = {0x02, 0xf8, 0x01};
  auto hash = rpc.SendRawTransaction(raw);
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, Hash(0xab));
  EXPECT_EQ(Call(0), (json{{"method", "eth_sendRawTransaction"}, {"params", {"0x02f801"}}}));
}

json FullReceipt() {
  return {
      {"transactionHash", eth::ToHex(Hash(0x11))},
      {"blockNumber", "0x1b4"},
      {"blockHash", eth::ToHex(Hash(0x22))},
      {"status", "0x1"},
      {"gasUsed", "0x5208"},
      {"effectiveGasPrice", "0x3b9aca07"},
      {"blobGasUsed", "0x20000"},
      {"blobGasPrice", "0x1"},
      {"contractAddress", nullptr},
      {"logs",
       {{{"address", "0x3333333333333333333333333333333333333333"},
         {"topics", {eth::ToHex(Hash(0x44)), eth::ToHex(Hash(0x55))}},
         {"data", "0xbeef"}}}},
  };
}

TEST_F(HttpEthereumRpcTest, ReceiptWithEveryField) {
  node_.PushResult(FullReceipt());
  auto rpc = Rpc();
  auto receipt = rpc.GetTransactionReceipt(Hash(0x11));
  ASSERT_TRUE(receipt.ok()) << receipt.error().ToString();
  ASSERT_TRUE(receipt->has_value());
  const TransactionReceipt& r = **receipt;
  EXPECT_EQ(r.transaction_hash, Hash(0x11));
  EXPECT_EQ(r.block_number, 436u);
  EXPECT_EQ(r.block_hash, Hash(0x22));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.gas_used, 21000u);
  EXPECT_EQ(r.effective_gas_price, crypto::U256(1'000'000'007));
  EXPECT_EQ(r.blob_gas_used, 131072u);
  EXPECT_EQ(r.blob_gas_price, crypto::U256(1));
  EXPECT_FALSE(r.contract_address.has_value());
  ASSERT_EQ(r.logs.size(), 1u);
  EXPECT_EQ(r.logs[0].address, Addr("0x3333333333333333333333333333333333333333"));
  EXPECT_THAT(r.logs[0].topics, ElementsAre(Hash(0x44), Hash(0x55)));
  EXPECT_EQ(r.logs[0].data, (eth::Bytes{0xbe, 0xef}));
  EXPECT_EQ(Call(0),
            (json{{"method", "eth_getTransactionReceipt"}, {"params", {eth::ToHex(Hash(0x11))}}}));
}

TEST_F(HttpEthereumRpcTest, ReceiptOfAFailedDeploymentWithoutBlobFields) {
  json receipt = FullReceipt();
  receipt.erase("blobGasUsed");
  receipt.erase("blobGasPrice");
  receipt["status"] = "0x0";
  receipt["contractAddress"] = "0x4444444444444444444444444444444444444444";
  receipt["logs"] = json::array();
  node_.PushResult(receipt);
  auto rpc = Rpc();
  auto parsed = rpc.GetTransactionReceipt(Hash(0x11));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_FALSE((*parsed)->success);
  EXPECT_FALSE((*parsed)->blob_gas_used.has_value());
  EXPECT_FALSE((*parsed)->blob_gas_price.has_value());
  EXPECT_EQ((*parsed)->contract_address, Addr("0x4444444444444444444444444444444444444444"));
}

TEST_F(HttpEthereumRpcTest, ReceiptNullIsNullopt) {
  node_.PushResult(nullptr);
  auto rpc = Rpc();
  auto receipt = rpc.GetTransactionReceipt(Hash(0x11));
  ASSERT_TRUE(receipt.ok()) << receipt.error().ToString();
  EXPECT_FALSE(receipt->has_value());
}

TEST_F(HttpEthereumRpcTest, ReceiptMissingFieldIsDataLossNamingIt) {
  for (const char* field : {"transactionHash", "blockNumber", "blockHash", "status", "gasUsed",
                            "effectiveGasPrice", "logs"}) {
    json receipt = FullReceipt();
    receipt.erase(field);
    node_.PushResult(receipt);
    auto rpc = Rpc();
    auto parsed = rpc.GetTransactionReceipt(Hash(0x11));
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kDataLoss) << field;
    EXPECT_THAT(parsed.error().message(), HasSubstr("eth_getTransactionReceipt")) << field;
    EXPECT_THAT(parsed.error().message(), HasSubstr(field));
  }
}

TEST_F(HttpEthereumRpcTest, ReceiptBadLogTopicIsDataLossNamingIt) {
  json receipt = FullReceipt();
  receipt["logs"][0]["topics"][1] = "0x1234";
  node_.PushResult(receipt);
  auto rpc = Rpc();
  auto parsed = rpc.GetTransactionReceipt(Hash(0x11));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(parsed.error().message(), HasSubstr("logs[0].topics[1]"));
}

TEST_F(HttpEthereumRpcTest, RequestPassesAnyMethodThrough) {
  node_.PushResult({{"anything", true}});
  auto rpc = Rpc();
  auto result = rpc.Request("anvil_getBlobByHash", json::array({"0x01ab"}));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(*result, (json{{"anything", true}}));
  EXPECT_EQ(Call(0), (json{{"method", "anvil_getBlobByHash"}, {"params", {"0x01ab"}}}));
}

TEST_F(HttpEthereumRpcTest, ParamsThatAreNotUtf8AreInvalidArgument) {
  auto rpc = Rpc();
  auto result = rpc.Request("eth_x", json::array({std::string("\xff\xfe")}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(node_.bodies().empty());
}

TEST_F(HttpEthereumRpcTest, BatchMatchesAnswersById) {
  node_.Push([](const json& request, httplib::Response& response) {
    ASSERT_TRUE(request.is_array());
    ASSERT_EQ(request.size(), 2u);
    // In reverse order: the client must match by id.
    const json answer =
        json::array({{{"jsonrpc", "2.0"},
                      {"id", request[1]["id"]},
                      {"error", {{"code", -32000}, {"message", "nope"}}}},
                     {{"jsonrpc", "2.0"}, {"id", request[0]["id"]}, {"result", "0x7a69"}}});
    response.set_content(answer.dump(), "application/json");
  });
  auto rpc = Rpc();
  const std::array calls = {HttpEthereumRpc::RpcCall{"eth_chainId", json::array()},
                            HttpEthereumRpc::RpcCall{"eth_blockNumber", json::array()}};
  auto results = rpc.Batch(calls);
  ASSERT_TRUE(results.ok()) << results.error().ToString();
  ASSERT_EQ(results->size(), 2u);
  ASSERT_TRUE((*results)[0].ok());
  EXPECT_EQ(*(*results)[0], "0x7a69");
  ASSERT_FALSE((*results)[1].ok());
  EXPECT_EQ((*results)[1].error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT((*results)[1].error().message(), HasSubstr("nope"));
  EXPECT_EQ(node_.bodies().at(0)[0]["method"], "eth_chainId");
  EXPECT_EQ(node_.bodies().at(0)[1]["method"], "eth_blockNumber");
}

TEST_F(HttpEthereumRpcTest, BatchMissingAnswerIsDataLoss) {
  node_.Push([](const json& request, httplib::Response& response) {
    response.set_content(
        json::array({{{"jsonrpc", "2.0"}, {"id", request[0]["id"]}, {"result", "0x1"}}}).dump(),
        "application/json");
  });
  auto rpc = Rpc();
  const std::array calls = {HttpEthereumRpc::RpcCall{"eth_chainId", json::array()},
                            HttpEthereumRpc::RpcCall{"eth_blockNumber", json::array()}};
  auto results = rpc.Batch(calls);
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(results.error().message(), HasSubstr("eth_blockNumber"));
}

// ---------------------------------------------------------------------------------------------
// Transient errors: retried with backoff on the fake clock, then returned.

TEST_F(HttpEthereumRpcTest, Http503ThenSuccessIsRetried) {
  node_.PushRaw(503, "busy");
  node_.PushResult("0x2");
  auto rpc = Rpc();
  const TimePoint start = clock_.Now();
  auto number = rpc.BlockNumber();
  ASSERT_TRUE(number.ok()) << number.error().ToString();
  EXPECT_EQ(*number, 2u);
  EXPECT_EQ(node_.bodies().size(), 2u);
  EXPECT_THAT(sleeps_, ElementsAre(100ms));
  EXPECT_EQ(clock_.Now() - start, 100ms);
}

TEST_F(HttpEthereumRpcTest, Http429UntilAttemptsRunOut) {
  for (int i = 0; i < 3; ++i) {
    node_.PushRaw(429, R"({"message":"too many requests"})");
  }
  auto rpc = Rpc();
  auto number = rpc.BlockNumber();
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(number.error().transient());
  EXPECT_THAT(number.error().message(), HasSubstr("429"));
  EXPECT_THAT(number.error().message(), HasSubstr("eth_blockNumber"));
  EXPECT_EQ(node_.bodies().size(), 3u);
  EXPECT_THAT(sleeps_, ElementsAre(100ms, 150ms));  // doubled, then capped
}

TEST_F(HttpEthereumRpcTest, RateLimitJsonRpcErrorIsRetried) {
  node_.PushRpcError(-32005, "limit exceeded");
  node_.PushResult("0x3");
  auto rpc = Rpc();
  auto number = rpc.BlockNumber();
  ASSERT_TRUE(number.ok()) << number.error().ToString();
  EXPECT_EQ(*number, 3u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(HttpEthereumRpcTest, ConnectionRefusedIsUnavailableAfterAllAttempts) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort());
  auto rpc = Rpc(url);
  auto chain_id = rpc.ChainId();
  ASSERT_FALSE(chain_id.ok());
  EXPECT_EQ(chain_id.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(chain_id.error().transient());
  EXPECT_THAT(chain_id.error().message(), HasSubstr("eth_chainId"));
  EXPECT_THAT(sleeps_, ElementsAre(100ms, 150ms));
}

TEST_F(HttpEthereumRpcTest, SlowNodeTimesOut) {
  // Shared with the handler: the node, a fixture member, outlives this test body and may
  // still be waking the handler when the body ends.
  const auto gate = std::make_shared<testing::Gate>();
  node_.Push([gate](const json& request, httplib::Response& response) {
    gate->Wait();
    response.set_content(json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", "0x1"}}.dump(),
                         "application/json");
  });
  HttpEthereumRpcOptions options = Options();
  options.request_timeout = 200ms;
  options.max_attempts = 1;
  HttpEthereumRpc rpc(http_, node_.url(), options);
  auto number = rpc.BlockNumber();
  gate->Open();
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kTimeout);
  EXPECT_TRUE(number.error().transient());
}

// A send whose first attempt may have reached the node: the retry's "already known" is success.
eth::PrivateKey TestKey() {
  return *eth::PrivateKey::FromHex(
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
}

TEST_F(HttpEthereumRpcTest, RetriedSendThatIsAlreadyKnownReturnsTheHash) {
  eth::Eip1559Transaction tx;
  tx.chain_id = 31337;
  tx.gas_limit = 21000;
  tx.to = Addr("0x2222222222222222222222222222222222222222");
  const auto signed_tx = eth::SignTransaction(tx, TestKey());
  node_.PushRaw(503, "busy");
  node_.PushRpcError(-32003, "transaction already imported");
  auto rpc = Rpc();
  auto hash = rpc.SendRawTransaction(eth::EncodeTransaction(signed_tx));
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, eth::TransactionHash(signed_tx));
}

TEST_F(HttpEthereumRpcTest, RetriedBlobSendThatIsAlreadyKnownReturnsTheHashOfTheSignedForm) {
  eth::BlobSidecar sidecar;
  sidecar.version = eth::SidecarVersion::kEip4844;
  sidecar.blobs.emplace_back(eth::kBytesPerBlob, 0);
  sidecar.commitments.push_back({0xc0});
  sidecar.proofs.push_back({0xc0});
  eth::Eip4844Transaction tx;
  tx.chain_id = 31337;
  tx.gas_limit = 21000;
  tx.to = Addr("0x2222222222222222222222222222222222222222");
  tx.blob_versioned_hashes = eth::VersionedHashes(sidecar);
  const auto signed_tx = eth::SignTransaction(tx, TestKey());
  auto raw = eth::EncodeNetworkTransaction(signed_tx, sidecar);
  ASSERT_TRUE(raw.ok()) << raw.error().ToString();
  node_.PushRaw(502, "bad gateway");
  node_.PushRpcError(-32000, "already known");
  auto rpc = Rpc();
  auto hash = rpc.SendRawTransaction(*raw);
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, eth::TransactionHash(signed_tx));
}

TEST_F(HttpEthereumRpcTest, AlreadyKnownAtTheFirstAttemptIsInvalidArgument) {
  node_.PushRpcError(-32000, "already known");
  auto rpc = Rpc();
  const std::array<std::uint8_t, 1> raw = {0x02};
  auto hash = rpc.SendRawTransaction(raw);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(hash.error().message(), HasSubstr("already known"));
}

// ---------------------------------------------------------------------------------------------
// Permanent errors: returned at once.

TEST_F(HttpEthereumRpcTest, MalformedJsonIsDataLossAndNotRetried) {
  node_.PushRaw(200, "{not json");
  auto rpc = Rpc();
  auto number = rpc.BlockNumber();
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(number.error().transient());
  EXPECT_THAT(number.error().message(), HasSubstr("eth_blockNumber"));
  EXPECT_EQ(node_.bodies().size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HttpEthereumRpcTest, AnswerWithoutResultIsDataLoss) {
  node_.Push([](const json& request, httplib::Response& response) {
    response.set_content(json{{"jsonrpc", "2.0"}, {"id", request["id"]}}.dump(),
                         "application/json");
  });
  auto rpc = Rpc();
  auto number = rpc.BlockNumber();
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(number.error().message(), HasSubstr("'result'"));
}

TEST_F(HttpEthereumRpcTest, AnswerToAnotherIdIsDataLoss) {
  node_.PushRaw(200, R"({"jsonrpc":"2.0","id":987654,"result":"0x1"})");
  auto rpc = Rpc();
  auto number = rpc.BlockNumber();
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(number.error().message(), HasSubstr("'id'"));
}

TEST_F(HttpEthereumRpcTest, QuantitiesAreParsedStrictly) {
  struct Case {
    json value;
    bool ok;
    std::uint64_t expected;
  };
  const std::vector<Case> cases = {
      {"0x0", true, 0},
      {"0x1f", true, 31},
      {"0X1f", false, 0},
      {"0x001f", true, 31},  // leading zeros: forbidden by the spec, sent by some nodes
      {"0x", false, 0},
      {"1f", false, 0},
      {"0xg1", false, 0},
      {"0x-1", false, 0},
      {"0x 1", false, 0},
      {31, false, 0},
      {"0x10000000000000000", false, 0},  // does not fit in 64 bits
      {nullptr, false, 0},
  };
  for (const Case& c : cases) {
    node_.PushResult(c.value);
    auto rpc = Rpc();
    auto number = rpc.BlockNumber();
    ASSERT_EQ(number.ok(), c.ok) << c.value.dump();
    if (c.ok) {
      EXPECT_EQ(*number, c.expected) << c.value.dump();
    } else {
      EXPECT_EQ(number.error().code(), ErrorCode::kDataLoss) << c.value.dump();
      EXPECT_THAT(number.error().message(), HasSubstr("eth_blockNumber"));
    }
  }
  EXPECT_TRUE(ParseQuantity("0x" + std::string(64, 'f')).ok());
  EXPECT_TRUE(ParseQuantity("0x00" + std::string(64, 'f')).ok());
  EXPECT_FALSE(ParseQuantity("0x1" + std::string(64, '0')).ok());
}

TEST_F(HttpEthereumRpcTest, NonceTooLowIsInvalidArgumentWithTheNodesWords) {
  node_.PushRpcError(-32000, "nonce too low");
  auto rpc = Rpc();
  const std::array<std::uint8_t, 1> raw = {0x02};
  auto hash = rpc.SendRawTransaction(raw);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(hash.error().transient());
  EXPECT_THAT(hash.error().message(), HasSubstr("error code -32000: nonce too low"));
  EXPECT_THAT(hash.error().message(), HasSubstr("eth_sendRawTransaction"));
  EXPECT_EQ(node_.bodies().size(), 1u);
}

TEST_F(HttpEthereumRpcTest, ReplacementUnderpricedIsInvalidArgument) {
  node_.PushRpcError(-32000, "replacement transaction underpriced");
  auto rpc = Rpc();
  const std::array<std::uint8_t, 1> raw = {0x03};
  auto hash = rpc.SendRawTransaction(raw);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(hash.error().message(),
              HasSubstr("error code -32000: replacement transaction underpriced"));
}

TEST_F(HttpEthereumRpcTest, InvalidParamsIsInvalidArgument) {
  node_.PushRaw(
      400, R"({"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"invalid params"}})");
  auto rpc = Rpc();
  auto result = rpc.Request("eth_getBalance", json::array({"bad"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().message(), HasSubstr("-32602"));
}

TEST_F(HttpEthereumRpcTest, Http4xxWithoutJsonRpcIsInvalidArgument) {
  node_.PushRaw(401, "unauthorized");
  auto rpc = Rpc();
  auto result = rpc.BlockNumber();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().message(), HasSubstr("401"));
  EXPECT_TRUE(sleeps_.empty());
}

eth::Bytes ErrorStringData(std::string_view reason) {
  const std::array arguments = {
      eth::AbiValue::DynamicBytes(eth::Bytes(reason.begin(), reason.end()))};
  eth::Bytes data = eth::AbiEncode(arguments);
  const std::array<std::uint8_t, 4> selector = eth::FunctionSelector("Error(string)");
  data.insert(data.begin(), selector.begin(), selector.end());
  return data;
}

TEST_F(HttpEthereumRpcTest, RevertWithErrorStringIsFailedPreconditionWithTheReason) {
  node_.PushRpcError(3, "execution reverted: boom", eth::ToHex(ErrorStringData("boom")));
  auto rpc = Rpc();
  auto output = rpc.Call(
      {.from = std::nullopt, .to = Addr("0x2222222222222222222222222222222222222222"), .data = {}},
      BlockTag::kLatest);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(output.error().transient());
  EXPECT_THAT(output.error().message(), HasSubstr("execution reverted: boom"));
  EXPECT_THAT(output.error().message(), Not(HasSubstr("08c379a0")));
}

TEST_F(HttpEthereumRpcTest, RevertWithCustomErrorKeepsTheDataInHex) {
  node_.PushRpcError(3, "execution reverted",
                     "0xdeadbeef0000000000000000000000000000000000000000000000000000000000000007");
  auto rpc = Rpc();
  auto gas = rpc.EstimateGas(
      {.from = std::nullopt, .to = Addr("0x2222222222222222222222222222222222222222"), .data = {}});
  ASSERT_FALSE(gas.ok());
  EXPECT_EQ(gas.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(
      gas.error().message(),
      HasSubstr("0xdeadbeef0000000000000000000000000000000000000000000000000000000000000007"));
}

TEST_F(HttpEthereumRpcTest, RevertWithoutDataKeepsTheNodesMessage) {
  node_.PushRpcError(-32000, "execution reverted");
  auto rpc = Rpc();
  auto output = rpc.Call(
      {.from = std::nullopt, .to = Addr("0x2222222222222222222222222222222222222222"), .data = {}},
      BlockTag::kLatest);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(output.error().message(), HasSubstr("execution reverted"));
}

// ---------------------------------------------------------------------------------------------
// Secrets in the URL.

TEST_F(HttpEthereumRpcTest, CredentialsNeverAppearInErrors) {
  const std::vector<std::string> secrets = {"s3cr3tpw", "apikey123", "tok3n"};
  auto check = [&](const Result<std::uint64_t>& result) {
    ASSERT_FALSE(result.ok());
    for (const std::string& secret : secrets) {
      EXPECT_THAT(result.error().message(), Not(HasSubstr(secret))) << result.error().ToString();
    }
  };
  // A node that answers 503 then garbage, reached with credentials in every part of the URL.
  node_.PushRaw(503, "busy");
  node_.PushRaw(503, "busy");
  node_.PushRaw(503, "busy");
  node_.PushRaw(200, "not json");
  const std::string url = "http://user:s3cr3tpw@127.0.0.1:" + std::to_string(node_.port()) +
                          "/v3/apikey123?token=tok3n";
  auto rpc = Rpc(url);
  check(rpc.BlockNumber());
  check(rpc.BlockNumber());
  // And a node that is not there.
  auto gone =
      Rpc("http://user:s3cr3tpw@127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort()) +
          "/v3/apikey123?token=tok3n");
  check(gone.ChainId());
}

TEST(EthereumRpcBackoffTest, DoublesUpToTheCap) {
  HttpEthereumRpcOptions options;
  options.initial_backoff = 250ms;
  options.max_backoff = 1000ms;
  EXPECT_EQ(EthereumRpcBackoff(options, 1), 250ms);
  EXPECT_EQ(EthereumRpcBackoff(options, 2), 500ms);
  EXPECT_EQ(EthereumRpcBackoff(options, 3), 1000ms);
  EXPECT_EQ(EthereumRpcBackoff(options, 30), 1000ms);
}

}  // namespace
}  // namespace orch::ethereum
