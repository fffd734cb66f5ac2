#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"
#include "orch/crypto/montgomery.h"
#include "orch/crypto/u256.h"

namespace orch::crypto {

namespace internal {
struct StarkPrime {
  static constexpr Limbs kValue = {1, 0, 0, 0x0800000000000011};
};
using StarkField = Montgomery<StarkPrime>;
}  // namespace internal

/// An element of the Stark field F_P, P = 2^251 + 17·2^192 + 1 (Starknet's felt252).
///
/// Kept in Montgomery form and always fully reduced, so equality is limb equality. Conversions
/// from integers, text and bytes reject values >= P with an error; only functions whose name
/// says "Reduce" reduce silently. Ordering compares the integer values in [0, P).
/// A plain value: thread-compatible.
class Felt {
 public:
  /// Zero.
  constexpr Felt() = default;

  static constexpr Felt FromUint64(std::uint64_t value) {
    return FromMontgomery(internal::StarkField::ToMontgomery({value, 0, 0, 0}));
  }
  /// A compile-time constant from hex (optional "0x"); bad digits or a value >= P do not compile.
  static consteval Felt FromHexLiteral(std::string_view text);
  /// Fails when the value is >= P.
  static Result<Felt> FromU256(const U256& value);
  /// Hexadecimal with or without "0x", 1 to 64 digits, either case, below P.
  static Result<Felt> FromHex(std::string_view text);
  /// Decimal digits, below P.
  static Result<Felt> FromDecimal(std::string_view text);
  /// Hexadecimal when prefixed with "0x"/"0X", decimal otherwise (Cairo and JSON-RPC forms).
  static Result<Felt> Parse(std::string_view text);
  /// Big-endian bytes, at most 32, below P.
  static Result<Felt> FromBytesBe(std::span<const std::uint8_t> bytes);
  /// Big-endian bytes of any length, reduced modulo P.
  static Felt ReduceBytesBe(std::span<const std::uint8_t> bytes);
  /// Cairo short string: up to 31 ASCII characters (no NUL) as a big-endian integer, e.g.
  /// 'SN_SEPOLIA' -> 0x534e5f5345504f4c4941.
  static Result<Felt> FromShortString(std::string_view text);

  static constexpr U256 Modulus() { return U256(internal::StarkField::kModulus); }
  static constexpr Felt One() { return FromMontgomery(internal::StarkField::kOne); }
  /// P - 1, the largest felt.
  static constexpr Felt Max() { return -One(); }

  U256 ToU256() const { return U256(internal::StarkField::FromMontgomery(montgomery_)); }
  /// The 32-byte big-endian encoding.
  std::array<std::uint8_t, 32> ToBytesBe() const { return ToU256().ToBytesBe(); }
  /// "0x" and lowercase digits without leading zeros, the JSON-RPC form ("0x0" for zero).
  std::string ToHex() const { return ToU256().ToHex(); }
  /// "0x" and exactly 64 lowercase digits.
  std::string ToPaddedHex() const { return ToU256().ToPaddedHex(); }
  std::string ToDecimal() const { return ToU256().ToDecimal(); }
  /// The Cairo short string this felt encodes; fails unless its bytes are ASCII without NUL.
  Result<std::string> ToShortString() const;

  constexpr bool IsZero() const {
    return (montgomery_[0] | montgomery_[1] | montgomery_[2] | montgomery_[3]) == 0;
  }

  friend constexpr Felt operator+(const Felt& a, const Felt& b) {
    return FromMontgomery(internal::StarkField::Add(a.montgomery_, b.montgomery_));
  }
  friend constexpr Felt operator-(const Felt& a, const Felt& b) {
    return FromMontgomery(internal::StarkField::Sub(a.montgomery_, b.montgomery_));
  }
  friend constexpr Felt operator*(const Felt& a, const Felt& b) {
    return FromMontgomery(internal::StarkField::Mul(a.montgomery_, b.montgomery_));
  }
  constexpr Felt operator-() const {
    return FromMontgomery(internal::StarkField::Neg(montgomery_));
  }
  constexpr Felt& operator+=(const Felt& other) { return *this = *this + other; }
  constexpr Felt& operator-=(const Felt& other) { return *this = *this - other; }
  constexpr Felt& operator*=(const Felt& other) { return *this = *this * other; }

  constexpr Felt Square() const { return *this * *this; }
  constexpr Felt Double() const { return *this + *this; }
  /// this^exponent.
  Felt Pow(const U256& exponent) const;
  /// The multiplicative inverse. Inverting zero is a programmer error (checked).
  Felt Inverse() const;
  /// One of the two square roots, or nullopt when this is not a square.
  std::optional<Felt> Sqrt() const;

  friend constexpr bool operator==(const Felt& a, const Felt& b) = default;
  friend std::strong_ordering operator<=>(const Felt& a, const Felt& b) {
    return a.ToU256() <=> b.ToU256();
  }

 private:
  static constexpr Felt FromMontgomery(const internal::Limbs& limbs) {
    Felt felt;
    felt.montgomery_ = limbs;
    return felt;
  }

  internal::Limbs montgomery_{};
};

consteval Felt Felt::FromHexLiteral(std::string_view text) {
  const U256 value = U256::FromHexLiteral(text);
  if (!internal::StarkField::LessThanModulus(value.limbs())) {
    throw "a felt literal must be below P";
  }
  return FromMontgomery(internal::StarkField::ToMontgomery(value.limbs()));
}

}  // namespace orch::crypto
