#include "orch/devnet/madara_standin.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "orch/common/file.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/state_update_json.h"

namespace orch::devnet {

using crypto::Felt;
using nlohmann::json;
namespace fs = std::filesystem;

/// One block of the directory, as served.
struct StandinBlock {
  json state_update;  // the stored result object, served as it is
  Felt block_hash;
  Felt parent_hash;
  Felt new_root;
  std::uint64_t timestamp = 0;
  std::string starknet_version;
};

/// Per key, the value after each block that wrote it.
template <typename Key>
using History = std::map<Key, std::map<std::uint64_t, Felt>>;

/// The loaded blocks directory. Immutable once loaded.
struct StandinChain {
  std::uint64_t first = 0;
  std::vector<StandinBlock> blocks;  // blocks[i] is block first + i; never empty
  std::map<Felt, std::uint64_t> number_by_hash;
  History<Felt> nonces;                    // contract address
  History<Felt> class_hashes;              // contract address
  History<std::pair<Felt, Felt>> storage;  // (contract address, key)

  std::uint64_t last() const { return first + blocks.size() - 1; }
  const StandinBlock& block(std::uint64_t number) const { return blocks[number - first]; }
};

namespace {

// JSON-RPC error codes: the protocol's and Starknet's.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kContractNotFound = 20;
constexpr int kBlockNotFound = 24;
constexpr int kNoBlocks = 32;

constexpr std::string_view kContractAddressesPath = "/feeder_gateway/get_contract_addresses";

// Loading the directory.

Result<std::string> ReadFile(const fs::path& path) {
  Result<std::string> text = ReadFileContents(path);
  if (!text.ok()) {
    return Error::InvalidArgument("{}: cannot be read", path.string());
  }
  return text;
}

Result<json> ReadJsonFile(const fs::path& path) {
  ORCH_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    return Error::InvalidArgument("{}: not valid JSON: {}", path.string(), error.what());
  }
}

// `value` as a "0x"-prefixed hex felt, if it is one.
std::optional<Felt> ParseFelt(const json& value) {
  if (!value.is_string() || !value.get_ref<const std::string&>().starts_with("0x")) {
    return std::nullopt;
  }
  Result<Felt> felt = Felt::FromHex(value.get_ref<const std::string&>());
  return felt.ok() ? std::optional(*felt) : std::nullopt;
}

// The block number a folder name spells: decimal digits, no leading zero.
std::optional<std::uint64_t> BlockNumberOf(std::string_view name) {
  if (name.empty() || (name.size() > 1 && name.front() == '0')) {
    return std::nullopt;
  }
  std::uint64_t number = 0;
  const char* end = name.data() + name.size();
  const auto [stop, error] = std::from_chars(name.data(), end, number);
  if (error != std::errc() || stop != end) {
    return std::nullopt;
  }
  return number;
}

// The block numbers of `dir`, ascending and consecutive.
Result<std::vector<std::uint64_t>> ListBlocks(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return Error::InvalidArgument("blocks directory {}: not a directory", dir.string());
  }
  std::vector<std::uint64_t> numbers;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with('.')) {
      continue;
    }
    if (!it->is_directory(error)) {
      return Error::InvalidArgument(
          "blocks directory {}: '{}' is not a folder (expected one folder per block)", dir.string(),
          name);
    }
    const std::optional<std::uint64_t> number = BlockNumberOf(name);
    if (!number) {
      return Error::InvalidArgument(
          "blocks directory {}: folder '{}' is not named by a block number (decimal digits, no "
          "leading zero)",
          dir.string(), name);
    }
    numbers.push_back(*number);
  }
  if (error) {
    return Error::InvalidArgument("blocks directory {}: cannot be listed: {}", dir.string(),
                                  error.message());
  }
  if (numbers.empty()) {
    return Error::InvalidArgument("blocks directory {}: no block folders", dir.string());
  }
  std::ranges::sort(numbers);
  for (std::size_t i = 1; i < numbers.size(); ++i) {
    if (numbers[i] != numbers[i - 1] + 1) {
      return Error::InvalidArgument(
          "blocks directory {}: blocks must be consecutive: found {} then {}", dir.string(),
          numbers[i - 1], numbers[i]);
    }
  }
  return numbers;
}

// What block.json may say.
struct BlockFile {
  std::optional<std::string> starknet_version;
  std::optional<Felt> block_hash;
  std::optional<Felt> parent_hash;
  std::optional<std::uint64_t> timestamp;
};

