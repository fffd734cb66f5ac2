#include "orch/starknet/synthetic_chain.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "orch/crypto/poseidon.h"
#include "orch/crypto/u256.h"
#include "orch/starknet/da_encoder.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/state_update_json.h"
#include "orch/starknet/stateful_compression.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using nlohmann::json;
namespace fs = std::filesystem;

// The OS writes the hash of block N - kBlockHashLag at key N - kBlockHashLag of the block-hash
// contract in block N.
constexpr std::uint64_t kBlockHashLag = 10;
// Contracts at or below this address keep their storage keys uncompressed, so the OS allocates
// no aliases for their keys (blockifier's MAX_NON_COMPRESSED_CONTRACT_ADDRESS).
constexpr Felt kMaxNonCompressedAddress = Felt::FromUint64(15);
// The first alias the OS hands out (INITIAL_AVAILABLE_ALIAS), and the slot of 0x2 holding the
// next free one.
constexpr Felt kFirstAlias = Felt::FromUint64(128);
constexpr Felt kAliasCounterKey = Felt::FromUint64(0);
// Starknet's STRK fee token, the address the devnet's Madara stand-in reports by default.
constexpr Felt kFeeToken =
    Felt::FromHexLiteral("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

constexpr std::uint64_t kFirstTimestamp = 1'735'689'600;  // 2025-01-01T00:00:00Z
constexpr std::uint64_t kSecondsPerBlock = 6;
// Block i of the chain is busy when i % kBusyPeriod == kBusyPeriod - 1.
constexpr std::uint64_t kBusyPeriod = 8;
// Block i declares a class when i % kDeclarePeriod == 2, and replaces one when
// i % kReplacePeriod == 4: fixed, so that every chain of a dozen blocks has both.
constexpr std::uint64_t kDeclarePeriod = 4;
constexpr std::uint64_t kReplacePeriod = 6;
constexpr std::uint64_t kGenesisAccounts = 3;
constexpr std::uint64_t kGenesisApps = 2;
constexpr std::uint64_t kGenesisAppClasses = 2;
// One STRK in fri, and what the first block mints to each account, in STRK.
constexpr std::uint64_t kStrk = 1'000'000'000'000'000'000;
constexpr std::uint64_t kGenesisBalanceStrk = 1000;

// SplitMix64 (Steele, Lea and Flood, 2014): a fixed integer sequence per seed, the same on every
// platform, unlike the standard distributions.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // In [low, high]; the modulo bias is negligible for the small ranges used here.
  std::uint64_t Between(std::uint64_t low, std::uint64_t high) {
    return low + Next() % (high - low + 1);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    ORCH_CHECK(!values.empty(), "Pick from an empty list");
    return values[Between(0, values.size() - 1)];
  }

  // Uniform below 2^251, the range of contract addresses, storage keys and hashes.
  Felt NextFelt() {
    crypto::U256::Limbs limbs{Next(), Next(), Next(), Next()};
    limbs[3] &= (std::uint64_t{1} << 59) - 1;
    // Below 2^251 < P: the reduction changes nothing.
    return Felt::ReduceBytesBe(crypto::U256(limbs).ToBytesBe());
  }

  // A storage value: mostly small numbers (counters, amounts), a quarter full felts.
  Felt NextValue() {
    return Between(0, 3) != 0 ? Felt::FromUint64(Between(1, 1'000'000)) : NextFelt();
  }

 private:
  std::uint64_t state_;
};

// The chain's state after the blocks generated so far.
struct ChainState {
  std::map<Felt, Felt> class_of;                 // deployed contract -> class hash
  std::map<Felt, std::uint64_t> nonce_of;        // absent: 0
  std::map<Felt, std::map<Felt, Felt>> storage;  // contract -> key -> value; absent: 0
  std::vector<Felt> accounts;
  std::vector<Felt> apps;  // application contracts: the targets of invokes and class replacement
  Felt account_class;
  Felt token_class;
  std::vector<Felt> app_classes;
  Felt sequencer;                  // receives the fees
  Felt public_key_slot;            // where an account keeps its public key
  Felt balances_base;              // fee-token balance slots are Poseidon(balances_base, owner)
  std::vector<Felt> block_hashes;  // of the blocks generated so far, in order

