#include "orch/eth/address.h"

#include <algorithm>
#include <cctype>

#include "orch/eth/bytes.h"
#include "orch/eth/keccak.h"

namespace orch::eth {
namespace {

// EIP-55: a letter digit is upper case when the matching nibble of keccak(lower-case hex
// digits, as ASCII) is 8 or more.
std::string Checksum(std::string_view lower_digits) {
  const Hash32 hash = Keccak256(lower_digits);
  std::string digits(lower_digits);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const std::uint8_t nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
    if (nibble >= 8) {
      digits[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(digits[i])));
    }
  }
  return digits;
}

bool IsLower(char c) { return c >= 'a' && c <= 'f'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'F'; }

}  // namespace

Result<Address> Address::Parse(std::string_view text) {
  std::array<std::uint8_t, kSize> bytes{};
  auto parsed = FromHexInto(text, bytes);
  if (!parsed.ok()) {
    return Error::InvalidArgument("invalid address: {}", parsed.error().message());
  }
  const std::string_view digits = text.substr(text.size() - 2 * kSize);
  const bool has_lower = std::any_of(digits.begin(), digits.end(), IsLower);
  const bool has_upper = std::any_of(digits.begin(), digits.end(), IsUpper);
  const Address address(bytes);
  if (has_lower && has_upper) {
    const std::string expected = address.ToChecksumHex();
    if (digits != std::string_view(expected).substr(2)) {
      return Error::InvalidArgument("address {} has a wrong EIP-55 checksum (expected {})", text,
                                    expected);
    }
  }
  return address;
}

Address Address::FromPublicKey(std::span<const std::uint8_t, 64> public_key) {
  const Hash32 hash = Keccak256(std::span<const std::uint8_t>(public_key));
  std::array<std::uint8_t, kSize> bytes{};
  std::copy(hash.end() - kSize, hash.end(), bytes.begin());
  return Address(bytes);
}

std::string Address::ToChecksumHex() const {
  return "0x" + Checksum(std::string_view(ToLowerHex()).substr(2));
}

std::string Address::ToLowerHex() const { return ToHex(bytes_); }

}  // namespace orch::eth