Result<Felt> HashMember(const fs::path& path, std::string_view key, const json& value) {
  if (const std::optional<Felt> felt = ParseFelt(value)) {
    return *felt;
  }
  return Error::InvalidArgument("{}: {}: {} is not a 0x-prefixed felt", path.string(), key,
                                value.dump());
}

Result<BlockFile> ReadBlockFile(const fs::path& path) {
  ORCH_ASSIGN_OR_RETURN(const json parsed, ReadJsonFile(path));
  if (!parsed.is_object()) {
    return Error::InvalidArgument("{}: expected an object, got {}", path.string(),
                                  parsed.type_name());
  }
  BlockFile file;
  for (const auto& [key, value] : parsed.items()) {
    if (key == "starknet_version") {
      if (!value.is_string()) {
        return Error::InvalidArgument("{}: starknet_version: expected a string, got {}",
                                      path.string(), value.type_name());
      }
      if (Result<starknet::StarknetVersion> version =
              starknet::StarknetVersion::Parse(value.get_ref<const std::string&>());
          !version.ok()) {
        return version.error().WithContext(fmt::format("{}: starknet_version", path.string()));
      }
      file.starknet_version = value.get<std::string>();
    } else if (key == "block_hash") {
      ORCH_ASSIGN_OR_RETURN(file.block_hash, HashMember(path, key, value));
    } else if (key == "parent_hash") {
      ORCH_ASSIGN_OR_RETURN(file.parent_hash, HashMember(path, key, value));
    } else if (key == "timestamp") {
      if (!value.is_number_unsigned()) {
        return Error::InvalidArgument("{}: timestamp: {} is not a non-negative integer",
                                      path.string(), value.dump());
      }
      file.timestamp = value.get<std::uint64_t>();
    } else {
      return Error::InvalidArgument(
          "{}: unknown key '{}' (known: starknet_version, block_hash, parent_hash, timestamp)",
          path.string(), key);
    }
  }
  return file;
}

// A block folder: the block as served, and what it writes.
struct LoadedBlock {
  StandinBlock block;
  starknet::StateDiff diff;
  std::optional<starknet::TableNonceSource> recorded_nonces;  // nonces.json
};

// Loads folder `number` of `dir`; `parent` is the previous block's hash, if it is in `dir`.
Result<LoadedBlock> LoadBlock(const fs::path& dir, std::uint64_t number,
                              const std::optional<Felt>& parent,
                              const std::optional<starknet::StarknetVersion>& default_version) {
  const fs::path folder = dir / std::to_string(number);
  const fs::path update_path = folder / "state_update.json";
  std::error_code error;
  if (!fs::exists(update_path, error)) {
    return Error::InvalidArgument("{}: missing state_update.json", folder.string());
  }
  ORCH_ASSIGN_OR_RETURN(json update_json, ReadJsonFile(update_path));
  Result<starknet::StateUpdate> update = starknet::StateUpdateFromJson(update_json);
  if (!update.ok()) {
    return update.error().WithContext(update_path.string());
  }
  if (!update->block_hash) {
    return Error::InvalidArgument(
        "{}: no block_hash: a pending update (the stand-in serves closed blocks only)",
        update_path.string());
  }
  if (update_json.contains("jsonrpc")) {
    update_json = std::move(update_json["result"]);  // StateUpdateFromJson checked it is there
  }

  StandinBlock block{.state_update = std::move(update_json),
                     .block_hash = *update->block_hash,
                     .parent_hash = parent.value_or(Felt()),
                     .new_root = *update->new_root};

  const fs::path block_path = folder / "block.json";
  BlockFile file;
  if (fs::exists(block_path, error)) {
    ORCH_ASSIGN_OR_RETURN(file, ReadBlockFile(block_path));
  }
  if (file.block_hash && *file.block_hash != block.block_hash) {
    return Error::InvalidArgument("{}: block_hash {} is not the block_hash {} of state_update.json",
                                  block_path.string(), file.block_hash->ToHex(),
                                  block.block_hash.ToHex());
  }
  if (file.parent_hash && parent && *file.parent_hash != *parent) {
    return Error::InvalidArgument("{}: parent_hash {} is not the block_hash {} of block {}",
                                  block_path.string(), file.parent_hash->ToHex(), parent->ToHex(),
                                  number - 1);
  }
  if (file.parent_hash) {
    block.parent_hash = *file.parent_hash;
  }
  block.timestamp = file.timestamp.value_or(0);
  if (file.starknet_version) {
    block.starknet_version = *file.starknet_version;
  } else if (default_version) {
    block.starknet_version = default_version->ToString();
  } else {
    return Error::InvalidArgument(
        "{}: no starknet_version: give it in block.json, or give the stand-in a default version",
        folder.string());
  }

  LoadedBlock loaded{.block = std::move(block), .diff = std::move(update->state_diff)};
  const fs::path nonces_path = folder / "nonces.json";
  if (fs::exists(nonces_path, error)) {
    ORCH_ASSIGN_OR_RETURN(const std::string text, ReadFile(nonces_path));
    Result<starknet::TableNonceSource> table = starknet::TableNonceSource::FromJson(number, text);
    if (!table.ok()) {
      return table.error().WithContext(nonces_path.string());
    }
    loaded.recorded_nonces.emplace(*std::move(table));
  }
  return loaded;
}

