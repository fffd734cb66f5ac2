#pragma once

#include <cstdint>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/starknet_version.h"

namespace orch::starknet {

/// The DA word ("packed contract header") that follows a contract's address in the DA layout
/// (protocols.md §7.2):
///  - before 0.13.3: class_flag·2^128 + nonce·2^64 + n_updates;
///  - from 0.13.3 (OS state/output.cairo): ((nonce·bound + n_updates)·2 + small)·2 + class_flag
///    with small = n_updates < 256 and bound = 2^8 if small, else 2^64.
/// `class_updated` says whether a class hash follows (deployed or replaced); `nonce` is the
/// contract's nonce (0 when the layout leaves it out); `n_updates` counts its storage entries.
/// Errors: kInvalidArgument (nonce not below 2^64: neither layout has room for it).
Result<crypto::Felt> EncodeDaWord(const StarknetVersion& version, bool class_updated,
                                  const crypto::Felt& nonce, std::uint64_t n_updates);

/// The fields of a DA word, as EncodeDaWord takes them.
struct DaWordFields {
  bool class_updated = false;
  /// Below 2^64.
  crypto::Felt nonce;
  std::uint64_t n_updates = 0;

  friend bool operator==(const DaWordFields&, const DaWordFields&) = default;
};

/// The inverse of EncodeDaWord: the fields of `word` in the layout of `version`.
///
/// Strict, so that EncodeDaWord(version, DecodeDaWord(version, w)) == w for every accepted w
/// (a decoder that accepted more would let two felt sequences decode to the same diff):
///  - before 0.13.3, no bit above the class flag (bit 128) may be set;
///  - from 0.13.3, no bit above the nonce field (bit 73 in the small form, 129 in the large),
///    and the large form only with n_updates >= 256: the OS writes smaller counts in the small
///    form (the sequencer's decoder would take either).
/// Errors: kInvalidArgument naming the word and the violated rule.
Result<DaWordFields> DecodeDaWord(const StarknetVersion& version, const crypto::Felt& word);

}  // namespace orch::starknet
