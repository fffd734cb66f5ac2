#include "orch/starknet/state_squash.h"

#include <cstddef>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "orch/crypto/u256.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;

// The merge is keyed by U256 rather than Felt: felts compare by converting out of Montgomery
// form, integers compare directly, and a batch merges many thousands of entries.
using StorageMap = std::map<U256, std::map<U256, Felt>>;

Felt ToFelt(const U256& key) {
  // Every key was a felt before it became a map key.
  return *Felt::FromU256(key);
}

struct MergedDiff {
  StorageMap storage;
  std::map<U256, Felt> nonces;
  std::map<U256, Felt> deployed;
  std::map<U256, Felt> replaced;
  std::map<U256, Felt> declared;
  std::map<U256, Felt> migrated;
  std::set<U256> deprecated;
};

// Last write wins, in block order.
Result<MergedDiff> Merge(std::span<const StateUpdate> updates) {
  if (updates.empty()) {
    return Error::InvalidArgument("no state updates to squash");
  }
  MergedDiff merged;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const StateDiff& diff = updates[i].state_diff;
    const Result<void> valid = ValidateStateDiff(diff);
    if (!valid.ok()) {
      return valid.error().WithContext(fmt::format("state update {} of the range", i));
    }
    for (const ContractStorageDiff& contract : diff.storage_diffs) {
      auto& entries = merged.storage[contract.address.ToU256()];
      for (const StorageEntry& entry : contract.storage_entries) {
        entries.insert_or_assign(entry.key.ToU256(), entry.value);
      }
    }
    for (const NonceUpdate& nonce : diff.nonces) {
      merged.nonces.insert_or_assign(nonce.contract_address.ToU256(), nonce.nonce);
    }
    for (const DeployedContract& contract : diff.deployed_contracts) {
      merged.deployed.insert_or_assign(contract.address.ToU256(), contract.class_hash);
    }
    for (const ReplacedClass& replacement : diff.replaced_classes) {
      merged.replaced.insert_or_assign(replacement.contract_address.ToU256(),
                                       replacement.class_hash);
    }
    for (const DeclaredClass& declared : diff.declared_classes) {
      merged.declared.insert_or_assign(declared.class_hash.ToU256(), declared.compiled_class_hash);
    }
    for (const MigratedCompiledClass& migrated : diff.migrated_compiled_classes) {
      merged.migrated.insert_or_assign(migrated.class_hash.ToU256(), migrated.compiled_class_hash);
    }
    for (const Felt& class_hash : diff.deprecated_declared_classes) {
      merged.deprecated.insert(class_hash.ToU256());
    }
  }
  // Relative to the pre-range state a contract deployed in the range was deployed with its
  // final class; a replacement after the deployment is not a replacement of anything older.
  for (auto it = merged.replaced.begin(); it != merged.replaced.end();) {
    if (const auto deployed = merged.deployed.find(it->first); deployed != merged.deployed.end()) {
      deployed->second = it->second;
      it = merged.replaced.erase(it);
    } else {
      ++it;
    }
  }
  return merged;
}

// Drops the entries equal to their pre-range value (absent from `pre_values`: 0), then the
// contracts left without entries.
void DropUnchangedStorage(StorageMap& storage, const StorageMap& pre_values) {
  for (auto contract = storage.begin(); contract != storage.end();) {
    const auto pre_contract = pre_values.find(contract->first);
    auto& entries = contract->second;
    for (auto entry = entries.begin(); entry != entries.end();) {
      Felt pre_value;
      if (pre_contract != pre_values.end()) {
        if (const auto found = pre_contract->second.find(entry->first);
            found != pre_contract->second.end()) {
          pre_value = found->second;
        }
      }
      entry = entry->second == pre_value ? entries.erase(entry) : std::next(entry);
    }
    contract = entries.empty() ? storage.erase(contract) : std::next(contract);
  }
}