// Adds what block `number` writes to the histories of `chain`.
void RecordWrites(StandinChain& chain, std::uint64_t number, const LoadedBlock& loaded) {
  const starknet::StateDiff& diff = loaded.diff;
  for (const starknet::ContractStorageDiff& contract : diff.storage_diffs) {
    for (const starknet::StorageEntry& entry : contract.storage_entries) {
      chain.storage[{contract.address, entry.key}][number] = entry.value;
    }
  }
  for (const starknet::DeployedContract& deployed : diff.deployed_contracts) {
    chain.class_hashes[deployed.address][number] = deployed.class_hash;
  }
  for (const starknet::ReplacedClass& replaced : diff.replaced_classes) {
    chain.class_hashes[replaced.contract_address][number] = replaced.class_hash;
  }
  for (const starknet::NonceUpdate& nonce : diff.nonces) {
    chain.nonces[nonce.contract_address][number] = nonce.nonce;
  }
  if (loaded.recorded_nonces) {
    for (const auto& [address, nonce] : loaded.recorded_nonces->nonces()) {
      chain.nonces[address][number] = nonce;
    }
  }
}

Result<std::unique_ptr<StandinChain>> LoadChain(
    const fs::path& dir, const std::optional<starknet::StarknetVersion>& default_version) {
  ORCH_ASSIGN_OR_RETURN(const std::vector<std::uint64_t> numbers, ListBlocks(dir));
  auto chain = std::make_unique<StandinChain>();
  chain->first = numbers.front();
  for (const std::uint64_t number : numbers) {
    const std::optional<Felt> parent =
        chain->blocks.empty() ? std::nullopt : std::optional(chain->blocks.back().block_hash);
    ORCH_ASSIGN_OR_RETURN(LoadedBlock loaded, LoadBlock(dir, number, parent, default_version));
    const Felt& hash = loaded.block.block_hash;
    if (const auto [at, inserted] = chain->number_by_hash.emplace(hash, number); !inserted) {
      return Error::InvalidArgument(
          "blocks directory {}: block {} has the block_hash {} of block {}", dir.string(), number,
          hash.ToHex(), at->second);
    }
    RecordWrites(*chain, number, loaded);
    chain->blocks.push_back(std::move(loaded.block));
  }
  return chain;
}

// Answering JSON-RPC calls.

struct RpcError {
  int code;
  std::string message;
};

using RpcAnswer = std::variant<json, RpcError>;

// What one HTTP request's calls see: the chain and the blocks released when it arrived.
struct CallContext {
  const StandinChain& chain;
  const MadaraStandinOptions& options;
  const Felt& chain_id;
  std::optional<std::uint64_t> tip;
};

RpcError InvalidParams(std::size_t index, std::string_view why) {
  return {kInvalidParams, fmt::format("Invalid params: params[{}]: {}", index, why)};
}

RpcError BlockNotFound() { return {kBlockNotFound, "Block not found"}; }

// Reads the felt at params[index] into `felt`, or returns the error to answer.
std::optional<RpcError> ReadFelt(const json& params, std::size_t index, Felt& felt) {
  if (index >= params.size()) {
    return InvalidParams(index, "missing");
  }
  const std::optional<Felt> parsed = ParseFelt(params[index]);
  if (!parsed) {
    return InvalidParams(index, fmt::format("{} is not a 0x-prefixed felt", params[index].dump()));
  }
  felt = *parsed;
  return std::nullopt;
}

