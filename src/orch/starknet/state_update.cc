#include "orch/starknet/state_update.h"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <utility>

#include "orch/crypto/u256.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;

// Sorts `items` by the felt `key(item)`. Felts are stored in Montgomery form, so comparing two
// of them converts both; converting each key once keeps large diffs cheap to sort.
template <typename T, typename Key>
void SortByFelt(std::vector<T>& items, Key key) {
  std::vector<std::pair<U256, std::size_t>> order;
  order.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    order.emplace_back(key(items[i]).ToU256(), i);
  }
  std::ranges::sort(order, {}, &std::pair<U256, std::size_t>::first);
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const auto& [unused, index] : order) {
    sorted.push_back(std::move(items[index]));
  }
  items = std::move(sorted);
}

template <typename T, typename Key>
Result<void> CheckUnique(const std::vector<T>& items, Key key, std::string_view list) {
  std::vector<U256> keys;
  keys.reserve(items.size());
  for (const T& item : items) {
    keys.push_back(key(item).ToU256());
  }
  std::ranges::sort(keys);
  const auto repeated = std::ranges::adjacent_find(keys);
  if (repeated != keys.end()) {
    return Error::InvalidArgument("{} has {} more than once", list, repeated->ToHex());
  }
  return Ok();
}

}  // namespace

Result<void> ValidateStateDiff(const StateDiff& diff) {
  const auto address = [](const auto& item) -> const Felt& { return item.address; };
  const auto contract_address = [](const auto& item) -> const Felt& {
    return item.contract_address;
  };
  const auto class_hash = [](const auto& item) -> const Felt& { return item.class_hash; };
  ORCH_RETURN_IF_ERROR(CheckUnique(diff.storage_diffs, address, "storage_diffs"));
  for (const ContractStorageDiff& contract : diff.storage_diffs) {
    ORCH_RETURN_IF_ERROR(CheckUnique(
        contract.storage_entries, [](const StorageEntry& entry) { return entry.key; },
        fmt::format("storage_entries of contract {}", contract.address.ToHex())));
  }
  ORCH_RETURN_IF_ERROR(CheckUnique(diff.nonces, contract_address, "nonces"));
  ORCH_RETURN_IF_ERROR(CheckUnique(diff.deployed_contracts, address, "deployed_contracts"));
  ORCH_RETURN_IF_ERROR(CheckUnique(diff.replaced_classes, contract_address, "replaced_classes"));
  ORCH_RETURN_IF_ERROR(CheckUnique(diff.declared_classes, class_hash, "declared_classes"));
  ORCH_RETURN_IF_ERROR(CheckUnique(
      diff.deprecated_declared_classes, [](const Felt& hash) { return hash; },
      "deprecated_declared_classes"));
  return CheckUnique(diff.migrated_compiled_classes, class_hash, "migrated_compiled_classes");
}

void SortStateDiff(StateDiff& diff) {
  SortByFelt(diff.storage_diffs, [](const ContractStorageDiff& item) { return item.address; });
  for (ContractStorageDiff& contract : diff.storage_diffs) {
    SortByFelt(contract.storage_entries, [](const StorageEntry& entry) { return entry.key; });
  }
  SortByFelt(diff.nonces, [](const NonceUpdate& item) { return item.contract_address; });
  SortByFelt(diff.deployed_contracts, [](const DeployedContract& item) { return item.address; });
  SortByFelt(diff.replaced_classes,
             [](const ReplacedClass& item) { return item.contract_address; });
  SortByFelt(diff.declared_classes, [](const DeclaredClass& item) { return item.class_hash; });
  SortByFelt(diff.deprecated_declared_classes, [](const Felt& hash) { return hash; });
  SortByFelt(diff.migrated_compiled_classes,
             [](const MigratedCompiledClass& item) { return item.class_hash; });
}

}  // namespace orch::starknet
