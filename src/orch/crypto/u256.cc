#include "orch/crypto/u256.h"

#include <algorithm>
#include <cstddef>

#include "orch/common/check.h"

namespace orch::crypto {
namespace {

using internal::AddWithCarry;
using internal::SubWithBorrow;
using internal::Uint128;

constexpr std::size_t kMaxHexDigits = 64;
constexpr char kHexDigits[] = "0123456789abcdef";

// Error messages quote the input, but never more than this many characters of it.
constexpr std::size_t kMaxQuotedLength = 80;

std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedLength) {
    return fmt::format("'{}'", text);
  }
  return fmt::format("'{}...' ({} characters)", text.substr(0, kMaxQuotedLength), text.size());
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// a * factor + addend; the carry out of the top limb is returned in `overflow`.
U256::Limbs MulSmallAdd(const U256::Limbs& a, std::uint64_t factor, std::uint64_t addend,
                        std::uint64_t& overflow) {
  U256::Limbs out{};
  std::uint64_t carry = addend;
  for (std::size_t i = 0; i < 4; ++i) {
    const Uint128 product = static_cast<Uint128>(a[i]) * factor + carry;
    out[i] = static_cast<std::uint64_t>(product);
    carry = static_cast<std::uint64_t>(product >> 64);
  }
  overflow = carry;
  return out;
}

// The full 512-bit product, little-endian.
std::array<std::uint64_t, 8> MulWide(const U256::Limbs& a, const U256::Limbs& b) {
  std::array<std::uint64_t, 8> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const Uint128 product = static_cast<Uint128>(a[i]) * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint64_t>(product);
      carry = static_cast<std::uint64_t>(product >> 64);
    }
    out[i + 4] = carry;
  }
  return out;
}

}  // namespace

Result<U256> U256::FromHex(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
  }
  if (digits.empty()) {
    return Error::InvalidArgument("invalid hex number {}: no digits", Quote(text));
  }
  if (digits.size() > kMaxHexDigits) {
    return Error::InvalidArgument("invalid hex number {}: more than {} digits", Quote(text),
                                  kMaxHexDigits);
  }
  Limbs limbs{};
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const int digit = HexDigitValue(digits[i]);
    if (digit < 0) {
      return Error::InvalidArgument("invalid hex number {}: '{}' is not a hex digit", Quote(text),
                                    digits[i]);
    }
    const std::size_t position = digits.size() - 1 - i;  // in nibbles from the right
    limbs[position / 16] |= static_cast<std::uint64_t>(digit) << (4 * (position % 16));
  }
  return U256(limbs);
}

Result<U256> U256::FromDecimal(std::string_view text) {
  if (text.empty()) {
    return Error::InvalidArgument("invalid decimal number '': no digits");
  }
  Limbs limbs{};
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return Error::InvalidArgument("invalid decimal number {}: '{}' is not a decimal digit",
                                    Quote(text), c);
    }
    std::uint64_t overflow = 0;
    limbs = MulSmallAdd(limbs, 10, static_cast<std::uint64_t>(c - '0'), overflow);
    if (overflow != 0) {
      return Error::InvalidArgument("invalid decimal number {}: larger than 2^256 - 1",
                                    Quote(text));
    }
  }
  return U256(limbs);
}

Result<U256> U256::Parse(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    return FromHex(text);
  }
  return FromDecimal(text);
}

Result<U256> U256::FromBytesBe(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > 32) {
    return Error::InvalidArgument("a 256-bit number has at most 32 bytes, got {}", bytes.size());
  }
  std::array<std::uint8_t, 32> word{};
  std::copy(bytes.begin(), bytes.end(), word.end() - static_cast<std::ptrdiff_t>(bytes.size()));
  return FromWord(word);
}

U256 U256::FromWord(std::span<const std::uint8_t, 32> word) {
  Limbs limbs{};
  for (std::size_t i = 0; i < 32; ++i) {
    const std::size_t position = 31 - i;  // in bytes from the right
    limbs[position / 8] |= static_cast<std::uint64_t>(word[i]) << (8 * (position % 8));
  }
  return U256(limbs);
}

std::array<std::uint8_t, 32> U256::ToBytesBe() const {
  std::array<std::uint8_t, 32> word{};
  for (std::size_t i = 0; i < 32; ++i) {
    const std::size_t position = 31 - i;
    word[i] = static_cast<std::uint8_t>(limbs_[position / 8] >> (8 * (position % 8)));
  }
  return word;
}

std::string U256::ToPaddedHex() const {
  std::string out = "0x";
  out.reserve(2 + kMaxHexDigits);
  for (int nibble = 63; nibble >= 0; --nibble) {
    out.push_back(kHexDigits[(limbs_[nibble / 16] >> (4 * (nibble % 16))) & 0xf]);
  }
  return out;
}

std::string U256::ToHex() const {
  std::string padded = ToPaddedHex();
  const std::size_t first = padded.find_first_not_of('0', 2);
  if (first == std::string::npos) {
    return "0x0";
  }
  return "0x" + padded.substr(first);
}