// Reads the block id at params[index] into `number`, or returns the error to answer.
std::optional<RpcError> ReadBlock(const CallContext& context, const json& params, std::size_t index,
                                  std::uint64_t& number) {
  if (index >= params.size()) {
    return InvalidParams(index, "missing block_id");
  }
  const json& id = params[index];
  if (id == "latest") {
    if (!context.tip) {
      return BlockNotFound();
    }
    number = *context.tip;
    return std::nullopt;
  }
  if (id.is_object() && id.size() == 1 && id.contains("block_number") &&
      id["block_number"].is_number_unsigned()) {
    number = id["block_number"].get<std::uint64_t>();
  } else if (id.is_object() && id.size() == 1 && id.contains("block_hash")) {
    const std::optional<Felt> hash = ParseFelt(id["block_hash"]);
    if (!hash) {
      return InvalidParams(
          index, fmt::format("block_hash {} is not a 0x-prefixed felt", id["block_hash"].dump()));
    }
    const auto found = context.chain.number_by_hash.find(*hash);
    if (found == context.chain.number_by_hash.end()) {
      return BlockNotFound();
    }
    number = found->second;
  } else {
    return InvalidParams(index, fmt::format("{} is not a block id ({{\"block_number\": N}}, "
                                            "{{\"block_hash\": \"0x…\"}} or \"latest\")",
                                            id.dump()));
  }
  if (!context.tip || number < context.chain.first || number > *context.tip) {
    return BlockNotFound();
  }
  return std::nullopt;
}

// The value of `key` after block `number`, if a block up to it wrote one.
template <typename Key>
std::optional<Felt> ValueAt(const History<Key>& history, const Key& key, std::uint64_t number) {
  const auto found = history.find(key);
  if (found == history.end()) {
    return std::nullopt;
  }
  const auto after = found->second.upper_bound(number);
  if (after == found->second.begin()) {
    return std::nullopt;
  }
  return std::prev(after)->second;
}

RpcAnswer ChainId(const CallContext& context, const json&) { return context.chain_id.ToHex(); }

RpcAnswer BlockNumber(const CallContext& context, const json&) {
  if (!context.tip) {
    return RpcError{kNoBlocks, "There are no blocks"};
  }
  return *context.tip;
}

RpcAnswer GetBlockWithTxHashes(const CallContext& context, const json& params) {
  std::uint64_t number = 0;
  if (auto error = ReadBlock(context, params, 0, number)) {
    return *error;
  }
  const StandinBlock& block = context.chain.block(number);
  return json{{"status", "ACCEPTED_ON_L2"},
              {"block_hash", block.block_hash.ToHex()},
              {"parent_hash", block.parent_hash.ToHex()},
              {"block_number", number},
              {"new_root", block.new_root.ToHex()},
              {"timestamp", block.timestamp},
              {"sequencer_address", context.options.sequencer_address.ToHex()},
              {"starknet_version", block.starknet_version},
              {"transactions", json::array()}};
}

RpcAnswer GetStateUpdate(const CallContext& context, const json& params) {
  std::uint64_t number = 0;
  if (auto error = ReadBlock(context, params, 0, number)) {
    return *error;
  }
  return context.chain.block(number).state_update;
}

RpcAnswer GetNonce(const CallContext& context, const json& params) {
  std::uint64_t number = 0;
  Felt address;
  if (auto error = ReadBlock(context, params, 0, number)) {
    return *error;
  }
  if (auto error = ReadFelt(params, 1, address)) {
    return *error;
  }
  return ValueAt(context.chain.nonces, address, number).value_or(Felt()).ToHex();
}

RpcAnswer GetStorageAt(const CallContext& context, const json& params) {
  Felt address;
  Felt key;
  std::uint64_t number = 0;
  if (auto error = ReadFelt(params, 0, address)) {
    return *error;
  }
  if (auto error = ReadFelt(params, 1, key)) {
    return *error;
  }
  if (auto error = ReadBlock(context, params, 2, number)) {
    return *error;
  }
  return ValueAt(context.chain.storage, std::pair(address, key), number).value_or(Felt()).ToHex();
}

RpcAnswer GetClassHashAt(const CallContext& context, const json& params) {
  std::uint64_t number = 0;
  Felt address;
  if (auto error = ReadBlock(context, params, 0, number)) {
    return *error;
  }
  if (auto error = ReadFelt(params, 1, address)) {
    return *error;
  }
  const std::optional<Felt> class_hash = ValueAt(context.chain.class_hashes, address, number);
  if (!class_hash) {
    return RpcError{kContractNotFound, "Contract not found"};
  }
  return class_hash->ToHex();
}

