#include "orch/clients/madara/http_madara_client.h"

#include <fmt/format.h>

#include <utility>

#include "orch/clients/madara/node_call.h"
#include "orch/starknet/state_update_json.h"

namespace orch::madara {
namespace {

using nlohmann::json;

using internal::FeltField;
using internal::Find;
using internal::Malformed;
using internal::Truncate;

// Starknet JSON-RPC error codes with a meaning here.
constexpr std::int64_t kContractNotFound = 20;
constexpr std::int64_t kRpcBlockNotFound = 24;
constexpr std::int64_t kNoBlocks = 32;

Error NotReady(std::string_view method, std::uint64_t block_number, std::string_view why) {
  return Error::Unavailable("{}: block {} is not ready: {}", method, block_number, why);
}

json BlockId(std::uint64_t block_number) { return json{{"block_number", block_number}}; }

}  // namespace

HttpMadaraClient::HttpMadaraClient(http::HttpClient& http, std::string url,
                                   HttpMadaraClientOptions options)
    : http_(http), url_(std::move(url)), options_(std::move(options)), scrubber_(url_) {
  internal::CheckOptions(options_, "HttpMadaraClientOptions");
}

Result<json> HttpMadaraClient::PostOnce(std::string_view method, const std::string& body) {
  auto response = http_.Send(http::HttpRequest{.method = "POST",
                                               .url = url_,
                                               .headers = {{"Content-Type", "application/json"}},
                                               .body = body,
                                               .timeout = options_.request_timeout});
  if (!response.ok()) {
    const Error& error = response.error();
    return Error(error.code(), fmt::format("{}: {}", method, scrubber_.Scrub(error.message())),
                 error.transient());
  }
  const int status = response->status;
  const std::string quoted = Truncate(scrubber_.Scrub(response->body));
  if (status == 429 || status >= 500) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("{}: the node answered HTTP {}: {}", method, status, quoted), true);
  }
  json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (status < 200 || status >= 300) {
    if (answer.is_object() && answer.contains("error")) {
      return answer;  // a JSON-RPC error sent with a 4xx keeps its meaning
    }
    return Error::InvalidArgument("{}: the node answered HTTP {}: {}", method, status, quoted);
  }
  if (answer.is_discarded()) {
    return Error::DataLoss("{}: malformed answer: not JSON: {}", method, quoted);
  }
  return answer;
}

Result<json> HttpMadaraClient::Request(std::string_view method, json params,
                                       const std::uint64_t* block_number) {
  const std::uint64_t id = next_id_.fetch_add(1);
  const std::string body = json{
      {"jsonrpc", "2.0"},
      {"method", method},
      {"params", std::move(params)},
      {"id", id}}.dump();
  Result<json> answer = internal::WithRetries(options_, [&] { return PostOnce(method, body); });
  ORCH_RETURN_IF_ERROR(answer);
  if (!answer->is_object()) {
    return Error::DataLoss("{}: malformed answer: not a JSON object", method);
  }
  if (const json* error = Find(*answer, "error"); error != nullptr) {
    const json* code_value = Find(*error, "code");
    const json* message_value = Find(*error, "message");
    const std::int64_t code = code_value != nullptr && code_value->is_number_integer()
                                  ? code_value->get<std::int64_t>()
                                  : 0;
    const std::string message = Truncate(scrubber_.Scrub(
        message_value != nullptr && message_value->is_string() ? message_value->get<std::string>()
                                                               : error->dump()));
    if (code == kRpcBlockNotFound && block_number != nullptr) {
      return NotReady(method, *block_number, fmt::format("error code {}: {}", code, message));
    }
    // No blocks at all is a chain that has not started yet: like a block not produced yet.
    if (code == kRpcBlockNotFound || code == kNoBlocks) {
      return Error::Unavailable("{}: error code {}: {}", method, code, message);
    }
    if (code == kContractNotFound) {
      return Error::NotFound("{}: error code {}: {}", method, code, message);
    }
    return Error::InvalidArgument("{}: error code {}: {}", method, code, message);
  }
  if (const json* answer_id = Find(*answer, "id"); answer_id != nullptr && *answer_id != id) {
    return Malformed(method, "id",
                     fmt::format("{} is not the request's {}", Truncate(answer_id->dump()), id));
  }
  const auto result = answer->find("result");
  if (result == answer->end()) {
    return Malformed(method, "result", "missing");
  }
  return *result;
}

