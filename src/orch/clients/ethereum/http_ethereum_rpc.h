#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"
#include "orch/http/url_scrubber.h"

namespace orch::ethereum {

struct HttpEthereumRpcOptions {
  std::chrono::milliseconds request_timeout{10000};  // per HTTP request, each attempt anew
  int max_attempts = 3;  // per call, the first try included; only transient errors are retried
  std::chrono::milliseconds initial_backoff{250};  // before the second attempt; then doubling
  std::chrono::milliseconds max_backoff{5000};
  /// Waits between attempts. Empty means std::this_thread::sleep_for; tests pass a function
  /// that advances a FakeClock instead, so they never really sleep. Called from every thread
  /// that uses the client, so it must be thread-safe.
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// How long to wait after failed attempt number `attempt` (from 1) before the next one:
/// initial_backoff * 2^(attempt - 1), at most max_backoff.
std::chrono::milliseconds EthereumRpcBackoff(const HttpEthereumRpcOptions& options, int attempt);

/// EthereumRpc over JSON-RPC 2.0 on HTTP POST (geth, reth, Anvil, hosted providers).
///
/// Each call is one request; transient failures (connection errors, timeouts, HTTP 5xx and
/// 429, JSON-RPC errors the node calls temporary such as -32005 "limit exceeded") are retried
/// with exponential backoff up to max_attempts, and the last one is returned. Everything else
/// is returned at once, mapped as EthereumRpc documents. Hex quantities in answers must be
/// "0x" followed by hex digits; leading zeros, which JSON-RPC forbids but some nodes send, are
/// accepted.
///
/// Node URLs often carry an API key in the path, the query or the userinfo, so error messages
/// never contain the URL: they name the method only.
///
/// Thread-safe (request ids come from an atomic counter; the HTTP client is thread-safe).
/// `http` must outlive this object.
class HttpEthereumRpc final : public EthereumRpc {
 public:
  /// A single call of a batch.
  struct RpcCall {
    std::string method;
    nlohmann::json params;  // an array
  };

  /// The options must be sane (max_attempts >= 1, positive timeout, non-negative backoffs);
  /// breaking that is a programmer error.
  HttpEthereumRpc(http::HttpClient& http, std::string url, HttpEthereumRpcOptions options = {});

  // EthereumRpc
  Result<std::uint64_t> ChainId() override;
  Result<std::uint64_t> BlockNumber() override;
  Result<std::uint64_t> GetTransactionCount(const eth::Address& address, BlockTag tag) override;
  /// baseFeePerGas of the latest block, eth_blobBaseFee and eth_maxPriorityFeePerGas. A node
  /// without eth_maxPriorityFeePerGas (it answers "method not found", -32601) gets a priority
  /// fee of 0.2 gwei, the orchestrator's starting tip (protocols.md §7.7); a node without
  /// eth_blobBaseFee (pre-Cancun) is an error, since blob transactions cannot be priced there.
  Result<FeeMarket> GetFeeMarket() override;
  Result<eth::Bytes> Call(const CallRequest& request, BlockTag tag) override;
  Result<std::uint64_t> EstimateGas(const CallRequest& request) override;
  /// When an attempt fails transiently and the retry hears that the node already knows the
  /// transaction (the first attempt did reach it), that is success: the hash is computed from
  /// `raw`.
  Result<eth::Hash32> SendRawTransaction(std::span<const std::uint8_t> raw) override;
  Result<std::optional<TransactionReceipt>> GetTransactionReceipt(const eth::Hash32& hash) override;
  Result<nlohmann::json> Request(std::string_view method, nlohmann::json params) override;

  /// Sends `calls` as one JSON-RPC batch (retried as a whole on transient transport errors).
  /// The outer Result fails for transport errors and a malformed batch answer; each inner one
  /// is the "result" of its call, or its JSON-RPC error mapped as for Request, in call order.
  Result<std::vector<Result<nlohmann::json>>> Batch(std::span<const RpcCall> calls);

 private:
  // Request(), also telling how many attempts it made.
  Result<nlohmann::json> RequestCountingAttempts(std::string_view method, nlohmann::json params,
                                                 int& attempts);
  // One HTTP exchange with retries; returns the parsed JSON body and sets `attempts`.
  Result<nlohmann::json> Post(std::string_view what, const nlohmann::json& body, int& attempts);
  // One HTTP exchange, no retries.
  Result<nlohmann::json> PostOnce(std::string_view what, const std::string& body);
  void Sleep(std::chrono::milliseconds delay) const;

  http::HttpClient& http_;
  const std::string url_;
  const HttpEthereumRpcOptions options_;
  const http::UrlScrubber scrubber_;  // keeps url_ and its secret parts out of messages
  std::atomic<std::uint64_t> next_id_{1};
};

/// Parses a JSON-RPC hex quantity ("0x1a"): "0x" then 1 to 64 hex digits; leading zeros are
/// tolerated. Errors: kInvalidArgument.
Result<crypto::U256> ParseQuantity(std::string_view text);

}  // namespace orch::ethereum