using Method = RpcAnswer (*)(const CallContext&, const json&);

constexpr std::pair<std::string_view, Method> kMethods[] = {
    {"starknet_chainId", ChainId},
    {"starknet_blockNumber", BlockNumber},
    {"starknet_getBlockWithTxHashes", GetBlockWithTxHashes},
    {"starknet_getStateUpdate", GetStateUpdate},
    {"starknet_getNonce", GetNonce},
    {"starknet_getStorageAt", GetStorageAt},
    {"starknet_getClassHashAt", GetClassHashAt},
};

json ErrorResponse(const json& id, const RpcError& error) {
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"error", {{"code", error.code}, {"message", error.message}}}};
}

// The response to one call object.
json Answer(const CallContext& context, const json& call) {
  const json id = call.is_object() && call.contains("id") ? call["id"] : json();
  if (!call.is_object() || !call.contains("method") || !call["method"].is_string()) {
    return ErrorResponse(id, {kInvalidRequest, "Invalid Request: no method"});
  }
  const json params = call.contains("params") ? call["params"] : json::array();
  if (!params.is_array()) {
    return ErrorResponse(id, {kInvalidParams, "Invalid params: expected positional params"});
  }
  const std::string& name = call["method"].get_ref<const std::string&>();
  const auto* method =
      std::ranges::find(kMethods, name, &std::pair<std::string_view, Method>::first);
  if (method == std::end(kMethods)) {
    return ErrorResponse(id, {kMethodNotFound, fmt::format("Method not found: {}", name)});
  }
  RpcAnswer answer = method->second(context, params);
  if (const RpcError* error = std::get_if<RpcError>(&answer)) {
    return ErrorResponse(id, *error);
  }
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(std::get<json>(answer))}};
}

// The method names of a request body, for counting.
std::vector<std::string> MethodNames(const json& body) {
  constexpr std::string_view kInvalid = "(invalid)";
  auto name_of = [&](const json& call) {
    return call.is_object() && call.contains("method") && call["method"].is_string()
               ? call["method"].get<std::string>()
               : std::string(kInvalid);
  };
  std::vector<std::string> names;
  if (body.is_array() && !body.empty()) {
    std::ranges::transform(body, std::back_inserter(names), name_of);
  } else {
    names.push_back(name_of(body));
  }
  return names;
}

void ApplyFault(StandinFault fault, httplib::Response& response) {
  switch (fault) {
    case StandinFault::kMalformedJson:
      response.set_content(R"({"jsonrpc":"2.0","id":1,"result":{"block_)", "application/json");
      return;
    case StandinFault::kHttp503:
      response.status = 503;
      response.set_content("injected fault: service unavailable", "text/plain");
      return;
  }
}

}  // namespace

MadaraStandin::MadaraStandin(MadaraStandinOptions options, Felt chain_id,
                             std::unique_ptr<const StandinChain> chain)
    : options_(std::move(options)),
      chain_id_(chain_id),
      chain_(std::move(chain)),
      released_up_to_(options_.released_up_to) {}

MadaraStandin::~MadaraStandin() {
  std::lock_guard lock(lifecycle_mutex_);
  StopLocked();
}

Result<std::unique_ptr<MadaraStandin>> MadaraStandin::Start(MadaraStandinOptions options) {
  if (options.port < 0 || options.port > 65535) {
    return Error::InvalidArgument("invalid port {} (expected 0..65535)", options.port);
  }
  Result<Felt> chain_id = Felt::FromShortString(options.chain_id);
  if (!chain_id.ok()) {
    return chain_id.error().WithContext(fmt::format("chain id '{}'", options.chain_id));
  }
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<StandinChain> chain,
                        LoadChain(options.blocks_dir, options.default_version));
  std::unique_ptr<MadaraStandin> standin(
      new MadaraStandin(std::move(options), *chain_id, std::move(chain)));
  {
    std::lock_guard lock(standin->lifecycle_mutex_);
    ORCH_ASSIGN_OR_RETURN(standin->port_, standin->Listen(standin->options_.port));
  }
  return standin;
}

std::string MadaraStandin::url() const {
  return fmt::format("http://{}:{}/", options_.host, port_);
}

std::uint64_t MadaraStandin::first_block() const { return chain_->first; }
std::uint64_t MadaraStandin::last_block() const { return chain_->last(); }

