#include "orch/clients/ethereum/http_ethereum_rpc.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

#include "orch/common/check.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"
#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"
#include "orch/eth/rlp.h"
#include "orch/eth/transaction.h"

namespace orch::ethereum {
namespace {

using nlohmann::json;

// JSON-RPC error codes with a meaning here (EIP-1474 and the nodes' conventions).
constexpr int kMethodNotFound = -32601;
constexpr int kLimitExceeded = -32005;  // rate limits: the node asks to come back later
constexpr int kExecutionReverted = 3;   // geth, reth, Anvil: eth_call / eth_estimateGas revert

// The starting tip of the orchestrator (protocols.md §7.7), for nodes that cannot suggest one.
constexpr std::uint64_t kFallbackPriorityFeeWei = 200'000'000;

// Error(string), the selector of `revert("...")` and `require(..., "...")`.
constexpr std::array<std::uint8_t, 4> kErrorStringSelector = {0x08, 0xc3, 0x79, 0xa0};

// Keeps node messages in errors to a size a log line can carry.
constexpr std::size_t kMaxQuotedBody = 200;

std::string_view TagName(BlockTag tag) {
  switch (tag) {
    case BlockTag::kLatest:
      return "latest";
    case BlockTag::kPending:
      return "pending";
    case BlockTag::kSafe:
      return "safe";
    case BlockTag::kFinalized:
      return "finalized";
  }
  return "latest";
}

std::string Truncate(std::string_view text) {
  if (text.size() <= kMaxQuotedBody) {
    return std::string(text);
  }
  return fmt::format("{}…", text.substr(0, kMaxQuotedBody));
}

Error MalformedField(std::string_view method, std::string_view field, std::string_view why) {
  return Error::DataLoss("{}: malformed answer: field '{}': {}", method, field, why);
}

const json* FindField(const json& object, std::string_view name) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

Result<crypto::U256> QuantityField(std::string_view method, std::string_view field,
                                   const json& value) {
  if (!value.is_string()) {
    return MalformedField(method, field, "not a hex quantity string");
  }
  auto parsed = ParseQuantity(value.get_ref<const std::string&>());
  if (!parsed.ok()) {
    return MalformedField(method, field, parsed.error().message());
  }
  return *parsed;
}

Result<std::uint64_t> Uint64Field(std::string_view method, std::string_view field,
                                  const json& value) {
  ORCH_ASSIGN_OR_RETURN(const crypto::U256 quantity, QuantityField(method, field, value));
  const auto small = quantity.ToUint64();
  if (!small.has_value()) {
    return MalformedField(method, field,
                          fmt::format("{} does not fit in 64 bits", quantity.ToHex()));
  }
  return *small;
}

Result<eth::Bytes> DataField(std::string_view method, std::string_view field, const json& value) {
  if (!value.is_string()) {
    return MalformedField(method, field, "not a hex data string");
  }
  const auto& text = value.get_ref<const std::string&>();
  if (!text.starts_with("0x")) {
    return MalformedField(method, field, "hex data must start with 0x");
  }
  auto bytes = eth::FromHex(text);
  if (!bytes.ok()) {
    return MalformedField(method, field, bytes.error().message());
  }
  return *std::move(bytes);
}

Result<eth::Hash32> HashField(std::string_view method, std::string_view field, const json& value) {
  ORCH_ASSIGN_OR_RETURN(const eth::Bytes bytes, DataField(method, field, value));
  if (bytes.size() != 32) {
    return MalformedField(method, field, fmt::format("{} bytes, not 32", bytes.size()));
  }
  eth::Hash32 hash{};
  std::ranges::copy(bytes, hash.begin());
  return hash;
}

Result<eth::Address> AddressField(std::string_view method, std::string_view field,
                                  const json& value) {
  if (!value.is_string()) {
    return MalformedField(method, field, "not an address string");
  }
  auto address = eth::Address::Parse(value.get_ref<const std::string&>());
  if (!address.ok()) {
    return MalformedField(method, field, address.error().message());
  }
  return *address;
}

// The member `name` of `object`, which must be present.
Result<const json*> Required(std::string_view method, const json& object, std::string_view name) {
  const json* value = FindField(object, name);
  if (value == nullptr) {
    return MalformedField(method, name, "missing");
  }
  return value;
}

// A member that may be absent or null.
const json* Optional(const json& object, std::string_view name) {
  const json* value = FindField(object, name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

// The message for a revert: the reason of Error(string), or the revert data in hex.
std::string RevertReason(std::string_view node_message, const eth::Bytes& data) {
  if (data.size() >= 4 &&
      std::equal(kErrorStringSelector.begin(), kErrorStringSelector.end(), data.begin())) {
    constexpr std::array kTypes = {eth::AbiType::kBytes};
    auto decoded = eth::AbiDecode(kTypes, std::span(data).subspan(4));
    if (decoded.ok()) {
      const eth::Bytes& reason = (*decoded)[0].bytes();
      return fmt::format("execution reverted: {}", std::string(reason.begin(), reason.end()));
    }
  }
  if (!data.empty()) {
    return fmt::format("execution reverted with data {}", eth::ToHex(data));
  }
  return std::string(node_message);
}

// Maps the "error" member of a JSON-RPC answer (EthereumRpc's error contract).
Error MapRpcError(std::string_view method, const json& error) {
  const json* code_value = FindField(error, "code");
  const json* message_value = FindField(error, "message");
  const std::int64_t code = code_value != nullptr && code_value->is_number_integer()
                                ? code_value->get<std::int64_t>()
                                : 0;
  const std::string message = message_value != nullptr && message_value->is_string()
                                  ? message_value->get<std::string>()
                                  : error.dump();
  const bool reverted =
      code == kExecutionReverted || message.find("execution reverted") != std::string::npos;
  if (reverted) {
    eth::Bytes data;
    if (const json* data_value = FindField(error, "data");
        data_value != nullptr && data_value->is_string()) {
      // Undecodable data is left out: the node's message still says what happened.
      if (auto bytes = eth::FromHex(data_value->get<std::string>()); bytes.ok()) {
        data = *std::move(bytes);
      }
    }
    return Error::FailedPrecondition("{}: {}", method, Truncate(RevertReason(message, data)));
  }
  if (code == kLimitExceeded) {
    return Error::Unavailable("{}: error code {}: {}", method, code, Truncate(message));
  }
  // The wording matches alloy's ("error code -32000: nonce too low"), which the settlement
  // logic of the upstream orchestrator matches on (protocols.md §7.7).
  return Error::InvalidArgument("{}: error code {}: {}", method, code, Truncate(message));
}

// The "result" of one JSON-RPC answer, or its error.
Result<json> ResultOf(std::string_view method, const json& answer) {
  if (!answer.is_object()) {
    return Error::DataLoss("{}: malformed answer: not a JSON object", method);
  }
  if (const json* error = FindField(answer, "error"); error != nullptr && !error->is_null()) {
    return MapRpcError(method, *error);
  }
  const json* result = FindField(answer, "result");
  if (result == nullptr) {
    return MalformedField(method, "result", "missing");
  }
  return *result;
}

json CallObject(const CallRequest& request) {
  json call = {{"to", request.to.ToLowerHex()}, {"data", eth::ToHex(request.data)}};
  if (request.from.has_value()) {
    call["from"] = request.from->ToLowerHex();
  }
  if (!request.blob_versioned_hashes.empty()) {
    json hashes = json::array();
    for (const eth::Hash32& hash : request.blob_versioned_hashes) {
      hashes.push_back(eth::ToHex(hash));
    }
    call["blobVersionedHashes"] = std::move(hashes);
  }
  if (request.max_fee_per_blob_gas.has_value()) {
    call["maxFeePerBlobGas"] = request.max_fee_per_blob_gas->ToHex();
  }
  return call;
}

Result<TransactionReceipt> ParseReceipt(const json& value) {
  constexpr std::string_view kMethod = "eth_getTransactionReceipt";
  if (!value.is_object()) {
    return Error::DataLoss("{}: malformed answer: the receipt is not an object", kMethod);
  }
  TransactionReceipt receipt;
  ORCH_ASSIGN_OR_RETURN(const json* hash, Required(kMethod, value, "transactionHash"));
  ORCH_ASSIGN_OR_RETURN(receipt.transaction_hash, HashField(kMethod, "transactionHash", *hash));
  ORCH_ASSIGN_OR_RETURN(const json* number, Required(kMethod, value, "blockNumber"));
  ORCH_ASSIGN_OR_RETURN(receipt.block_number, Uint64Field(kMethod, "blockNumber", *number));
  ORCH_ASSIGN_OR_RETURN(const json* block_hash, Required(kMethod, value, "blockHash"));
  ORCH_ASSIGN_OR_RETURN(receipt.block_hash, HashField(kMethod, "blockHash", *block_hash));
  // Receipts before Byzantium carry a state root instead: not something settlement meets.
  ORCH_ASSIGN_OR_RETURN(const json* status, Required(kMethod, value, "status"));
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t status_value, Uint64Field(kMethod, "status", *status));
  if (status_value > 1) {
    return MalformedField(kMethod, "status", fmt::format("{} is neither 0 nor 1", status_value));
  }
  receipt.success = status_value == 1;
  ORCH_ASSIGN_OR_RETURN(const json* gas_used, Required(kMethod, value, "gasUsed"));
  ORCH_ASSIGN_OR_RETURN(receipt.gas_used, Uint64Field(kMethod, "gasUsed", *gas_used));
  ORCH_ASSIGN_OR_RETURN(const json* price, Required(kMethod, value, "effectiveGasPrice"));
  ORCH_ASSIGN_OR_RETURN(receipt.effective_gas_price,
                        QuantityField(kMethod, "effectiveGasPrice", *price));
  if (const json* blob_gas_used = Optional(value, "blobGasUsed"); blob_gas_used != nullptr) {
    ORCH_ASSIGN_OR_RETURN(receipt.blob_gas_used,
                          Uint64Field(kMethod, "blobGasUsed", *blob_gas_used));
  }
  if (const json* blob_price = Optional(value, "blobGasPrice"); blob_price != nullptr) {
    ORCH_ASSIGN_OR_RETURN(receipt.blob_gas_price,
                          QuantityField(kMethod, "blobGasPrice", *blob_price));
  }
  if (const json* created = Optional(value, "contractAddress"); created != nullptr) {
    ORCH_ASSIGN_OR_RETURN(receipt.contract_address,
                          AddressField(kMethod, "contractAddress", *created));
  }
  ORCH_ASSIGN_OR_RETURN(const json* logs, Required(kMethod, value, "logs"));
  if (!logs->is_array()) {
    return MalformedField(kMethod, "logs", "not an array");
  }
  for (std::size_t i = 0; i < logs->size(); ++i) {
    const json& log = (*logs)[i];
    const std::string prefix = fmt::format("logs[{}]", i);
    LogEntry entry;
    ORCH_ASSIGN_OR_RETURN(const json* address, Required(kMethod, log, "address"));
    ORCH_ASSIGN_OR_RETURN(entry.address, AddressField(kMethod, prefix + ".address", *address));
    ORCH_ASSIGN_OR_RETURN(const json* topics, Required(kMethod, log, "topics"));
    if (!topics->is_array()) {
      return MalformedField(kMethod, prefix + ".topics", "not an array");
    }
    for (std::size_t t = 0; t < topics->size(); ++t) {
      ORCH_ASSIGN_OR_RETURN(
          eth::Hash32 topic,
          HashField(kMethod, fmt::format("{}.topics[{}]", prefix, t), (*topics)[t]));
      entry.topics.push_back(topic);
    }
    ORCH_ASSIGN_OR_RETURN(const json* data, Required(kMethod, log, "data"));
    ORCH_ASSIGN_OR_RETURN(entry.data, DataField(kMethod, prefix + ".data", *data));
    receipt.logs.push_back(std::move(entry));
  }
  return receipt;
}

// The hash of a transaction from the bytes given to eth_sendRawTransaction: keccak of the
// bytes, except for the network form of a blob transaction, whose hash covers only the signed
// transaction (the first item of its payload list), not the blobs.
std::optional<eth::Hash32> RawTransactionHash(std::span<const std::uint8_t> raw) {
  if (raw.empty()) {
    return std::nullopt;
  }
  if (raw[0] != eth::kEip4844TransactionType) {
    return eth::Keccak256(raw);
  }
  auto payload = eth::DecodeRlp(raw.subspan(1));
  if (!payload.ok() || !payload->is_list() || payload->items().empty()) {
    return std::nullopt;
  }
  if (!payload->items()[0].is_list()) {
    return eth::Keccak256(raw);  // the canonical form, without blobs
  }
  eth::Bytes signed_form = {eth::kEip4844TransactionType};
  eth::AppendRlp(payload->items()[0], signed_form);
  return eth::Keccak256(signed_form);
}

// Whether a node rejected a transaction because it already has it (geth "already known",
// Anvil/reth "transaction already imported", Nethermind "AlreadyKnown").
bool IsAlreadyKnown(const Error& error) {
  const std::string message = ToLower(error.message());
  return error.code() == ErrorCode::kInvalidArgument &&
         (message.find("already known") != std::string::npos ||
          message.find("already imported") != std::string::npos ||
          message.find("alreadyknown") != std::string::npos ||
          message.find("known transaction") != std::string::npos);
}

}  // namespace

Result<crypto::U256> ParseQuantity(std::string_view text) {
  if (!text.starts_with("0x")) {
    return Error::InvalidArgument("'{}' is not a hex quantity: no 0x prefix", Truncate(text));
  }
  std::string_view digits = text.substr(2);
  if (digits.empty()) {
    return Error::InvalidArgument("'0x' is not a hex quantity: no digits");
  }
  for (const char c : digits) {
    if (eth::HexDigitValue(c) < 0) {
      return Error::InvalidArgument("'{}' is not a hex quantity: '{}' is not a hex digit",
                                    Truncate(text), c);
    }
  }
  // JSON-RPC forbids leading zeros, but some nodes send them; they change nothing.
  while (digits.size() > 1 && digits.front() == '0') {
    digits.remove_prefix(1);
  }
  if (digits.size() > 64) {
    return Error::InvalidArgument("'{}' does not fit in 256 bits", Truncate(text));
  }
  return crypto::U256::FromHex(digits);
}

std::chrono::milliseconds EthereumRpcBackoff(const HttpEthereumRpcOptions& options, int attempt) {
  std::chrono::milliseconds delay = options.initial_backoff;
  for (int i = 1; i < attempt && delay < options.max_backoff; ++i) {
    delay *= 2;
  }
  return std::min(delay, options.max_backoff);
}

HttpEthereumRpc::HttpEthereumRpc(http::HttpClient& http, std::string url,
                                 HttpEthereumRpcOptions options)
    : http_(http), url_(std::move(url)), options_(std::move(options)), scrubber_(url_) {
  ORCH_CHECK(options_.max_attempts >= 1, "HttpEthereumRpcOptions.max_attempts must be >= 1");
  ORCH_CHECK(options_.request_timeout.count() > 0,
             "HttpEthereumRpcOptions.request_timeout must be positive");
  ORCH_CHECK(options_.initial_backoff.count() >= 0 && options_.max_backoff.count() >= 0,
             "HttpEthereumRpcOptions backoffs must not be negative");
}

Result<json> HttpEthereumRpc::PostOnce(std::string_view what, const std::string& body) {
  http::HttpRequest request{
      .method = "POST",
      .url = url_,
      .headers = {{"Content-Type", "application/json"}},
      .body = body,
      .timeout = options_.request_timeout,
  };
  auto response = http_.Send(request);
  if (!response.ok()) {
    const Error& error = response.error();
    // The HTTP client redacts passwords and queries only; keys in the path must go too.
    return Error(error.code(), fmt::format("{}: {}", what, scrubber_.Scrub(error.message())),
                 error.transient());
  }
  const int status = response->status;
  if (status == 429 || status >= 500) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("{}: the node answered HTTP {}: {}", what, status,
                             Truncate(scrubber_.Scrub(response->body))),
                 true);
  }
  json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (status < 200 || status >= 300) {
    // Some providers answer JSON-RPC errors with a 4xx; those keep their meaning.
    if (answer.is_object() && answer.contains("error")) {
      return answer;
    }
    return Error::InvalidArgument("{}: the node answered HTTP {}: {}", what, status,
                                  Truncate(scrubber_.Scrub(response->body)));
  }
  if (answer.is_discarded()) {
    return Error::DataLoss("{}: malformed answer: not JSON: {}", what,
                           Truncate(scrubber_.Scrub(response->body)));
  }
  return answer;
}

