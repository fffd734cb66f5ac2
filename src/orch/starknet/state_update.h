#pragma once

#include <optional>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// The state update of a block (or of a squashed range of blocks), as the Starknet JSON-RPC
// method starknet_getStateUpdate returns it. Plain values: the lists keep the order they were
// given in; the encoders sort what the DA layout needs sorted.
namespace orch::starknet {

struct StorageEntry {
  crypto::Felt key;
  crypto::Felt value;

  friend bool operator==(const StorageEntry&, const StorageEntry&) = default;
};

/// The storage writes of one contract.
struct ContractStorageDiff {
  crypto::Felt address;
  std::vector<StorageEntry> storage_entries;

  friend bool operator==(const ContractStorageDiff&, const ContractStorageDiff&) = default;
};

/// The nonce of a contract after the block.
struct NonceUpdate {
  crypto::Felt contract_address;
  crypto::Felt nonce;

  friend bool operator==(const NonceUpdate&, const NonceUpdate&) = default;
};

struct DeployedContract {
  crypto::Felt address;
  crypto::Felt class_hash;

  friend bool operator==(const DeployedContract&, const DeployedContract&) = default;
};

/// A contract whose class was replaced (replace_class syscall).
struct ReplacedClass {
  crypto::Felt contract_address;
  crypto::Felt class_hash;

  friend bool operator==(const ReplacedClass&, const ReplacedClass&) = default;
};

/// A Sierra (Cairo 1) class and the hash of its compiled (CASM) class.
struct DeclaredClass {
  crypto::Felt class_hash;
  crypto::Felt compiled_class_hash;

  friend bool operator==(const DeclaredClass&, const DeclaredClass&) = default;
};

/// A class whose compiled class hash was recomputed with the new hash function (SNIP-34,
/// Starknet 0.14.1): the new compiled class hash.
struct MigratedCompiledClass {
  crypto::Felt class_hash;
  crypto::Felt compiled_class_hash;

  friend bool operator==(const MigratedCompiledClass&, const MigratedCompiledClass&) = default;
};

struct StateDiff {
  std::vector<ContractStorageDiff> storage_diffs;
  std::vector<NonceUpdate> nonces;
  std::vector<DeployedContract> deployed_contracts;
  std::vector<ReplacedClass> replaced_classes;
  std::vector<DeclaredClass> declared_classes;
  /// Cairo 0 classes: their hashes only; they are not part of the DA encoding.
  std::vector<crypto::Felt> deprecated_declared_classes;
  /// Empty before Starknet 0.14.1.
  std::vector<MigratedCompiledClass> migrated_compiled_classes;

  friend bool operator==(const StateDiff&, const StateDiff&) = default;
};

/// A closed block has all three roots/hashes. A pending (pre-confirmed) block has neither
/// block_hash nor new_root, and may lack old_root (JSON-RPC 0.9 made it optional).
struct StateUpdate {
  std::optional<crypto::Felt> block_hash;
  std::optional<crypto::Felt> old_root;
  std::optional<crypto::Felt> new_root;
  StateDiff state_diff;

  friend bool operator==(const StateUpdate&, const StateUpdate&) = default;
};

/// Checks that every list of `diff` is a map, as in the protocol: no contract twice in
/// storage_diffs, nonces, deployed_contracts or replaced_classes, no key twice in one contract's
/// storage entries, no class twice in declared_classes, deprecated_declared_classes or
/// migrated_compiled_classes. A duplicate would make the DA encoding ambiguous.
/// Errors: kInvalidArgument naming the list and the repeated value.
Result<void> ValidateStateDiff(const StateDiff& diff);

/// Sorts every list of `diff` by its key, numerically: storage diffs by address and each one's
/// entries by key, nonces, deployed contracts and replaced classes by address, the class lists
/// by class hash. The canonical order of squashed updates and of the DA layout.
void SortStateDiff(StateDiff& diff);

}  // namespace orch::starknet
