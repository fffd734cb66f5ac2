#pragma once

#include <cstdint>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_update.h"
#include "orch/starknet/stateful_compression.h"

// The data-availability felts a Starknet OS of a given version publishes for a state diff: the
// one place where the version picks the encoding (protocols.md §7.2-§7.3).
namespace orch::starknet {

/// The DA felts of `diff` (one block, or a squashed range ending at `block_number`):
///  - <= 0.13.2: the uncompressed per-block encoding with the old DA word, nonces the diff
///    lacks looked up in `nonces` at `block_number` (EncodeLegacyStateDiff);
///  - 0.13.3: the new DA word, then the stateless compression;
///  - >= 0.13.4: as 0.13.3 with contract addresses and storage keys replaced by their aliases
///    (from the diff's own writes to 0x2, else `aliases`) before serialising.
/// `nonces` is asked only for <= 0.13.2, `aliases` only for >= 0.13.4.
/// Errors: those of the steps (kInvalidArgument for a malformed diff or a nonce >= 2^64,
/// kNotFound for a nonce or alias nobody knows, the sources' own errors).
Result<std::vector<crypto::Felt>> EncodeStateDiffForDa(const StateDiff& diff,
                                                       const StarknetVersion& version,
                                                       std::uint64_t block_number,
                                                       NonceSource& nonces, AliasSource& aliases);

}  // namespace orch::starknet
