#include "orch/starknet/state_diff_encoding.h"

#include <map>
#include <set>
#include <utility>

#include "orch/starknet/da_word.h"
#include "orch/starknet/stateful_compression.h"

namespace orch::starknet {
namespace {

using crypto::Felt;

// The legacy DA word: what the OS of 0.13.2 and older wrote.
constexpr StarknetVersion kLegacyVersion{0, 13, 2};

// The diff's address-keyed lists as lookup tables.
struct ContractTables {
  std::map<Felt, Felt> nonces;
  std::map<Felt, Felt> deployed;
  std::map<Felt, Felt> replaced;

  explicit ContractTables(const StateDiff& diff) {
    for (const NonceUpdate& nonce : diff.nonces) {
      nonces.emplace(nonce.contract_address, nonce.nonce);
    }
    for (const DeployedContract& contract : diff.deployed_contracts) {
      deployed.emplace(contract.address, contract.class_hash);
    }
    for (const ReplacedClass& replacement : diff.replaced_classes) {
      replaced.emplace(replacement.contract_address, replacement.class_hash);
    }
  }

  std::optional<Felt> ClassHash(const Felt& address) const {
    if (const auto found = deployed.find(address); found != deployed.end()) {
      return found->second;
    }
    if (const auto found = replaced.find(address); found != replaced.end()) {
      return found->second;
    }
    return std::nullopt;
  }
};

// `diff`'s storage diffs plus an empty one for each address of `extra` that has none, sorted
// by address, entries by key.
std::vector<ContractStorageDiff> SortedContracts(const StateDiff& diff,
                                                 const std::set<Felt>& extra) {
  StateDiff contracts;
  contracts.storage_diffs = diff.storage_diffs;
  std::set<Felt> present;
  for (const ContractStorageDiff& contract : diff.storage_diffs) {
    present.insert(contract.address);
  }
  for (const Felt& address : extra) {
    if (!present.contains(address)) {
      contracts.storage_diffs.push_back({address, {}});
    }
  }
  SortStateDiff(contracts);
  return std::move(contracts.storage_diffs);
}

}  // namespace

Result<DaStateDiff> CollectLegacyDaStateDiff(const StateDiff& diff, std::uint64_t block_number,
                                             NonceSource& nonce_source) {
  ORCH_RETURN_IF_ERROR(ValidateStateDiff(diff));
  const ContractTables tables(diff);
  std::set<Felt> extra;
  for (const auto& [address, unused] : tables.nonces) {
    extra.insert(address);
  }
  for (const auto& [address, unused] : tables.deployed) {
    extra.insert(address);
  }

  DaStateDiff result;
  for (ContractStorageDiff& contract : SortedContracts(diff, extra)) {
    ContractDaRecord record{.address = contract.address,
                            .class_hash = tables.ClassHash(contract.address),
                            .storage_entries = std::move(contract.storage_entries)};
    if (const auto nonce = tables.nonces.find(contract.address); nonce != tables.nonces.end()) {
      record.nonce = nonce->second;
    } else if (!record.storage_entries.empty() && record.address != kBlockHashContractAddress &&
               record.address != kAliasContractAddress) {
      // The 0.13.2 OS wrote every touched contract's nonce, changed or not; the state diff
      // carries only changed ones. System contracts have no nonce.
      ORCH_ASSIGN_OR_RETURN(record.nonce, nonce_source.GetNonce(block_number, record.address));
    }
    result.contracts.push_back(std::move(record));
  }
  StateDiff classes;
  classes.declared_classes = diff.declared_classes;
  SortStateDiff(classes);
  result.classes = std::move(classes.declared_classes);
  return result;
}

Result<DaStateDiff> CollectDaStateDiff(const StateDiff& diff) {
  ORCH_RETURN_IF_ERROR(ValidateStateDiff(diff));
  const ContractTables tables(diff);
  std::set<Felt> extra;
  for (const auto* table : {&tables.nonces, &tables.deployed, &tables.replaced}) {
    for (const auto& [address, unused] : *table) {
      extra.insert(address);
    }
  }

  DaStateDiff result;
  for (ContractStorageDiff& contract : SortedContracts(diff, extra)) {
    const auto nonce = tables.nonces.find(contract.address);
    const bool has_nonce = nonce != tables.nonces.end();
    ContractDaRecord record{.address = contract.address,
                            .nonce = has_nonce ? nonce->second : Felt(),
                            .class_hash = tables.ClassHash(contract.address),
                            .storage_entries = std::move(contract.storage_entries)};
    if (record.storage_entries.empty() && !has_nonce && !record.class_hash.has_value()) {
      continue;
    }
    result.contracts.push_back(std::move(record));
  }

  StateDiff classes;
  classes.declared_classes = diff.declared_classes;
  for (const MigratedCompiledClass& migrated : diff.migrated_compiled_classes) {
    classes.declared_classes.push_back({migrated.class_hash, migrated.compiled_class_hash});
  }
  const Result<void> unique = ValidateStateDiff(classes);
  if (!unique.ok()) {
    return unique.error().WithContext("declared and migrated classes together");
  }
  SortStateDiff(classes);
  result.classes = std::move(classes.declared_classes);
  return result;
}

Result<std::vector<Felt>> SerializeDaStateDiff(const DaStateDiff& diff,
                                               const StarknetVersion& version) {
  std::vector<Felt> felts;
  felts.push_back(Felt::FromUint64(diff.contracts.size()));
  for (const ContractDaRecord& contract : diff.contracts) {
    felts.push_back(contract.address);
    ORCH_ASSIGN_OR_RETURN(const Felt word,
                          EncodeDaWord(version, contract.class_hash.has_value(), contract.nonce,
                                       contract.storage_entries.size()));
    felts.push_back(word);
    if (contract.class_hash.has_value()) {
      felts.push_back(*contract.class_hash);
    }
    for (const StorageEntry& entry : contract.storage_entries) {
      felts.push_back(entry.key);
      felts.push_back(entry.value);
    }
  }
  felts.push_back(Felt::FromUint64(diff.classes.size()));
  for (const DeclaredClass& declared : diff.classes) {
    felts.push_back(declared.class_hash);
    felts.push_back(declared.compiled_class_hash);
  }
  return felts;
}

Result<std::vector<Felt>> EncodeLegacyStateDiff(const StateDiff& diff, std::uint64_t block_number,
                                                NonceSource& nonce_source) {
  ORCH_ASSIGN_OR_RETURN(const DaStateDiff collected,
                        CollectLegacyDaStateDiff(diff, block_number, nonce_source));
  return SerializeDaStateDiff(collected, kLegacyVersion);
}

}  // namespace orch::starknet
