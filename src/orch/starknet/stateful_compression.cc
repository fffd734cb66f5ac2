#include "orch/starknet/stateful_compression.h"

#include <cstddef>
#include <map>
#include <set>
#include <utility>

namespace orch::starknet {
namespace {

using crypto::Felt;

bool Aliased(const Felt& value) { return value >= kMinValueForAlias; }

}  // namespace

TableAliasSource::TableAliasSource(std::map<crypto::Felt, crypto::Felt> aliases)
    : aliases_(std::move(aliases)) {}

Result<std::vector<std::optional<crypto::Felt>>> TableAliasSource::GetAliases(
    std::span<const crypto::Felt> keys) {
  std::vector<std::optional<crypto::Felt>> out;
  out.reserve(keys.size());
  for (const crypto::Felt& key : keys) {
    const auto found = aliases_.find(key);
    out.push_back(found == aliases_.end() ? std::nullopt : std::optional(found->second));
  }
  return out;
}

Result<DaStateDiff> ApplyAliases(DaStateDiff diff, AliasSource& aliases) {
  std::set<Felt> needed;
  std::map<Felt, Felt> known;
  for (const ContractDaRecord& contract : diff.contracts) {
    if (contract.address == kAliasContractAddress) {
      for (const StorageEntry& entry : contract.storage_entries) {
        // Slot 0 is the allocation counter, and aliases never map keys below the threshold.
        if (Aliased(entry.key) && !entry.value.IsZero()) {
          known.emplace(entry.key, entry.value);
        }
      }
    }
    if (!Aliased(contract.address)) {
      continue;
    }
    needed.insert(contract.address);
    for (const StorageEntry& entry : contract.storage_entries) {
      if (Aliased(entry.key)) {
        needed.insert(entry.key);
      }
    }
  }

  std::vector<Felt> to_ask;
  for (const Felt& key : needed) {
    if (!known.contains(key)) {
      to_ask.push_back(key);
    }
  }
  if (!to_ask.empty()) {
    ORCH_ASSIGN_OR_RETURN(const std::vector<std::optional<Felt>> answers,
                          aliases.GetAliases(to_ask));
    if (answers.size() != to_ask.size()) {
      return Error::Internal("the alias source gave {} answers for {} keys", answers.size(),
                             to_ask.size());
    }
    for (std::size_t i = 0; i < to_ask.size(); ++i) {
      if (!answers[i].has_value() || answers[i]->IsZero()) {
        return Error::NotFound(
            "no alias for {}: neither the state diff nor the alias contract has one",
            to_ask[i].ToHex());
      }
      known.emplace(to_ask[i], *answers[i]);
    }
  }

  for (ContractDaRecord& contract : diff.contracts) {
    if (!Aliased(contract.address)) {
      continue;
    }
    contract.address = known.at(contract.address);
    for (StorageEntry& entry : contract.storage_entries) {
      if (Aliased(entry.key)) {
        entry.key = known.at(entry.key);
      }
    }
  }
  return diff;
}

}  // namespace orch::starknet
