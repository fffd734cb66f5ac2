#pragma once

#include <cstddef>
#include <cstdint>

#include "orch/crypto/limbs.h"

namespace orch::crypto::internal {

// Returns the low word of a·b + c + d and sets `high` to its high word (the sum cannot
// overflow 128 bits).
constexpr std::uint64_t MulAdd(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d,
                               std::uint64_t& high) {
  const Uint128 result = static_cast<Uint128>(a) * b + c + d;
  high = static_cast<std::uint64_t>(result >> 64);
  return static_cast<std::uint64_t>(result);
}

// (a + b) mod m for a, b < m < 2^255.
constexpr Limbs AddModulo(const Limbs& a, const Limbs& b, const Limbs& m) {
  Limbs sum{};
  AddWithCarry(a, b, sum);
  Limbs reduced{};
  return Select(SubWithBorrow(sum, m, reduced), reduced, sum);
}

// 2^256 mod m: 2^256 - m as a wrapped 256-bit value, then reduced by repeated subtraction
// (m has at least 250 bits, so at most a few dozen steps, at compile time).
constexpr Limbs PowerOfTwo256Modulo(const Limbs& m) {
  Limbs r{};
  SubWithBorrow(Limbs{0, 0, 0, 0}, m, r);
  while (!LessThan(r, m)) {
    SubWithBorrow(r, m, r);
  }
  return r;
}

// 2^512 mod m: 2^256 mod m doubled 256 times.
constexpr Limbs PowerOfTwo512Modulo(const Limbs& m) {
  Limbs r = PowerOfTwo256Modulo(m);
  for (int i = 0; i < 256; ++i) {
    r = AddModulo(r, r, m);
  }
  return r;
}

// -m0^-1 mod 2^64 by Newton's iteration (each step doubles the number of correct low bits).
constexpr std::uint64_t NegativeInverse64(std::uint64_t m0) {
  std::uint64_t inverse = 1;
  for (int i = 0; i < 6; ++i) {
    inverse *= 2 - m0 * inverse;
  }
  return ~inverse + 1;
}

/// Arithmetic modulo an odd prime m < 2^254 on values in Montgomery form (x·2^256 mod m), so
/// that a multiplication needs no division. `Modulus::kValue` holds m's limbs. Everything is
/// constexpr so that curve constants are converted at compile time; with the modulus a
/// constant, the compiler folds away its zero limbs (the Stark prime has two).
///
/// Stateless; every function is pure. Not constant-time: comparisons and Pow branch on values.
template <typename Modulus>
struct Montgomery {
  static constexpr Limbs kModulus = Modulus::kValue;
  static_assert((kModulus[0] & 1) == 1, "the modulus must be odd");
  // Mul skips the carry out of the top limb, which is only sound when the top limb leaves
  // headroom (the "no-carry" condition of the CIOS method).
  static constexpr std::uint64_t kTopLimbBound = ~0ULL >> 2;
  static_assert(kModulus[3] < kTopLimbBound, "the modulus must be below 2^254");

  /// 1 in Montgomery form.
  static constexpr Limbs kOne = PowerOfTwo256Modulo(kModulus);

  static constexpr bool LessThanModulus(const Limbs& a) { return LessThan(a, kModulus); }

  static constexpr Limbs Add(const Limbs& a, const Limbs& b) { return AddModulo(a, b, kModulus); }

  static constexpr Limbs Sub(const Limbs& a, const Limbs& b) {
    Limbs difference{};
    const std::uint64_t borrow = SubWithBorrow(a, b, difference);
    Limbs corrected{};
    AddWithCarry(difference, kModulus, corrected);
    return Select(borrow, difference, corrected);
  }

  static constexpr Limbs Neg(const Limbs& a) {
    if ((a[0] | a[1] | a[2] | a[3]) == 0) {
      return a;
    }
    Limbs negated{};
    SubWithBorrow(kModulus, a, negated);
    return negated;
  }

  /// a·b·2^-256 mod m (CIOS, Koç et al.), for a and b below m.
  static constexpr Limbs Mul(const Limbs& a, const Limbs& b) {
    std::uint64_t t0 = 0;
    std::uint64_t t1 = 0;
    std::uint64_t t2 = 0;
    std::uint64_t t3 = 0;
    // One row: t = (t + a·b_i + factor·m) / 2^64, with factor chosen to clear the low word.
    const auto row = [&](std::uint64_t b_i) {
      std::uint64_t carry_product = 0;
      std::uint64_t carry_reduced = 0;
      const std::uint64_t low = MulAdd(a[0], b_i, t0, 0, carry_product);
      const std::uint64_t factor = low * kInverse;
      MulAdd(factor, kModulus[0], low, 0, carry_reduced);
      std::uint64_t sum = MulAdd(a[1], b_i, t1, carry_product, carry_product);
      t0 = MulAdd(factor, kModulus[1], sum, carry_reduced, carry_reduced);
      sum = MulAdd(a[2], b_i, t2, carry_product, carry_product);
      t1 = MulAdd(factor, kModulus[2], sum, carry_reduced, carry_reduced);
      sum = MulAdd(a[3], b_i, t3, carry_product, carry_product);
      t2 = MulAdd(factor, kModulus[3], sum, carry_reduced, carry_reduced);
      t3 = carry_product + carry_reduced;
    };
    row(b[0]);
    row(b[1]);
    row(b[2]);
    row(b[3]);
    const Limbs t = {t0, t1, t2, t3};
    Limbs reduced{};
    return Select(SubWithBorrow(t, kModulus, reduced), reduced, t);
  }

  static constexpr Limbs ToMontgomery(const Limbs& a) { return Mul(a, kRSquared); }
  static constexpr Limbs FromMontgomery(const Limbs& a) { return Mul(a, Limbs{1, 0, 0, 0}); }

  /// base^exponent, square-and-multiply from the top bit.
  static constexpr Limbs Pow(const Limbs& base, const Limbs& exponent) {
    Limbs result = kOne;
    for (int bit = 255; bit >= 0; --bit) {
      result = Mul(result, result);
      if (((exponent[bit / 64] >> (bit % 64)) & 1) != 0) {
        result = Mul(result, base);
      }
    }
    return result;
  }

  /// a^-1 by Fermat's little theorem (a^(m-2)); zero maps to zero.
  static constexpr Limbs Inverse(const Limbs& a) {
    Limbs exponent{};
    SubWithBorrow(kModulus, Limbs{2, 0, 0, 0}, exponent);
    return Pow(a, exponent);
  }

 private:
  static constexpr std::uint64_t kInverse = NegativeInverse64(kModulus[0]);
  static constexpr Limbs kRSquared = PowerOfTwo512Modulo(kModulus);
};

}  // namespace orch::crypto::internal
