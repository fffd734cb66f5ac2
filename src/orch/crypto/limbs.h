#pragma once

// Helpers on 4×64-bit limbs shared by U256 and Montgomery<>, constexpr so that constants are
// computed at compile time. On x86-64 the carry chains use the add/sub-with-carry intrinsics
// (GCC and clang) at run time: GCC 12 does not turn the portable loops into adc/sbb chains, and the
// builtins make a field addition about four times faster. Constant evaluation takes the portable
// path.

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace orch::crypto::internal {

__extension__ typedef unsigned __int128 Uint128;

/// Little-endian 64-bit limbs of a 256-bit value: limbs[0] holds the lowest 64 bits.
using Limbs = std::array<std::uint64_t, 4>;

/// out = a - b mod 2^256; returns the borrow out of the top limb (0 or 1). `out` may alias.
constexpr std::uint64_t SubWithBorrow(const Limbs& a, const Limbs& b, Limbs& out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r0 = 0;
    unsigned long long r1 = 0;
    unsigned long long r2 = 0;
    unsigned long long r3 = 0;
    unsigned char borrow = _subborrow_u64(0, a[0], b[0], &r0);
    borrow = _subborrow_u64(borrow, a[1], b[1], &r1);
    borrow = _subborrow_u64(borrow, a[2], b[2], &r2);
    borrow = _subborrow_u64(borrow, a[3], b[3], &r3);
    out = {r0, r1, r2, r3};
    return borrow;
  }
#endif
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const Uint128 d = static_cast<Uint128>(a[i]) - b[i] - borrow;
    out[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}

/// out = a + b mod 2^256; returns the carry out of the top limb (0 or 1). `out` may alias.
constexpr std::uint64_t AddWithCarry(const Limbs& a, const Limbs& b, Limbs& out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r0 = 0;
    unsigned long long r1 = 0;
    unsigned long long r2 = 0;
    unsigned long long r3 = 0;
    unsigned char carry = _addcarry_u64(0, a[0], b[0], &r0);
    carry = _addcarry_u64(carry, a[1], b[1], &r1);
    carry = _addcarry_u64(carry, a[2], b[2], &r2);
    carry = _addcarry_u64(carry, a[3], b[3], &r3);
    out = {r0, r1, r2, r3};
    return carry;
  }
#endif
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const Uint128 s = static_cast<Uint128>(a[i]) + b[i] + carry;
    out[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  return carry;
}

/// `when_zero` if condition is 0, else `when_one`, without a branch: after a modular addition
/// the condition is a coin flip, and a mispredicted branch costs more than the addition.
constexpr Limbs Select(std::uint64_t condition, const Limbs& when_zero, const Limbs& when_one) {
  const std::uint64_t mask = 0 - static_cast<std::uint64_t>(condition != 0);
  return {when_zero[0] ^ ((when_zero[0] ^ when_one[0]) & mask),
          when_zero[1] ^ ((when_zero[1] ^ when_one[1]) & mask),
          when_zero[2] ^ ((when_zero[2] ^ when_one[2]) & mask),
          when_zero[3] ^ ((when_zero[3] ^ when_one[3]) & mask)};
}

/// a < b as unsigned integers.
constexpr bool LessThan(const Limbs& a, const Limbs& b) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) {
      return a[i] < b[i];
    }
  }
  return false;
}

}  // namespace orch::crypto::internal
