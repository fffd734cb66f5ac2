#pragma once

#include <vector>

#include "orch/crypto/stark_curve.h"
#include "orch/crypto/u256.h"

namespace orch::crypto {

/// Precomputed multiples of one Stark-curve point, for scalar multiplication by table lookups
/// and additions only. The scalar is recoded into signed 10-bit digits d_w in [-512, 512]
/// (scalar = Σ d_w·2^(10w)); entry (w, |d|) holds |d|·2^(10w)·base, and a negative digit adds
/// the negated entry. A 248-bit scalar costs 25 mixed additions and no doubling. Memory: 512
/// points of 64 bytes (32 KB) per window, about 0.8 MB for 248 or 252 bits.
///
/// Immutable after construction, so thread-safe. Not constant-time (the lookups depend on the
/// scalar).
class FixedBaseTable {
 public:
  FixedBaseTable(const AffinePoint& base, unsigned scalar_bits);

  /// accumulator + scalar·base. The scalar must be below 2^scalar_bits (checked).
  JacobianPoint MultiplyAdd(const JacobianPoint& accumulator, const U256& scalar) const;

 private:
  static constexpr unsigned kWindowBits = 10;
  static constexpr unsigned kEntries = 1U << (kWindowBits - 1);  // digits 1..512 per window

  unsigned scalar_bits_;
  unsigned windows_;
  std::vector<AffinePoint> points_;  // window-major: (w, d) at w·kEntries + d - 1
};

}  // namespace orch::crypto