  Felt Storage(const Felt& contract, const Felt& key) const {
    const auto found = storage.find(contract);
    if (found == storage.end()) {
      return Felt();
    }
    const auto value = found->second.find(key);
    return value == found->second.end() ? Felt() : value->second;
  }
};

// Collects the writes of one block while applying them to the chain state.
class BlockBuilder {
 public:
  BlockBuilder(ChainState& state, Prng& prng) : state_(state), prng_(prng) {}

  void Write(const Felt& contract, const Felt& key, const Felt& value) {
    state_.storage[contract][key] = value;
    writes_[contract][key] = value;
  }

  Felt BalanceKey(const Felt& owner) const {
    return crypto::PoseidonHash(state_.balances_base, owner);
  }

  void AddBalance(const Felt& owner, const Felt& amount) {
    const Felt key = BalanceKey(owner);
    Write(kFeeToken, key, state_.Storage(kFeeToken, key) + amount);
  }

  // Moves up to `wanted` fri of the fee token from `from` to `to`, never more than half of what
  // `from` holds, so that no balance goes below zero however long the chain.
  void Pay(const Felt& from, const Felt& to, std::uint64_t wanted) {
    const crypto::U256 half = state_.Storage(kFeeToken, BalanceKey(from)).ToU256() >> 1;
    const crypto::U256 amount = std::min(crypto::U256(wanted), half);
    if (amount.IsZero()) {
      return;
    }
    // Below the balance, itself a felt: the reduction changes nothing.
    const Felt value = Felt::ReduceBytesBe(amount.ToBytesBe());
    AddBalance(from, -value);
    AddBalance(to, value);
  }

