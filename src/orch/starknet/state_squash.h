#pragma once

#include <optional>
#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/state_update.h"

// Squashing the state updates of consecutive blocks into the one state update of the range
// (upstream-behaviour.md §11.3, protocols.md §7.3): what the OS publishes for a batch.
namespace orch::starknet {

/// A storage slot of a contract.
struct StorageSlot {
  crypto::Felt contract_address;
  crypto::Felt key;

  friend bool operator==(const StorageSlot&, const StorageSlot&) = default;
};

/// The state at the last block before the squashed range (the "pre-range block", fixed by the
/// implementation, e.g. an RPC client bound to block N-1). Both calls take many keys at once so
/// that an RPC implementation can batch them.
///
/// Implementations decide their own thread-safety; squashing calls them from one thread.
class PreRangeState {
 public:
  virtual ~PreRangeState() = default;

  /// For each address, in order: its class hash at the pre-range block, or nullopt when no
  /// contract was deployed at it then (starknet_getClassHashAt error 20).
  /// Errors: kUnavailable / kTimeout (retryable), kInvalidArgument (a bad answer).
  virtual Result<std::vector<std::optional<crypto::Felt>>> GetClassHashes(
      std::span<const crypto::Felt> contract_addresses) = 0;

  /// For each slot, in order: its value at the pre-range block (0 if never written). Only
  /// asked for contracts that GetClassHashes reported deployed.
  /// Errors: as GetClassHashes.
  virtual Result<std::vector<crypto::Felt>> GetStorageValues(
      std::span<const StorageSlot> slots) = 0;
};

/// Squashes `updates` (consecutive blocks, oldest first) and drops what the range did not
/// change relative to `pre_range`:
///  - last write wins for storage values, nonces, deployed and replaced class hashes, declared
///    and migrated compiled class hashes; deprecated classes are united;
///  - a contract both deployed and replaced in the range is listed as deployed with the
///    replaced (final) class;
///  - a storage entry equal to its pre-range value is dropped (a contract not deployed before
///    the range has only zeros there), and so is a contract left without entries;
///  - a replaced class equal to the contract's pre-range class is dropped;
///  - old_root comes from the first update, block_hash and new_root from the last;
///  - every list is sorted (SortStateDiff).
/// Errors: kInvalidArgument (no updates, a list of an update repeats a key), kInternal
/// (`pre_range` answered with the wrong number of values), and the errors of `pre_range`.
Result<StateUpdate> SquashStateUpdates(std::span<const StateUpdate> updates,
                                       PreRangeState& pre_range);

/// As above for a range that starts at the genesis block, where nothing exists before it: the
/// pre-range value of every slot is 0, so zero writes are dropped, and replaced classes are
/// all kept.
/// Errors: kInvalidArgument (no updates, a list of an update repeats a key).
Result<StateUpdate> SquashStateUpdates(std::span<const StateUpdate> updates);

}  // namespace orch::starknet