Result<json> HttpEthereumRpc::Post(std::string_view what, const json& body, int& attempts) {
  std::string text;
  try {
    text = body.dump();
  } catch (const json::exception& e) {  // strings that are not UTF-8, from Request's caller
    return Error::InvalidArgument("{}: the request cannot be encoded as JSON: {}", what, e.what());
  }
  for (int attempt = 1;; ++attempt) {
    attempts = attempt;
    auto answer = PostOnce(what, text);
    // A single call's JSON-RPC error may itself be temporary (rate limits).
    if (answer.ok() && body.is_object()) {
      if (auto result = ResultOf(what, *answer);
          !result.ok() && result.error().transient() && attempt < options_.max_attempts) {
        Sleep(EthereumRpcBackoff(options_, attempt));
        continue;
      }
    }
    if (answer.ok() || !answer.error().transient() || attempt >= options_.max_attempts) {
      return answer;
    }
    Sleep(EthereumRpcBackoff(options_, attempt));
  }
}

void HttpEthereumRpc::Sleep(std::chrono::milliseconds delay) const {
  if (options_.sleep) {
    options_.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

Result<json> HttpEthereumRpc::Request(std::string_view method, json params) {
  int attempts = 0;
  return RequestCountingAttempts(method, std::move(params), attempts);
}

Result<json> HttpEthereumRpc::RequestCountingAttempts(std::string_view method, json params,
                                                      int& attempts) {
  const json body = {{"jsonrpc", "2.0"},
                     {"id", next_id_.fetch_add(1)},
                     {"method", method},
                     {"params", std::move(params)}};
  ORCH_ASSIGN_OR_RETURN(const json answer, Post(method, body, attempts));
  // A null id is allowed: nodes send it with errors about requests they could not read.
  if (const json* id = FindField(answer, "id");
      id != nullptr && !id->is_null() && *id != body["id"]) {
    return Error::DataLoss("{}: malformed answer: field 'id': {} is not the request's {}", method,
                           Truncate(id->dump()), body["id"].dump());
  }
  return ResultOf(method, answer);
}

Result<std::vector<Result<json>>> HttpEthereumRpc::Batch(std::span<const RpcCall> calls) {
  if (calls.empty()) {
    return std::vector<Result<json>>{};
  }
  json body = json::array();
  const std::uint64_t first_id = next_id_.fetch_add(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    body.push_back({{"jsonrpc", "2.0"},
                    {"id", first_id + i},
                    {"method", calls[i].method},
                    {"params", calls[i].params}});
  }
  int attempts = 0;
  ORCH_ASSIGN_OR_RETURN(const json answer, Post("batch", body, attempts));
  if (!answer.is_array()) {
    // A node that refuses the whole batch answers with a single error object.
    if (answer.is_object() && answer.contains("error")) {
      return ResultOf("batch", answer).error();
    }
    return Error::DataLoss("batch: malformed answer: not an array");
  }
  // Answers may come in any order; they are matched by id.
  std::vector<std::optional<Result<json>>> by_call(calls.size());
  for (const json& item : answer) {
    const json* id = FindField(item, "id");
    if (id == nullptr || !id->is_number_unsigned()) {
      return Error::DataLoss("batch: malformed answer: an item has no numeric 'id'");
    }
    const std::uint64_t index = id->get<std::uint64_t>() - first_id;
    if (index >= calls.size() || by_call[index].has_value()) {
      return Error::DataLoss("batch: malformed answer: unexpected id {}", id->dump());
    }
    by_call[index] = ResultOf(calls[index].method, item);
  }
  std::vector<Result<json>> results;
  results.reserve(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (!by_call[i].has_value()) {
      return Error::DataLoss("batch: malformed answer: no answer for call {} ({})", i,
                             calls[i].method);
    }
    results.push_back(*std::move(by_call[i]));
  }
  return results;
}

Result<std::uint64_t> HttpEthereumRpc::ChainId() {
  ORCH_ASSIGN_OR_RETURN(const json result, Request("eth_chainId", json::array()));
  return Uint64Field("eth_chainId", "result", result);
}

Result<std::uint64_t> HttpEthereumRpc::BlockNumber() {
  ORCH_ASSIGN_OR_RETURN(const json result, Request("eth_blockNumber", json::array()));
  return Uint64Field("eth_blockNumber", "result", result);
}

Result<std::uint64_t> HttpEthereumRpc::GetTransactionCount(const eth::Address& address,
                                                           BlockTag tag) {
  ORCH_ASSIGN_OR_RETURN(
      const json result,
      Request("eth_getTransactionCount", json::array({address.ToLowerHex(), TagName(tag)})));
  return Uint64Field("eth_getTransactionCount", "result", result);
}

Result<FeeMarket> HttpEthereumRpc::GetFeeMarket() {
  FeeMarket market;
  ORCH_ASSIGN_OR_RETURN(const json block,
                        Request("eth_getBlockByNumber", json::array({"latest", false})));
  if (!block.is_object()) {
    return MalformedField("eth_getBlockByNumber", "result", "not a block object");
  }
  // Missing before London: such a chain cannot take type-2 or type-3 transactions.
  ORCH_ASSIGN_OR_RETURN(const json* base_fee,
                        Required("eth_getBlockByNumber", block, "baseFeePerGas"));
  ORCH_ASSIGN_OR_RETURN(market.base_fee_per_gas,
                        QuantityField("eth_getBlockByNumber", "baseFeePerGas", *base_fee));
  ORCH_ASSIGN_OR_RETURN(const json blob_fee, Request("eth_blobBaseFee", json::array()));
  ORCH_ASSIGN_OR_RETURN(market.blob_base_fee, QuantityField("eth_blobBaseFee", "result", blob_fee));
  auto tip = Request("eth_maxPriorityFeePerGas", json::array());
  if (tip.ok()) {
    ORCH_ASSIGN_OR_RETURN(market.max_priority_fee_per_gas,
                          QuantityField("eth_maxPriorityFeePerGas", "result", *tip));
  } else if (tip.error().code() == ErrorCode::kInvalidArgument &&
             (tip.error().message().find(fmt::format("error code {}", kMethodNotFound)) !=
                  std::string::npos ||
              ToLower(tip.error().message()).find("not supported") != std::string::npos)) {
    market.max_priority_fee_per_gas = crypto::U256(kFallbackPriorityFeeWei);
  } else {
    return std::move(tip).error();
  }
  return market;
}

Result<eth::Bytes> HttpEthereumRpc::Call(const CallRequest& request, BlockTag tag) {
  ORCH_ASSIGN_OR_RETURN(const json result,
                        Request("eth_call", json::array({CallObject(request), TagName(tag)})));
  return DataField("eth_call", "result", result);
}

Result<std::uint64_t> HttpEthereumRpc::EstimateGas(const CallRequest& request) {
  ORCH_ASSIGN_OR_RETURN(const json result,
                        Request("eth_estimateGas", json::array({CallObject(request)})));
  return Uint64Field("eth_estimateGas", "result", result);
}

Result<eth::Hash32> HttpEthereumRpc::SendRawTransaction(std::span<const std::uint8_t> raw) {
  constexpr std::string_view kMethod = "eth_sendRawTransaction";
  int attempts = 0;
  auto result = RequestCountingAttempts(kMethod, json::array({eth::ToHex(raw)}), attempts);
  if (result.ok()) {
    return HashField(kMethod, "result", *result);
  }
  // An attempt that failed transiently (typically a timeout: a blob transaction's proofs take
  // the node seconds to check) may still have reached the node; then the retry hears "already
  // known", which means the node has the transaction, as asked.
  if (attempts > 1 && IsAlreadyKnown(result.error())) {
    if (const auto hash = RawTransactionHash(raw); hash.has_value()) {
      return *hash;
    }
  }
  return std::move(result).error();
}

Result<std::optional<TransactionReceipt>> HttpEthereumRpc::GetTransactionReceipt(
    const eth::Hash32& hash) {
  ORCH_ASSIGN_OR_RETURN(const json result,
                        Request("eth_getTransactionReceipt", json::array({eth::ToHex(hash)})));
  if (result.is_null()) {
    return std::optional<TransactionReceipt>();
  }
  ORCH_ASSIGN_OR_RETURN(TransactionReceipt receipt, ParseReceipt(result));
  return std::optional<TransactionReceipt>(std::move(receipt));
}

}  // namespace orch::ethereum
