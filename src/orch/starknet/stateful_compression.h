#pragma once

#include <map>
#include <optional>
#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/state_diff_encoding.h"

// Stateful compression (Starknet >= 0.13.4, protocols.md §7.3, upstream-behaviour.md §11.4):
// the OS replaces contract addresses and storage keys by short aliases. The alias registry is
// the storage of the system contract 0x2: key -> alias (slot 0 holds the allocation counter).
namespace orch::starknet {

/// The block-hash system contract: the OS writes the hash of block N - 10 at that key in
/// block N.
inline constexpr crypto::Felt kBlockHashContractAddress = crypto::Felt::FromUint64(1);
/// The alias registry contract.
inline constexpr crypto::Felt kAliasContractAddress = crypto::Felt::FromUint64(2);
/// Addresses and keys below this are never aliased (they are already short).
inline constexpr crypto::Felt kMinValueForAlias = crypto::Felt::FromUint64(128);

/// Reads aliases from the registry's storage at a fixed block (chosen by the implementation:
/// the state the batch's aliases were allocated against, e.g. an RPC client bound to the
/// batch's last block). Takes many keys at once so that an RPC implementation can batch them.
///
/// Implementations decide their own thread-safety; ApplyAliases calls them from one thread.
class AliasSource {
 public:
  virtual ~AliasSource() = default;

  /// For each key, in order: its alias (the value of slot `key` of contract 0x2), or nullopt
  /// when it has none (the slot is 0).
  /// Errors: kUnavailable / kTimeout (retryable), kInvalidArgument (a bad answer).
  virtual Result<std::vector<std::optional<crypto::Felt>>> GetAliases(
      std::span<const crypto::Felt> keys) = 0;
};

/// An AliasSource answering from a fixed table (key -> alias): recorded registry storage, or
/// aliases an operator supplies. Keys it does not hold have no alias. Immutable: thread-safe.
class TableAliasSource final : public AliasSource {
 public:
  explicit TableAliasSource(std::map<crypto::Felt, crypto::Felt> aliases);

  Result<std::vector<std::optional<crypto::Felt>>> GetAliases(
      std::span<const crypto::Felt> keys) override;

 private:
  std::map<crypto::Felt, crypto::Felt> aliases_;
};

/// Replaces, in `diff`, the address of every contract at or above kMinValueForAlias by its
/// alias, and in those contracts every storage key at or above it. Contracts below it (0x1,
/// 0x2, ...) keep their address and keys; values and class hashes are never aliased.
///
/// Aliases come from the diff's own writes to 0x2 first (aliases allocated in this range),
/// then from `aliases`. A zero alias counts as none.
///
/// Order: the records and entries keep the order of `diff`, so a diff from CollectDaStateDiff
/// stays sorted by *original* address and key. That is the OS order (it sorts the squashed
/// state, then substitutes); the reference orchestrator sorts again after substituting,
/// which changes the bytes whenever aliases do not increase with their keys.
///
/// Errors: kNotFound (an address or key without an alias: the diff and the registry state do
/// not belong together), kInternal (`aliases` answered with the wrong number of values), and
/// the errors of `aliases`.
Result<DaStateDiff> ApplyAliases(DaStateDiff diff, AliasSource& aliases);

}  // namespace orch::starknet
