#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "orch/clients/madara/http_madara_client.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/http/http_client.h"
#include "orch/http/url_scrubber.h"

namespace orch::madara {

/// The same timeout, attempts and backoff as the JSON-RPC client.
using FeederGatewayClientOptions = HttpMadaraClientOptions;

/// GET /feeder_gateway/get_contract_addresses. Felts, because on an L3 the settlement layer is
/// Starknet; an Ethereum address fits in one.
struct ContractAddresses {
  crypto::Felt starknet_core_contract;  // "Starknet": the core contract on the settlement layer
  crypto::Felt gps_statement_verifier;  // "GpsStatementVerifier"
  crypto::Felt eth_l2_token_address;    // the ETH fee token on this chain
  crypto::Felt strk_l2_token_address;   // the STRK fee token on this chain

  friend bool operator==(const ContractAddresses&, const ContractAddresses&) = default;
};

/// GET /feeder_gateway/get_block_bouncer_weights: blockifier's BouncerWeights of one block, for
/// batch sizing. proving_gas is 0 for an empty block (the caller substitutes its default).
struct BouncerWeights {
  std::uint64_t l1_gas = 0;
  std::uint64_t message_segment_length = 0;
  std::uint64_t n_events = 0;
  std::uint64_t state_diff_size = 0;
  std::uint64_t sierra_gas = 0;
  std::uint64_t n_txs = 0;
  std::uint64_t proving_gas = 0;

  friend bool operator==(const BouncerWeights&, const BouncerWeights&) = default;
};

/// The feeder gateway of a Madara node (protocols.md §10.3): plain HTTP GETs under
/// {base_url}/feeder_gateway/, answered with JSON.
///
/// Errors of every method: transport failures (connection errors, timeouts, HTTP 5xx and 429)
/// are retried with exponential backoff up to max_attempts and then returned (transient). A
/// Starknet error body {"code": "StarknetErrorCode.BLOCK_NOT_FOUND"} is kUnavailable ("block N
/// is not ready"), another Starknet error or HTTP 4xx kInvalidArgument, a bare HTTP 404 (no
/// feeder gateway there) kNotFound, a malformed answer kDataLoss naming the endpoint and field.
///
/// The base URL may carry an API key (userinfo, path or query; a query is kept after the
/// endpoint's path), so messages never contain it. Thread-safe; `http` must outlive this object.
class FeederGatewayClient {
 public:
  /// The options must be sane (max_attempts >= 1, positive timeout, non-negative backoffs).
  FeederGatewayClient(http::HttpClient& http, std::string base_url,
                      FeederGatewayClientOptions options = {});

  /// The core contract, verifier and fee token addresses; all four fields are required.
  Result<ContractAddresses> GetContractAddresses();

  /// The bouncer weights of `block_number`. Each weight is a JSON number or, as starknet_api
  /// serializes gas amounts, a "0x" hex string.
  Result<BouncerWeights> GetBlockBouncerWeights(std::uint64_t block_number);

 private:
  // GET {base}/feeder_gateway/{endpoint}[?query] with retries: the JSON object answered, or the
  // mapped error (BLOCK_NOT_FOUND names `block_number` as not ready, when given).
  Result<nlohmann::json> Get(std::string_view endpoint, std::string_view query,
                             const std::uint64_t* block_number = nullptr);
  // One HTTP exchange, no retries: any answer that is not to be retried.
  Result<http::HttpResponse> GetOnce(std::string_view endpoint, const std::string& url);

  http::HttpClient& http_;
  std::string base_;        // the base URL without its query and trailing '/'
  std::string base_query_;  // the base URL's query, without '?': kept on every request
  const FeederGatewayClientOptions options_;
  const http::UrlScrubber scrubber_;  // keeps the base URL and its secret parts out of messages
};

}  // namespace orch::madara