void MadaraStandin::SetReleasedUpTo(std::optional<std::uint64_t> block) {
  std::lock_guard lock(mutex_);
  released_up_to_ = block;
}

void MadaraStandin::InjectFaults(StandinFault fault, int count) {
  ORCH_CHECK(count >= 0, "InjectFaults: negative count {}", count);
  std::lock_guard lock(mutex_);
  faults_.insert(faults_.end(), static_cast<std::size_t>(count), fault);
}

void MadaraStandin::StopListening() {
  std::lock_guard lock(lifecycle_mutex_);
  StopLocked();
}

Result<void> MadaraStandin::ResumeListening() {
  std::lock_guard lock(lifecycle_mutex_);
  if (server_) {
    return Ok();
  }
  ORCH_RETURN_IF_ERROR(Listen(port_));
  return Ok();
}

std::map<std::string, std::uint64_t> MadaraStandin::RequestCounts() const {
  std::lock_guard lock(mutex_);
  return request_counts_;
}

std::optional<std::uint64_t> MadaraStandin::Tip() const {
  std::lock_guard lock(mutex_);
  const std::uint64_t last = chain_->last();
  const std::uint64_t tip = released_up_to_ ? std::min(*released_up_to_, last) : last;
  return tip < chain_->first ? std::nullopt : std::optional(tip);
}

std::optional<StandinFault> MadaraStandin::Record(const std::vector<std::string>& names) {
  std::lock_guard lock(mutex_);
  for (const std::string& name : names) {
    ++request_counts_[name];
  }
  if (faults_.empty()) {
    return std::nullopt;
  }
  const StandinFault fault = faults_.front();
  faults_.pop_front();
  return fault;
}

Result<int> MadaraStandin::Listen(int port) {
  auto server = std::make_unique<httplib::Server>();
  RegisterRoutes(*server);
  const int bound = port == 0 ? server->bind_to_any_port(options_.host)
                              : (server->bind_to_port(options_.host, port) ? port : -1);
  if (bound < 0) {
    return Error::Unavailable(
        "cannot listen on {}:{}: the port is in use or the host is not an address of this "
        "machine",
        options_.host, port);
  }
  listener_done_ = false;
  server_ = std::move(server);
  listener_ = std::thread([this, server = server_.get()] {
    server->listen_after_bind();
    listener_done_ = true;
  });
  return bound;
}

void MadaraStandin::StopLocked() {
  if (!server_) {
    return;
  }
  // httplib's stop() does nothing until the accept loop runs; it starts right after Listen.
  while (!server_->is_running() && !listener_done_) {
    std::this_thread::yield();
  }
  server_->stop();
  listener_.join();
  server_.reset();
}

void MadaraStandin::RegisterRoutes(httplib::Server& server) {
  // Only SO_REUSEADDR, so that ResumeListening can bind the port again at once; httplib's
  // default adds SO_REUSEPORT, with which two servers could share the port unnoticed.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  server.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (const std::optional<StandinFault> fault = Record(MethodNames(body))) {
      ApplyFault(*fault, response);
      return;
    }
    const CallContext context{
        .chain = *chain_, .options = options_, .chain_id = chain_id_, .tip = Tip()};
    json answer;
    if (body.is_discarded()) {
      answer = ErrorResponse(json(), {kParseError, "Parse error"});
    } else if (body.is_array() && body.empty()) {
      answer = ErrorResponse(json(), {kInvalidRequest, "Invalid Request: empty batch"});
    } else if (body.is_array()) {
      answer = json::array();
      for (const json& call : body) {
        answer.push_back(Answer(context, call));
      }
    } else {
      answer = Answer(context, body);
    }
    response.set_content(answer.dump(), "application/json");
  });

  server.Get(std::string(kContractAddressesPath),
             [this](const httplib::Request&, httplib::Response& response) {
               if (const std::optional<StandinFault> fault =
                       Record({std::string(kContractAddressesPath.substr(1))})) {
                 ApplyFault(*fault, response);
                 return;
               }
               const json addresses = {
                   {"Starknet", options_.core_contract_address.ToHex()},
                   {"GpsStatementVerifier", options_.gps_statement_verifier_address.ToHex()},
                   {"eth_l2_token_address", options_.eth_fee_token_address.ToHex()},
                   {"strk_l2_token_address", options_.strk_fee_token_address.ToHex()}};
               response.set_content(addresses.dump(), "application/json");
             });
}

}  // namespace orch::devnet
