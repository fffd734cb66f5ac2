#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "orch/clients/madara/madara_client.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/http/http_client.h"
#include "orch/http/url_scrubber.h"

namespace orch::madara {

struct HttpMadaraClientOptions {
  std::chrono::milliseconds request_timeout{30000};  // per HTTP request, each attempt anew
  int max_attempts = 3;  // per call, the first try included; only transport errors are retried
  std::chrono::milliseconds initial_backoff{2000};  // before the second attempt; then doubling
  std::chrono::milliseconds max_backoff{8000};
  /// Waits between attempts. Empty means std::this_thread::sleep_for; tests pass a function
  /// that never really sleeps. Must be thread-safe.
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// MadaraClient over Starknet JSON-RPC (protocols.md §10) on HTTP POST.
///
/// Transport failures (connection errors, timeouts, HTTP 5xx and 429) are retried with
/// exponential backoff up to max_attempts and then returned (transient). JSON-RPC errors are
/// returned at once: code 24 "Block not found" and a pending / pre-confirmed block (status
/// PENDING or PRE_CONFIRMED, or no block_hash) are kUnavailable ("block N is not ready"), as is
/// code 32 "There are no blocks"; code 20 "Contract not found" is kNotFound, other codes
/// kInvalidArgument. A malformed answer is kDataLoss naming the method and the field.
///
/// Node URLs may carry an API key in the userinfo, the path or the query, so messages never
/// contain the URL. Thread-safe; `http` must outlive this object.
class HttpMadaraClient final : public MadaraClient {
 public:
  /// The options must be sane (max_attempts >= 1, positive timeout, non-negative backoffs).
  HttpMadaraClient(http::HttpClient& http, std::string url, HttpMadaraClientOptions options = {});

  /// starknet_getBlockWithTxHashes (for starknet_version; refuses a block still pending), then
  /// starknet_getStateUpdate, both at {"block_number": N}.
  Result<BlockStateUpdate> GetStateUpdate(std::uint64_t block_number) override;
  Result<crypto::Felt> GetNonce(std::uint64_t block_number,
                                const crypto::Felt& contract_address) override;
  Result<crypto::Felt> GetStorageAt(std::uint64_t block_number,
                                    const crypto::Felt& contract_address,
                                    const crypto::Felt& key) override;
  /// starknet_getClassHashAt at `block_number`: the class of the contract after that block.
  /// Errors as the others; kNotFound (code 20) when the contract did not exist then.
  Result<crypto::Felt> GetClassHashAt(std::uint64_t block_number,
                                      const crypto::Felt& contract_address);

  Result<std::uint64_t> LatestBlockNumber() override;
  Result<crypto::Felt> ChainId() override;

 private:
  // One call: retries transport errors, returns the "result" or the mapped JSON-RPC error
  // (code 24 names `block_number` as not ready, when given).
  Result<nlohmann::json> Request(std::string_view method, nlohmann::json params,
                                 const std::uint64_t* block_number = nullptr);
  // One HTTP exchange, no retries: the parsed answer.
  Result<nlohmann::json> PostOnce(std::string_view method, const std::string& body);

  http::HttpClient& http_;
  const std::string url_;
  const HttpMadaraClientOptions options_;
  const http::UrlScrubber scrubber_;  // keeps url_ and its secret parts out of messages
  std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace orch::madara