  // A transaction of `sender`: its nonce goes up and it pays the sequencer a fee.
  void Transaction(const Felt& sender) {
    nonces_[sender] = ++state_.nonce_of[sender];
    Pay(sender, state_.sequencer, prng_.Between(1'000'000'000'000, 1'000'000'000'000'000));
  }

  void Deploy(const Felt& address, const Felt& class_hash) {
    state_.class_of[address] = class_hash;
    deployed_[address] = class_hash;
  }

  // Declares a new Sierra class: its hash, with the hash of its compiled (CASM) class.
  Felt Declare() {
    const Felt class_hash = prng_.NextFelt();
    declared_[class_hash] = prng_.NextFelt();
    return class_hash;
  }

  void Replace(const Felt& contract, const Felt& class_hash) {
    state_.class_of[contract] = class_hash;
    replaced_[contract] = class_hash;
  }

  // Writes 1 to `max_writes` slots of `app`, each an existing slot or a new one.
  void Invoke(const Felt& app, std::uint64_t max_writes) {
    const std::map<Felt, Felt>& slots = state_.storage[app];
    std::vector<Felt> existing;
    for (const auto& [key, unused] : slots) {
      existing.push_back(key);
    }
    const std::uint64_t count = prng_.Between(1, max_writes);
    for (std::uint64_t i = 0; i < count; ++i) {
      const bool overwrite = !existing.empty() && prng_.Between(0, 1) == 0;
      Write(app, overwrite ? prng_.Pick(existing) : prng_.NextFelt(), prng_.NextValue());
    }
  }

  // The contracts this block touches, ascending: what the OS allocates aliases for.
  std::set<Felt> TouchedContracts() const {
    std::set<Felt> touched;
    for (const auto& [address, unused] : writes_) {
      touched.insert(address);
    }
    for (const auto& [address, unused] : nonces_) {
      touched.insert(address);
    }
    for (const auto* table : {&deployed_, &replaced_}) {
      for (const auto& [address, unused] : *table) {
        touched.insert(address);
      }
    }
    return touched;
  }

  // The alias allocations of the OS (blockifier's allocate_aliases_in_storage), as writes to 0x2.
  void AllocateAliases() {
    const Felt counter = state_.Storage(kAliasContractAddress, kAliasCounterKey);
    std::optional<Felt> next_free = counter.IsZero() ? std::nullopt : std::optional(counter);
    bool allocated = false;
    std::map<Felt, Felt> new_aliases;
    const auto allocate = [&](const Felt& key) {
      if (key < kMinValueForAlias || new_aliases.contains(key) ||
          !state_.Storage(kAliasContractAddress, key).IsZero()) {
        return;
      }
      const Felt alias = next_free.value_or(kFirstAlias);
      new_aliases.emplace(key, alias);
      next_free = alias + Felt::One();
      allocated = true;
    };
    for (const Felt& address : TouchedContracts()) {
      if (address > kMaxNonCompressedAddress) {
        if (const auto slots = writes_.find(address); slots != writes_.end()) {
          for (const auto& [key, unused] : slots->second) {
            allocate(key);
          }
        }
      }
      allocate(address);
    }
    if (!next_free) {
      Write(kAliasContractAddress, kAliasCounterKey, kFirstAlias);
    } else if (allocated) {
      Write(kAliasContractAddress, kAliasCounterKey, *next_free);
    }
    for (const auto& [key, alias] : new_aliases) {
      Write(kAliasContractAddress, key, alias);
    }
  }

  // The legacy encoding's nonce lookups: contracts written without a nonce change, not 0x1/0x2.
  std::map<Felt, Felt> NonceLookups() const {
    std::map<Felt, Felt> lookups;
    for (const auto& [address, unused] : writes_) {
      if (address != kBlockHashContractAddress && address != kAliasContractAddress &&
          !nonces_.contains(address)) {
        const auto nonce = state_.nonce_of.find(address);
        lookups.emplace(address,
                        Felt::FromUint64(nonce == state_.nonce_of.end() ? 0 : nonce->second));
      }
    }
    return lookups;
  }

  StateDiff Diff() const {
    StateDiff diff;
    for (const auto& [address, slots] : writes_) {
      ContractStorageDiff contract{.address = address, .storage_entries = {}};
      for (const auto& [key, value] : slots) {
        contract.storage_entries.push_back({.key = key, .value = value});
      }
      diff.storage_diffs.push_back(std::move(contract));
    }
    for (const auto& [address, nonce] : nonces_) {
      diff.nonces.push_back({.contract_address = address, .nonce = Felt::FromUint64(nonce)});
    }
    for (const auto& [address, class_hash] : deployed_) {
      diff.deployed_contracts.push_back({.address = address, .class_hash = class_hash});
    }
    for (const auto& [address, class_hash] : replaced_) {
      diff.replaced_classes.push_back({.contract_address = address, .class_hash = class_hash});
    }
    for (const auto& [class_hash, compiled] : declared_) {
      diff.declared_classes.push_back({.class_hash = class_hash, .compiled_class_hash = compiled});
    }
    SortStateDiff(diff);
    return diff;
  }

 private:
  ChainState& state_;
  Prng& prng_;
  std::map<Felt, std::map<Felt, Felt>> writes_;
  std::map<Felt, std::uint64_t> nonces_;
  std::map<Felt, Felt> deployed_;
  std::map<Felt, Felt> replaced_;
  std::map<Felt, Felt> declared_;
};

// The first block: the classes, the fee token, the first accounts (funded) and applications.
void BuildGenesis(ChainState& state, Prng& prng, BlockBuilder& block) {
  state.account_class = block.Declare();
  state.token_class = block.Declare();
  for (std::uint64_t i = 0; i < kGenesisAppClasses; ++i) {
    state.app_classes.push_back(block.Declare());
  }
  block.Deploy(kFeeToken, state.token_class);
  const Felt balance = Felt::FromUint64(kStrk) * Felt::FromUint64(kGenesisBalanceStrk);
  for (std::uint64_t i = 0; i < kGenesisAccounts; ++i) {
    const Felt account = prng.NextFelt();
    block.Deploy(account, state.account_class);
    block.Write(account, state.public_key_slot, prng.NextFelt());
    block.AddBalance(account, balance);
    state.accounts.push_back(account);
  }
  for (std::uint64_t i = 0; i < kGenesisApps; ++i) {
    const Felt app = prng.NextFelt();
    block.Deploy(app, prng.Pick(state.app_classes));
    block.Invoke(app, 3);
    state.apps.push_back(app);
  }
}

// Block `index` > 0 of the chain: transactions of the existing accounts.
void BuildBlock(std::uint64_t index, ChainState& state, Prng& prng, BlockBuilder& block) {
  const bool busy = index % kBusyPeriod == kBusyPeriod - 1;
  const std::uint64_t invokes = busy ? prng.Between(8, 10) : prng.Between(1, 2);
  const std::uint64_t deployments = busy ? 3 : prng.Between(1, 2);
  const std::uint64_t transfers = busy ? 2 : prng.Between(0, 1);

  for (std::uint64_t i = 0; i < invokes; ++i) {
    block.Transaction(prng.Pick(state.accounts));
    block.Invoke(prng.Pick(state.apps), 2);
  }
  for (std::uint64_t i = 0; i < deployments; ++i) {
    const Felt sender = prng.Pick(state.accounts);
    block.Transaction(sender);
    const Felt address = prng.NextFelt();
    // One deployment in four is an account, funded by its deployer.
    if (prng.Between(0, 3) == 0) {
      block.Deploy(address, state.account_class);
      block.Write(address, state.public_key_slot, prng.NextFelt());
      block.Pay(sender, address, prng.Between(1, 10) * kStrk);
      state.accounts.push_back(address);
    } else {
      block.Deploy(address, prng.Pick(state.app_classes));
      block.Invoke(address, 2);  // the constructor's writes
      state.apps.push_back(address);
    }
  }
  for (std::uint64_t i = 0; i < transfers; ++i) {
    const Felt from = prng.Pick(state.accounts);
    const Felt to = prng.Pick(state.accounts);
    if (from == to) {
      continue;
    }
    block.Transaction(from);
    block.Pay(from, to, prng.Between(1, 1'000'000'000'000'000));
  }
  if (index % kDeclarePeriod == 2) {
    block.Transaction(prng.Pick(state.accounts));
    state.app_classes.push_back(block.Declare());
  }
  if (index % kReplacePeriod == 4) {
    // An application upgrades itself to another class (the replace_class syscall); the first
    // block declared two application classes, so there is always another one.
    const Felt app = prng.Pick(state.apps);
    const Felt current = state.class_of.at(app);
    std::vector<Felt> others;
    for (const Felt& class_hash : state.app_classes) {
      if (class_hash != current) {
        others.push_back(class_hash);
      }
    }
    block.Transaction(prng.Pick(state.accounts));
    block.Replace(app, prng.Pick(others));
  }
}

Result<void> CheckOptions(const SyntheticChainOptions& options) {
  if (options.block_count == 0 || options.block_count > kMaxSyntheticChainBlocks) {
    return Error::InvalidArgument("a synthetic chain has 1 to {} blocks, not {}",
                                  kMaxSyntheticChainBlocks, options.block_count);
  }
  if (options.block_count - 1 > std::numeric_limits<std::uint64_t>::max() - options.first_block) {
    return Error::InvalidArgument("{} blocks from block {} go beyond block number 2^64 - 1",
                                  options.block_count, options.first_block);
  }
  if (options.versions.empty()) {
    return Error::InvalidArgument("a synthetic chain needs at least one Starknet version");
  }
  if (options.versions.size() > options.block_count) {
    return Error::InvalidArgument("{} Starknet versions for {} blocks: every version needs a block",
                                  options.versions.size(), options.block_count);
  }
  for (std::size_t i = 0; i < options.versions.size(); ++i) {
    if (options.versions[i] > StarknetVersion::Newest()) {
      return Error::InvalidArgument("Starknet {} is newer than the newest known version {}",
                                    options.versions[i].ToString(),
                                    StarknetVersion::Newest().ToString());
    }
    if (i > 0 && options.versions[i] < options.versions[i - 1]) {
      return Error::InvalidArgument(
          "the Starknet versions must not decrease along the chain: {} comes after {}",
          options.versions[i].ToString(), options.versions[i - 1].ToString());
    }
  }
  return Ok();
}

// Encodes `block` as the pipeline does, answering from the chain state after it.
Result<void> CheckEncodes(const SyntheticBlock& block, const ChainState& state) {
  TableNonceSource nonces(block.block_number, block.nonces);
  const auto alias_storage = state.storage.find(kAliasContractAddress);
  TableAliasSource aliases(alias_storage == state.storage.end() ? std::map<Felt, Felt>{}
                                                                : alias_storage->second);
  Result<std::vector<Felt>> felts = EncodeStateDiffForDa(
      block.state_update.state_diff, block.starknet_version, block.block_number, nonces, aliases);
  if (!felts.ok()) {
    return Error::Internal("synthetic block {} (Starknet {}) does not encode: {}",
                           block.block_number, block.starknet_version.ToString(),
                           felts.error().message());
  }
  if (felts->size() > kSyntheticBlockMaxDaFelts) {
    return Error::Internal("synthetic block {} takes {} DA felts, more than the {} of one blob",
                           block.block_number, felts->size(), kSyntheticBlockMaxDaFelts);
  }
  return Ok();
}

Result<void> WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) {
    file << content;
    file.close();
  }
  if (!file) {
    return Error::Unavailable("cannot write {}", path.string());
  }
  return Ok();
}

std::string NoncesJson(const std::map<Felt, Felt>& nonces) {
  json array = json::array();
  for (const auto& [address, nonce] : nonces) {
    array.push_back({{"address", address.ToDecimal()}, {"nonce", nonce.ToHex().substr(2)}});
  }
  return array.dump();
}

std::string BlockJson(const SyntheticBlock& block) {
  return json{{"starknet_version", block.starknet_version.ToString()},
              {"block_hash", block.state_update.block_hash.value_or(Felt()).ToHex()},
              {"parent_hash", block.parent_hash.ToHex()},
              {"timestamp", block.timestamp}}
      .dump();
}

}  // namespace

Result<std::vector<SyntheticBlock>> GenerateSyntheticChain(const SyntheticChainOptions& options) {
  ORCH_RETURN_IF_ERROR(CheckOptions(options));
  Prng prng(options.seed);
  ChainState state;
  state.sequencer = prng.NextFelt();
  state.public_key_slot = prng.NextFelt();
  state.balances_base = prng.NextFelt();

  std::vector<SyntheticBlock> blocks;
  blocks.reserve(options.block_count);
  Felt parent_hash = options.first_block == 0 ? Felt() : prng.NextFelt();
  Felt old_root;  // the root of the empty state
  for (std::uint64_t index = 0; index < options.block_count; ++index) {
    const std::uint64_t number = options.first_block + index;
    const StarknetVersion version =
        options.versions[index * options.versions.size() / options.block_count];
    BlockBuilder builder(state, prng);
    if (index == 0) {
      BuildGenesis(state, prng, builder);
    } else {
      BuildBlock(index, state, prng, builder);
    }
    if (number >= kBlockHashLag && number - kBlockHashLag >= options.first_block) {
      const std::uint64_t old_block = number - kBlockHashLag;
      builder.Write(kBlockHashContractAddress, Felt::FromUint64(old_block),
                    state.block_hashes[old_block - options.first_block]);
    }
    if (version >= kVersion0_13_4) {
      builder.AllocateAliases();
    }

    SyntheticBlock block{
        .block_number = number,
        .starknet_version = version,
        .state_update = {.block_hash = prng.NextFelt(),
                         .old_root = old_root,
                         .new_root = prng.NextFelt(),
                         .state_diff = builder.Diff()},
        .parent_hash = parent_hash,
        .timestamp = kFirstTimestamp + index * kSecondsPerBlock,
        .nonces = builder.NonceLookups(),
    };
    ORCH_RETURN_IF_ERROR(CheckEncodes(block, state));
    parent_hash = *block.state_update.block_hash;
    old_root = *block.state_update.new_root;
    state.block_hashes.push_back(parent_hash);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Result<void> WriteSyntheticChain(const std::vector<SyntheticBlock>& blocks, const fs::path& dir) {
  std::error_code error;
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error)) {
      return Error::FailedPrecondition("{} exists and is not a directory", dir.string());
    }
    if (!fs::is_empty(dir, error) || error) {
      return Error::FailedPrecondition(
          "{} is not empty: the chain is written to a new or empty directory only", dir.string());
    }
  }
  for (const SyntheticBlock& block : blocks) {
    const fs::path folder = dir / std::to_string(block.block_number);
    fs::create_directories(folder, error);
    if (error) {
      return Error::Unavailable("cannot create {}: {}", folder.string(), error.message());
    }
    ORCH_RETURN_IF_ERROR(
        WriteFile(folder / "state_update.json", StateUpdateToJsonText(block.state_update) + "\n"));
    ORCH_RETURN_IF_ERROR(WriteFile(folder / "nonces.json", NoncesJson(block.nonces) + "\n"));
    ORCH_RETURN_IF_ERROR(WriteFile(folder / "block.json", BlockJson(block) + "\n"));
  }
  return Ok();
}

}  // namespace orch::starknet
