#include "orch/clients/madara/feeder_gateway_client.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

#include "orch/clients/madara/node_call.h"

namespace orch::madara {
namespace {

using internal::FeltField;
using internal::Find;
using internal::Malformed;
using internal::Truncate;
using nlohmann::json;

constexpr std::string_view kGatewayBlockNotFound = "StarknetErrorCode.BLOCK_NOT_FOUND";

// `field` of `object` as a felt; missing is malformed too.
Result<crypto::Felt> RequiredFelt(std::string_view what, const json& object,
                                  std::string_view field) {
  const json* value = Find(object, field);
  if (value == nullptr) {
    return Malformed(what, field, "missing");
  }
  return FeltField(what, field, *value);
}

// `field` of `object` as a count: a JSON number or, as starknet_api's GasAmount is serialized,
// a "0x" hex string.
Result<std::uint64_t> RequiredCount(std::string_view what, const json& object,
                                    std::string_view field) {
  const json* value = Find(object, field);
  if (value == nullptr) {
    return Malformed(what, field, "missing");
  }
  if (value->is_number_unsigned()) {
    return value->get<std::uint64_t>();
  }
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    std::uint64_t count = 0;
    if (text.starts_with("0x") && text.size() > 2) {
      const char* end = text.data() + text.size();
      const auto [stop, error] = std::from_chars(text.data() + 2, end, count, /*base=*/16);
      if (error == std::errc() && stop == end) {
        return count;
      }
    }
  }
  return Malformed(what, field,
                   fmt::format("{} is not a count (a non-negative integer or 0x hex below 2^64)",
                               Truncate(value->dump())));
}

}  // namespace

FeederGatewayClient::FeederGatewayClient(http::HttpClient& http, std::string base_url,
                                         FeederGatewayClientOptions options)
    : http_(http), options_(std::move(options)), scrubber_(base_url) {
  internal::CheckOptions(options_, "FeederGatewayClientOptions");
  std::string_view base = base_url;
  if (const auto question = base.find('?'); question != std::string_view::npos) {
    base_query_ = base.substr(question + 1);
    base = base.substr(0, question);
  }
  while (base.ends_with('/')) {
    base.remove_suffix(1);
  }
  base_ = base;
}

Result<http::HttpResponse> FeederGatewayClient::GetOnce(std::string_view endpoint,
                                                        const std::string& url) {
  auto response = http_.Send(http::HttpRequest{
      .method = "GET", .url = url, .headers = {}, .body = {}, .timeout = options_.request_timeout});
  if (!response.ok()) {
    const Error& error = response.error();
    return Error(error.code(), fmt::format("{}: {}", endpoint, scrubber_.Scrub(error.message())),
                 error.transient());
  }
  if (response->status == 429 || response->status >= 500) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("{}: the node answered HTTP {}: {}", endpoint, response->status,
                             Truncate(scrubber_.Scrub(response->body))),
                 true);
  }
  return response;
}

Result<json> FeederGatewayClient::Get(std::string_view endpoint, std::string_view query,
                                      const std::uint64_t* block_number) {
  std::string url = fmt::format("{}/feeder_gateway/{}", base_, endpoint);
  char separator = '?';
  for (const std::string_view part : {std::string_view(base_query_), query}) {
    if (!part.empty()) {
      url += separator;
      url += part;
      separator = '&';
    }
  }
  ORCH_ASSIGN_OR_RETURN(const http::HttpResponse response,
                        internal::WithRetries(options_, [&] { return GetOnce(endpoint, url); }));
  const std::string quoted = Truncate(scrubber_.Scrub(response.body));
  const json answer = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status < 200 || response.status >= 300) {
    // The gateway's errors: {"code": "StarknetErrorCode.…", "message": "…"} with a 4xx.
    if (const json* code = Find(answer, "code"); code != nullptr && code->is_string()) {
      const json* message = Find(answer, "message");
      const std::string text = Truncate(scrubber_.Scrub(
          message != nullptr && message->is_string() ? message->get<std::string>() : ""));
      if (*code == kGatewayBlockNotFound && block_number != nullptr) {
        return Error::Unavailable("{}: block {} is not ready: {}: {}", endpoint, *block_number,
                                  code->get_ref<const std::string&>(), text);
      }
      return Error::InvalidArgument("{}: {}: {}", endpoint, code->get_ref<const std::string&>(),
                                    text);
    }
    if (response.status == 404) {
      return Error::NotFound("{}: the node answered HTTP 404 (is its feeder gateway enabled?): {}",
                             endpoint, quoted);
    }
    return Error::InvalidArgument("{}: the node answered HTTP {}: {}", endpoint, response.status,
                                  quoted);
  }
  if (answer.is_discarded()) {
    return Error::DataLoss("{}: malformed answer: not JSON: {}", endpoint, quoted);
  }
  if (!answer.is_object()) {
    return Error::DataLoss("{}: malformed answer: not a JSON object: {}", endpoint, quoted);
  }
  return answer;
}

Result<ContractAddresses> FeederGatewayClient::GetContractAddresses() {
  constexpr std::string_view kEndpoint = "get_contract_addresses";
  ORCH_ASSIGN_OR_RETURN(const json answer, Get(kEndpoint, /*query=*/""));
  ContractAddresses addresses;
  ORCH_ASSIGN_OR_RETURN(addresses.starknet_core_contract,
                        RequiredFelt(kEndpoint, answer, "Starknet"));
  ORCH_ASSIGN_OR_RETURN(addresses.gps_statement_verifier,
                        RequiredFelt(kEndpoint, answer, "GpsStatementVerifier"));
  ORCH_ASSIGN_OR_RETURN(addresses.eth_l2_token_address,
                        RequiredFelt(kEndpoint, answer, "eth_l2_token_address"));
  ORCH_ASSIGN_OR_RETURN(addresses.strk_l2_token_address,
                        RequiredFelt(kEndpoint, answer, "strk_l2_token_address"));
  return addresses;
}

Result<BouncerWeights> FeederGatewayClient::GetBlockBouncerWeights(std::uint64_t block_number) {
  constexpr std::string_view kEndpoint = "get_block_bouncer_weights";
  ORCH_ASSIGN_OR_RETURN(const json answer,
                        Get(kEndpoint, fmt::format("blockNumber={}", block_number), &block_number));
  BouncerWeights weights;
  ORCH_ASSIGN_OR_RETURN(weights.l1_gas, RequiredCount(kEndpoint, answer, "l1_gas"));
  ORCH_ASSIGN_OR_RETURN(weights.message_segment_length,
                        RequiredCount(kEndpoint, answer, "message_segment_length"));
  ORCH_ASSIGN_OR_RETURN(weights.n_events, RequiredCount(kEndpoint, answer, "n_events"));
  ORCH_ASSIGN_OR_RETURN(weights.state_diff_size,
                        RequiredCount(kEndpoint, answer, "state_diff_size"));
  ORCH_ASSIGN_OR_RETURN(weights.sierra_gas, RequiredCount(kEndpoint, answer, "sierra_gas"));
  ORCH_ASSIGN_OR_RETURN(weights.n_txs, RequiredCount(kEndpoint, answer, "n_txs"));
  ORCH_ASSIGN_OR_RETURN(weights.proving_gas, RequiredCount(kEndpoint, answer, "proving_gas"));
  return weights;
}

}  // namespace orch::madara