std::string U256::ToDecimal() const {
  if (IsZero()) {
    return "0";
  }
  // Peel off 19 decimal digits at a time, the most that fit in one 64-bit remainder.
  constexpr std::uint64_t kChunk = 10'000'000'000'000'000'000ULL;
  constexpr int kChunkDigits = 19;
  std::string out;
  U256 rest = *this;
  while (!rest.IsZero()) {
    auto [quotient, remainder] = rest.DivModSmall(kChunk);
    for (int i = 0; i < kChunkDigits && !(quotient.IsZero() && remainder == 0); ++i) {
      out.push_back(static_cast<char>('0' + remainder % 10));
      remainder /= 10;
    }
    rest = quotient;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<std::uint64_t> U256::ToUint64() const {
  if ((limbs_[1] | limbs_[2] | limbs_[3]) != 0) {
    return std::nullopt;
  }
  return limbs_[0];
}

U256 operator+(const U256& a, const U256& b) {
  U256::Limbs out{};
  AddWithCarry(a.limbs_, b.limbs_, out);
  return U256(out);
}

U256 operator-(const U256& a, const U256& b) {
  U256::Limbs out{};
  SubWithBorrow(a.limbs_, b.limbs_, out);
  return U256(out);
}

U256 operator*(const U256& a, const U256& b) {
  const auto wide = MulWide(a.limbs_, b.limbs_);
  return U256(U256::Limbs{wide[0], wide[1], wide[2], wide[3]});
}

U256 operator/(const U256& a, const U256& b) { return a.DivMod(b).quotient; }

U256 operator%(const U256& a, const U256& b) { return a.DivMod(b).remainder; }

U256 operator<<(const U256& a, unsigned shift) {
  if (shift >= 256) {
    return U256();
  }
  const unsigned limb_shift = shift / 64;
  const unsigned bit_shift = shift % 64;
  U256::Limbs out{};
  for (int i = 3; i >= static_cast<int>(limb_shift); --i) {
    const int source = i - static_cast<int>(limb_shift);
    out[i] = a.limbs_[source] << bit_shift;
    if (bit_shift != 0 && source > 0) {
      out[i] |= a.limbs_[source - 1] >> (64 - bit_shift);
    }
  }
  return U256(out);
}

U256 operator>>(const U256& a, unsigned shift) {
  if (shift >= 256) {
    return U256();
  }
  const unsigned limb_shift = shift / 64;
  const unsigned bit_shift = shift % 64;
  U256::Limbs out{};
  for (unsigned i = 0; i + limb_shift < 4; ++i) {
    const unsigned source = i + limb_shift;
    out[i] = a.limbs_[source] >> bit_shift;
    if (bit_shift != 0 && source < 3) {
      out[i] |= a.limbs_[source + 1] << (64 - bit_shift);
    }
  }
  return U256(out);
}

U256 operator&(const U256& a, const U256& b) {
  return U256(U256::Limbs{a.limbs_[0] & b.limbs_[0], a.limbs_[1] & b.limbs_[1],
                          a.limbs_[2] & b.limbs_[2], a.limbs_[3] & b.limbs_[3]});
}

U256 operator|(const U256& a, const U256& b) {
  return U256(U256::Limbs{a.limbs_[0] | b.limbs_[0], a.limbs_[1] | b.limbs_[1],
                          a.limbs_[2] | b.limbs_[2], a.limbs_[3] | b.limbs_[3]});
}

U256::DivModResult U256::DivMod(const U256& divisor) const {
  ORCH_CHECK(!divisor.IsZero(), "U256 division by zero");
  if (*this < divisor) {
    return {U256(), *this};
  }
  if (const auto small = divisor.ToUint64()) {
    const auto [quotient, remainder] = DivModSmall(*small);
    return {quotient, U256(remainder)};
  }
  // Shift-and-subtract over the bits in which the quotient can be non-zero.
  const unsigned shift = BitLength() - divisor.BitLength();
  U256 remainder = *this;
  U256 quotient;
  U256 shifted = divisor << shift;
  for (unsigned bit = shift + 1; bit-- > 0;) {
    if (remainder >= shifted) {
      remainder = remainder - shifted;
      quotient.limbs_[bit / 64] |= 1ULL << (bit % 64);
    }
    shifted = shifted >> 1;
  }
  return {quotient, remainder};
}

U256::DivModSmallResult U256::DivModSmall(std::uint64_t divisor) const {
  ORCH_CHECK(divisor != 0, "U256 division by zero");
  Limbs quotient{};
  std::uint64_t remainder = 0;
  for (int i = 3; i >= 0; --i) {
    const Uint128 current = (static_cast<Uint128>(remainder) << 64) | limbs_[i];
    quotient[i] = static_cast<std::uint64_t>(current / divisor);
    remainder = static_cast<std::uint64_t>(current % divisor);
  }
  return {U256(quotient), remainder};
}

std::optional<U256> U256::CheckedAdd(const U256& a, const U256& b) {
  Limbs out{};
  if (AddWithCarry(a.limbs_, b.limbs_, out) != 0) {
    return std::nullopt;
  }
  return U256(out);
}

std::optional<U256> U256::CheckedSub(const U256& a, const U256& b) {
  Limbs out{};
  if (SubWithBorrow(a.limbs_, b.limbs_, out) != 0) {
    return std::nullopt;
  }
  return U256(out);
}

std::optional<U256> U256::CheckedMul(const U256& a, const U256& b) {
  const auto wide = MulWide(a.limbs_, b.limbs_);
  if ((wide[4] | wide[5] | wide[6] | wide[7]) != 0) {
    return std::nullopt;
  }
  return U256(Limbs{wide[0], wide[1], wide[2], wide[3]});
}

}  // namespace orch::crypto
