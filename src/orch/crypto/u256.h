#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"
#include "orch/crypto/limbs.h"

namespace orch::crypto {

/// A 256-bit unsigned integer: ABI words, BLS12-381 field values, scalars before reduction.
/// The arithmetic operators wrap modulo 2^256 (like an unchecked Solidity block); the Checked*
/// functions report overflow instead. A plain value: thread-compatible, no invariants.
class U256 {
 public:
  using Limbs = internal::Limbs;

  struct DivModResult;
  struct DivModSmallResult;

  constexpr U256() = default;
  constexpr explicit U256(std::uint64_t value) : limbs_{value, 0, 0, 0} {}
  constexpr explicit U256(const Limbs& limbs) : limbs_(limbs) {}

  /// Hexadecimal with or without "0x"/"0X", 1 to 64 digits, either case.
  static Result<U256> FromHex(std::string_view text);
  /// Decimal digits only (no sign, no separators), at most 2^256 - 1.
  static Result<U256> FromDecimal(std::string_view text);
  /// Hexadecimal when prefixed with "0x"/"0X", decimal otherwise.
  static Result<U256> Parse(std::string_view text);
  /// Big-endian bytes, at most 32 (shorter inputs are left-padded with zeros).
  static Result<U256> FromBytesBe(std::span<const std::uint8_t> bytes);
  /// A 32-byte big-endian word (ABI word, bytes32).
  static U256 FromWord(std::span<const std::uint8_t, 32> word);
  /// A compile-time constant from 1 to 64 hex digits (optional "0x"); bad input does not compile.
  static consteval U256 FromHexLiteral(std::string_view text);

  static constexpr U256 Max() { return U256(Limbs{~0ULL, ~0ULL, ~0ULL, ~0ULL}); }

  /// The 32-byte big-endian word.
  std::array<std::uint8_t, 32> ToBytesBe() const;
  /// "0x" and lowercase digits without leading zeros ("0x0" for zero).
  std::string ToHex() const;
  /// "0x" and exactly 64 lowercase digits.
  std::string ToPaddedHex() const;
  std::string ToDecimal() const;
  /// The value if it fits in 64 bits.
  std::optional<std::uint64_t> ToUint64() const;

  constexpr const Limbs& limbs() const { return limbs_; }
  constexpr bool IsZero() const { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  /// Bit `index` (0 = least significant); false for index >= 256.
  constexpr bool Bit(unsigned index) const {
    return index < 256 && ((limbs_[index / 64] >> (index % 64)) & 1) != 0;
  }
  /// Number of significant bits (0 for zero).
  constexpr unsigned BitLength() const {
    for (int i = 3; i >= 0; --i) {
      if (limbs_[i] != 0) {
        return static_cast<unsigned>(64 * i + 64 - std::countl_zero(limbs_[i]));
      }
    }
    return 0;
  }

  friend U256 operator+(const U256& a, const U256& b);
  friend U256 operator-(const U256& a, const U256& b);
  friend U256 operator*(const U256& a, const U256& b);
  /// Division by zero is a programmer error (checked).
  friend U256 operator/(const U256& a, const U256& b);
  friend U256 operator%(const U256& a, const U256& b);
  /// Shifts of 256 bits or more give zero.
  friend U256 operator<<(const U256& a, unsigned shift);
  friend U256 operator>>(const U256& a, unsigned shift);
  friend U256 operator&(const U256& a, const U256& b);
  friend U256 operator|(const U256& a, const U256& b);

  U256& operator+=(const U256& other) { return *this = *this + other; }
  U256& operator-=(const U256& other) { return *this = *this - other; }
  U256& operator*=(const U256& other) { return *this = *this * other; }

  /// Quotient and remainder; a zero divisor is a programmer error (checked).
  DivModResult DivMod(const U256& divisor) const;
  DivModSmallResult DivModSmall(std::uint64_t divisor) const;

  /// nullopt when the exact result does not fit in 256 bits (or is negative).
  static std::optional<U256> CheckedAdd(const U256& a, const U256& b);
  static std::optional<U256> CheckedSub(const U256& a, const U256& b);
  static std::optional<U256> CheckedMul(const U256& a, const U256& b);

  friend constexpr bool operator==(const U256& a, const U256& b) = default;
  friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) {
    for (int i = 3; i >= 0; --i) {
      if (a.limbs_[i] != b.limbs_[i]) {
        return a.limbs_[i] <=> b.limbs_[i];
      }
    }
    return std::strong_ordering::equal;
  }

 private:
  Limbs limbs_{};
};

struct U256::DivModResult {
  U256 quotient;
  U256 remainder;
};

struct U256::DivModSmallResult {
  U256 quotient;
  std::uint64_t remainder;
};

consteval U256 U256::FromHexLiteral(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 64) {
    throw "a U256 hex literal has 1 to 64 digits";
  }
  Limbs limbs{};
  for (const char c : text) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint64_t>(c - 'A' + 10);
    } else {
      throw "not a hex digit";
    }
    limbs[3] = (limbs[3] << 4) | (limbs[2] >> 60);
    limbs[2] = (limbs[2] << 4) | (limbs[1] >> 60);
    limbs[1] = (limbs[1] << 4) | (limbs[0] >> 60);
    limbs[0] = (limbs[0] << 4) | digit;
  }
  return U256(limbs);
}

}  // namespace orch::crypto
