#pragma once

#include <span>

#include "orch/crypto/felt.h"

namespace orch::crypto {

// Starknet's Pedersen hash (protocols spec A.1). The first call builds the lookup tables
// (about 1.6 MB, tens of milliseconds) once per process; every function is thread-safe.

/// x(P0 + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4), where a_low is the low 248 bits of a
/// and a_high the 4 bits above them (likewise for b).
Felt PedersenHash(const Felt& a, const Felt& b);

/// starknet's compute_hash_on_elements: h = 0; h = PedersenHash(h, x) for each element; then
/// PedersenHash(h, number of elements).
Felt PedersenHashOnElements(std::span<const Felt> elements);

}  // namespace orch::crypto