Result<BlockStateUpdate> HttpMadaraClient::GetStateUpdate(std::uint64_t block_number) {
  constexpr std::string_view kBlockMethod = "starknet_getBlockWithTxHashes";
  ORCH_ASSIGN_OR_RETURN(const json block,
                        Request(kBlockMethod, json::array({BlockId(block_number)}), &block_number));
  if (!block.is_object()) {
    return Malformed(kBlockMethod, "result", "not a block object");
  }
  if (const json* status = Find(block, "status");
      status != nullptr && (*status == "PENDING" || *status == "PRE_CONFIRMED")) {
    return NotReady(kBlockMethod, block_number, fmt::format("status {}", status->dump()));
  }
  const json* header_hash = Find(block, "block_hash");
  if (header_hash == nullptr) {
    return NotReady(kBlockMethod, block_number, "no block_hash (pre-confirmed)");
  }
  ORCH_ASSIGN_OR_RETURN(const crypto::Felt block_hash,
                        FeltField(kBlockMethod, "block_hash", *header_hash));
  const json* version_text = Find(block, "starknet_version");
  if (version_text == nullptr || !version_text->is_string()) {
    return Malformed(kBlockMethod, "starknet_version",
                     version_text == nullptr ? "missing" : "not a string");
  }
  auto version = starknet::StarknetVersion::Parse(version_text->get_ref<const std::string&>());
  if (!version.ok()) {
    return Malformed(kBlockMethod, "starknet_version", version.error().message());
  }

  constexpr std::string_view kUpdateMethod = "starknet_getStateUpdate";
  ORCH_ASSIGN_OR_RETURN(
      const json update_json,
      Request(kUpdateMethod, json::array({BlockId(block_number)}), &block_number));
  if (!update_json.is_object()) {
    return Malformed(kUpdateMethod, "result", "not a state update object");
  }
  if (Find(update_json, "block_hash") == nullptr) {
    return NotReady(kUpdateMethod, block_number, "no block_hash (pending)");
  }
  auto update = starknet::StateUpdateFromJson(update_json);
  if (!update.ok()) {
    return Error::DataLoss("{}: malformed answer: {}", kUpdateMethod, update.error().message());
  }
  if (update->block_hash != block_hash) {
    // The block was replaced between the two calls (a reorg): ask again later.
    return Error::Unavailable("{}: block {} changed between calls: block_hash {} then {}",
                              kUpdateMethod, block_number, block_hash.ToHex(),
                              update->block_hash->ToHex());
  }
  return BlockStateUpdate{.update = *std::move(update), .version = *version};
}

Result<crypto::Felt> HttpMadaraClient::GetNonce(std::uint64_t block_number,
                                                const crypto::Felt& contract_address) {
  constexpr std::string_view kMethod = "starknet_getNonce";
  ORCH_ASSIGN_OR_RETURN(
      const json result,
      Request(kMethod, json::array({BlockId(block_number), contract_address.ToHex()}),
              &block_number));
  return FeltField(kMethod, "result", result);
}

Result<crypto::Felt> HttpMadaraClient::GetStorageAt(std::uint64_t block_number,
                                                    const crypto::Felt& contract_address,
                                                    const crypto::Felt& key) {
  constexpr std::string_view kMethod = "starknet_getStorageAt";
  ORCH_ASSIGN_OR_RETURN(
      const json result,
      Request(kMethod, json::array({contract_address.ToHex(), key.ToHex(), BlockId(block_number)}),
              &block_number));
  return FeltField(kMethod, "result", result);
}

Result<crypto::Felt> HttpMadaraClient::GetClassHashAt(std::uint64_t block_number,
                                                      const crypto::Felt& contract_address) {
  constexpr std::string_view kMethod = "starknet_getClassHashAt";
  ORCH_ASSIGN_OR_RETURN(
      const json result,
      Request(kMethod, json::array({BlockId(block_number), contract_address.ToHex()}),
              &block_number));
  return FeltField(kMethod, "result", result);
}

Result<std::uint64_t> HttpMadaraClient::LatestBlockNumber() {
  constexpr std::string_view kMethod = "starknet_blockNumber";
  ORCH_ASSIGN_OR_RETURN(const json result, Request(kMethod, json::array()));
  if (!result.is_number_unsigned()) {
    return Malformed(kMethod, "result",
                     fmt::format("{} is not a block number", Truncate(result.dump())));
  }
  return result.get<std::uint64_t>();
}

Result<crypto::Felt> HttpMadaraClient::ChainId() {
  constexpr std::string_view kMethod = "starknet_chainId";
  ORCH_ASSIGN_OR_RETURN(const json result, Request(kMethod, json::array()));
  return FeltField(kMethod, "result", result);
}

}  // namespace orch::madara
