#pragma once

#include <cstddef>
#include <span>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_diff_encoding.h"

// DA felts -> state diff: the inverse of SerializeDaStateDiff (state_diff_encoding.h), for the
// uncompressed layout of protocols.md §7.2. It reads what was published (a blob's felts after
// the inverse blob transform, and from 0.13.3 after DecompressStatelessPrefix); it does not
// undo aliases (0.13.4+), whose addresses and keys come back as the alias values.
namespace orch::starknet {

/// A decoded state diff and how many felts at the start of the input its encoding occupies.
struct DecodedDaStateDiff {
  DaStateDiff diff;
  std::size_t consumed = 0;
};

/// Decodes the state-diff encoding at the start of `felts`, with the DA word of `version`
/// (da_word.h), and ignores what follows it: a blob zero-pads the encoding to 4096 felts, and
/// whether the rest must be zero is the caller's business.
///
/// Exact inverse: for every accepted input, SerializeDaStateDiff(result.diff, version) equals
/// felts[0, result.consumed). To that end every DA word must be canonical (DecodeDaWord). Every
/// count is checked against the felts left before anything is allocated, so a corrupt count
/// fails fast instead of exhausting memory. It does not check that contracts, storage keys and
/// classes are sorted or distinct (the OS writes them so; SerializeDaStateDiff writes any
/// order).
/// Errors: kInvalidArgument naming the felt index and what was expected there (the data ends
/// early, a count larger than the felts left, a non-canonical DA word).
Result<DecodedDaStateDiff> DecodeDaStateDiff(std::span<const crypto::Felt> felts,
                                             const StarknetVersion& version);

}  // namespace orch::starknet
