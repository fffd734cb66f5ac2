#include "orch/crypto/felt.h"

#include "orch/common/check.h"

namespace orch::crypto {
namespace {

constexpr std::size_t kMaxShortStringLength = 31;
constexpr std::uint8_t kMaxAscii = 0x7f;

// P - 1 = 2^192 · kOddPart: Tonelli-Shanks works in the subgroup of order 2^192.
constexpr int kTwoAdicity = 192;
constexpr U256 kOddPart = U256((1ULL << 59) + 17);
// 3 is a quadratic non-residue modulo P (Euler's criterion; felt_test checks it), so 3^kOddPart
// generates the 2^192-order subgroup.
constexpr Felt kNonResidue = Felt::FromUint64(3);

Felt SquareTimes(Felt value, int times) {
  for (int i = 0; i < times; ++i) {
    value = value.Square();
  }
  return value;
}

Result<Felt> CheckBelowModulus(const U256& value, std::string_view text) {
  if (value >= Felt::Modulus()) {
    return Error::InvalidArgument("'{}' is not a felt: it is not below the Stark prime P", text);
  }
  return Felt::FromU256(value);
}

}  // namespace

Result<Felt> Felt::FromU256(const U256& value) {
  if (!internal::StarkField::LessThanModulus(value.limbs())) {
    return Error::InvalidArgument("{} is not a felt: it is not below the Stark prime P",
                                  value.ToHex());
  }
  return FromMontgomery(internal::StarkField::ToMontgomery(value.limbs()));
}

Result<Felt> Felt::FromHex(std::string_view text) {
  ORCH_ASSIGN_OR_RETURN(const U256 value, U256::FromHex(text));
  return CheckBelowModulus(value, text);
}

Result<Felt> Felt::FromDecimal(std::string_view text) {
  ORCH_ASSIGN_OR_RETURN(const U256 value, U256::FromDecimal(text));
  return CheckBelowModulus(value, text);
}

Result<Felt> Felt::Parse(std::string_view text) {
  ORCH_ASSIGN_OR_RETURN(const U256 value, U256::Parse(text));
  return CheckBelowModulus(value, text);
}

Result<Felt> Felt::FromBytesBe(std::span<const std::uint8_t> bytes) {
  ORCH_ASSIGN_OR_RETURN(const U256 value, U256::FromBytesBe(bytes));
  return FromU256(value);
}

Felt Felt::ReduceBytesBe(std::span<const std::uint8_t> bytes) {
  const Felt kByteBase = FromUint64(256);
  Felt result;
  for (const std::uint8_t byte : bytes) {
    result = result * kByteBase + FromUint64(byte);
  }
  return result;
}

Result<Felt> Felt::FromShortString(std::string_view text) {
  if (text.size() > kMaxShortStringLength) {
    return Error::InvalidArgument("short string '{}' is longer than {} characters", text,
                                  kMaxShortStringLength);
  }
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<std::uint8_t>(text[i]);
    if (c == 0 || c > kMaxAscii) {
      return Error::InvalidArgument(
          "short string has a character that is not ASCII or is NUL at position {}", i);
    }
    bytes[32 - text.size() + i] = c;
  }
  return FromU256(U256::FromWord(bytes));
}

Result<std::string> Felt::ToShortString() const {
  const auto bytes = ToBytesBe();
  std::string text;
  for (const std::uint8_t byte : bytes) {
    if (byte == 0 && text.empty()) {
      continue;
    }
    if (byte == 0 || byte > kMaxAscii) {
      return Error::InvalidArgument("{} is not a short string: byte 0x{:02x} is not ASCII", ToHex(),
                                    byte);
    }
    text.push_back(static_cast<char>(byte));
  }
  if (text.size() > kMaxShortStringLength) {
    return Error::InvalidArgument("{} is not a short string: it has 32 characters", ToHex());
  }
  return text;
}

Felt Felt::Pow(const U256& exponent) const {
  return FromMontgomery(internal::StarkField::Pow(montgomery_, exponent.limbs()));
}

Felt Felt::Inverse() const {
  ORCH_CHECK(!IsZero(), "inverse of the zero felt");
  // x^(P-2) with P - 2 = 2^251 + 2^196 + (2^192 - 1): build x^(2^59 + 2^4), then append the
  // 192 one bits eight at a time with x^(2^8 - 1). 258 squarings and 28 multiplications, where
  // plain square-and-multiply needs 251 and 194.
  const Felt& x = *this;
  const Felt ones2 = x.Square() * x;
  const Felt ones4 = SquareTimes(ones2, 2) * ones2;
  const Felt ones8 = SquareTimes(ones4, 4) * ones4;
  Felt result = SquareTimes(x, 55) * x;
  result = SquareTimes(result, 4);
  for (int i = 0; i < 24; ++i) {
    result = SquareTimes(result, 8) * ones8;
  }
  return result;
}

std::optional<Felt> Felt::Sqrt() const {
  if (IsZero()) {
    return Felt();
  }
  // Tonelli-Shanks. Invariant: root^2 = this · t, with t of order dividing 2^order_log.
  static const Felt kSubgroupGenerator = kNonResidue.Pow(kOddPart);
  Felt generator = kSubgroupGenerator;
  Felt t = Pow(kOddPart);
  Felt root = Pow((kOddPart + U256(1)) >> 1);
  int order_log = kTwoAdicity;
  while (t != One()) {
    int i = 1;
    Felt t_power = t.Square();
    while (t_power != One()) {
      t_power = t_power.Square();
      ++i;
      if (i == order_log) {
        return std::nullopt;
      }
    }
    const Felt b = SquareTimes(generator, order_log - i - 1);
    order_log = i;
    generator = b.Square();
    t *= generator;
    root *= b;
  }
  return root;
}

}  // namespace orch::crypto