StateUpdate BuildUpdate(std::span<const StateUpdate> updates, MergedDiff merged) {
  StateUpdate result{.block_hash = updates.back().block_hash,
                     .old_root = updates.front().old_root,
                     .new_root = updates.back().new_root};
  StateDiff& diff = result.state_diff;
  // The maps iterate in numeric key order: the lists come out sorted.
  for (const auto& [address, entries] : merged.storage) {
    ContractStorageDiff contract{.address = ToFelt(address)};
    for (const auto& [key, value] : entries) {
      contract.storage_entries.push_back({ToFelt(key), value});
    }
    diff.storage_diffs.push_back(std::move(contract));
  }
  for (const auto& [address, nonce] : merged.nonces) {
    diff.nonces.push_back({ToFelt(address), nonce});
  }
  for (const auto& [address, class_hash] : merged.deployed) {
    diff.deployed_contracts.push_back({ToFelt(address), class_hash});
  }
  for (const auto& [address, class_hash] : merged.replaced) {
    diff.replaced_classes.push_back({ToFelt(address), class_hash});
  }
  for (const auto& [class_hash, compiled] : merged.declared) {
    diff.declared_classes.push_back({ToFelt(class_hash), compiled});
  }
  for (const auto& [class_hash, compiled] : merged.migrated) {
    diff.migrated_compiled_classes.push_back({ToFelt(class_hash), compiled});
  }
  for (const U256& class_hash : merged.deprecated) {
    diff.deprecated_declared_classes.push_back(ToFelt(class_hash));
  }
  return result;
}

}  // namespace

Result<StateUpdate> SquashStateUpdates(std::span<const StateUpdate> updates,
                                       PreRangeState& pre_range) {
  ORCH_ASSIGN_OR_RETURN(MergedDiff merged, Merge(updates));

  // The pre-range class of every contract with storage writes (is there older storage to
  // compare with?) and of every replaced class (did it change?). Contracts deployed in the
  // range did not exist before it: their pre-range storage is all zeros, no need to ask.
  std::set<U256> to_ask;
  for (const auto& [address, unused] : merged.storage) {
    if (!merged.deployed.contains(address)) {
      to_ask.insert(address);
    }
  }
  for (const auto& [address, unused] : merged.replaced) {
    to_ask.insert(address);
  }
  std::vector<Felt> addresses;
  for (const U256& address : to_ask) {
    addresses.push_back(ToFelt(address));
  }
  std::vector<std::optional<Felt>> class_hashes;
  if (!addresses.empty()) {
    ORCH_ASSIGN_OR_RETURN(class_hashes, pre_range.GetClassHashes(addresses));
  }
  if (class_hashes.size() != addresses.size()) {
    return Error::Internal("the pre-range state gave {} class hashes for {} contracts",
                           class_hashes.size(), addresses.size());
  }
  std::map<U256, std::optional<Felt>> pre_classes;
  std::size_t next = 0;
  for (const U256& address : to_ask) {
    pre_classes.emplace(address, class_hashes[next++]);
  }

  std::vector<StorageSlot> slots;
  for (const auto& [address, entries] : merged.storage) {
    const auto pre_class = pre_classes.find(address);
    if (pre_class == pre_classes.end() || !pre_class->second.has_value()) {
      continue;
    }
    for (const auto& [key, unused] : entries) {
      slots.push_back({ToFelt(address), ToFelt(key)});
    }
  }
  std::vector<Felt> values;
  if (!slots.empty()) {
    ORCH_ASSIGN_OR_RETURN(values, pre_range.GetStorageValues(slots));
  }
  if (values.size() != slots.size()) {
    return Error::Internal("the pre-range state gave {} storage values for {} slots", values.size(),
                           slots.size());
  }
  StorageMap pre_values;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    pre_values[slots[i].contract_address.ToU256()][slots[i].key.ToU256()] = values[i];
  }
  DropUnchangedStorage(merged.storage, pre_values);

  for (auto it = merged.replaced.begin(); it != merged.replaced.end();) {
    const std::optional<Felt>& pre_class = pre_classes.at(it->first);
    it = pre_class == it->second ? merged.replaced.erase(it) : std::next(it);
  }
  return BuildUpdate(updates, std::move(merged));
}

Result<StateUpdate> SquashStateUpdates(std::span<const StateUpdate> updates) {
  ORCH_ASSIGN_OR_RETURN(MergedDiff merged, Merge(updates));
  DropUnchangedStorage(merged.storage, /*pre_values=*/{});
  return BuildUpdate(updates, std::move(merged));
}

}  // namespace orch::starknet
