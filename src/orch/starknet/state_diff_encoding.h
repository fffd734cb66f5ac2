#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_update.h"

// State diff -> data-availability felts, the uncompressed layout of protocols.md §7.2:
//
//   [n_contracts,
//    per contract: address, DA word, [class hash if the class flag is set],
//                  (key, value) per storage entry,
//    n_classes,
//    per class: class_hash, compiled_class_hash]
//
// Encoding is two steps: collect a DaStateDiff (which contracts and classes appear, in which
// order, with which nonce and class) and serialise it with the DA word of a Starknet version.
// Two sets of collection rules exist (upstream-behaviour.md §11.2):
//  - CollectLegacyDaStateDiff: the per-block DA job of Starknet <= 0.13.2, whose OS published
//    full nonces (looked up when the diff lacks them). EncodeLegacyStateDiff does both steps;
//    its bytes are those of the 0.13.2 OS (checked against mainnet blobs).
//  - CollectDaStateDiff: the >= 0.13.3 layout that the compressions work on, for one block or a
//    squashed range. The pipeline is: SquashStateUpdates (state_squash.h), CollectDaStateDiff,
//    from 0.13.4 ApplyAliases (stateful_compression.h), SerializeDaStateDiff, then the
//    stateless compression.
namespace orch::starknet {

/// One contract's record in the DA layout.
struct ContractDaRecord {
  crypto::Felt address;
  /// 0 when the layout leaves the nonce out.
  crypto::Felt nonce;
  /// The deployed or replaced class: set means class flag 1 and a class hash after the word.
  std::optional<crypto::Felt> class_hash;
  std::vector<StorageEntry> storage_entries;

  friend bool operator==(const ContractDaRecord&, const ContractDaRecord&) = default;
};

/// A state diff in the shape and order of the DA layout: serialising it is a straight walk.
struct DaStateDiff {
  std::vector<ContractDaRecord> contracts;
  std::vector<DeclaredClass> classes;

  friend bool operator==(const DaStateDiff&, const DaStateDiff&) = default;
};

/// The DA job rules of Starknet <= 0.13.2 for the diff of block `block_number`:
///  - contracts: every storage-diff address, plus every nonce or deployed address (with no
///    storage entries); an address that only had its class replaced is left out;
///  - contracts sorted by address, their entries by key;
///  - class: deployed_contracts[address], else replaced_classes[address];
///  - nonce: nonces[address]; if absent and the contract has storage entries and is not 0x1 or
///    0x2 (system contracts, which have no nonce), `nonce_source` at `block_number`; else 0;
///  - classes: declared_classes sorted by class hash (not deprecated or migrated classes).
/// Errors: kInvalidArgument (a list repeats a key, see ValidateStateDiff), and the errors of
/// `nonce_source`.
Result<DaStateDiff> CollectLegacyDaStateDiff(const StateDiff& diff, std::uint64_t block_number,
                                             NonceSource& nonce_source);

/// The rules of Starknet >= 0.13.3 (the input of the compressions):
///  - contracts: storage-diff, nonce, deployed and replaced-class addresses, sorted by address,
///    entries sorted by key; a contract with no entries, no nonce and no class is left out
///    (the OS writes only contracts that changed);
///  - class: deployed_contracts[address], else replaced_classes[address];
///  - nonce: nonces[address], else 0 (the OS writes the nonce only when it changed; no
///    lookup);
///  - classes: declared_classes and migrated_compiled_classes (Starknet 0.14.1, SNIP-34: the
///    new compiled class hash) together, sorted by class hash.
/// Errors: kInvalidArgument (a list repeats a key, or a class is both declared and migrated).
Result<DaStateDiff> CollectDaStateDiff(const StateDiff& diff);

/// The DA felts of `diff` in its order, with the DA word of `version` (da_word.h).
/// Errors: kInvalidArgument (a nonce not below 2^64).
Result<std::vector<crypto::Felt>> SerializeDaStateDiff(const DaStateDiff& diff,
                                                       const StarknetVersion& version);

/// CollectLegacyDaStateDiff, serialised with the 0.13.2 DA word: the uncompressed DA felts the
/// Starknet <= 0.13.2 OS published for block `block_number`.
/// Errors: as CollectLegacyDaStateDiff and SerializeDaStateDiff.
Result<std::vector<crypto::Felt>> EncodeLegacyStateDiff(const StateDiff& diff,
                                                        std::uint64_t block_number,
                                                        NonceSource& nonce_source);

}  // namespace orch::starknet
