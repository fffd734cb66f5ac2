#pragma once

#include <array>
#include <span>

#include "orch/crypto/felt.h"

namespace orch::crypto {

// Starknet's Poseidon hash (protocols spec A.2): the Hades permutation over F_P with width 3,
// 4 + 83 + 4 rounds and the x^3 S-box. The round constants are derived on first use; every
// function is thread-safe.

/// Applies the permutation in place.
void PoseidonPermute(std::array<Felt, 3>& state);

/// permute([a, b, 2])[0].
Felt PoseidonHash(const Felt& a, const Felt& b);

/// permute([x, 0, 1])[0].
Felt PoseidonHashSingle(const Felt& x);

/// The sponge over any number of felts (Cairo's poseidon_hash_span): the input is padded with
/// 1 and then 0 to an even length, each pair is added to the first two lanes and permuted, and
/// the first lane is the hash.
Felt PoseidonHashMany(std::span<const Felt> values);

}  // namespace orch::crypto
