#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::eth {

/// A 20-byte Ethereum account address. Printed with the EIP-55 mixed-case checksum.
/// Value type; immutable.
class Address {
 public:
  static constexpr std::size_t kSize = 20;

  /// The zero address.
  Address() = default;
  explicit Address(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}

  /// Parses 40 hex digits, with or without "0x". All-lower-case and all-upper-case digits are
  /// accepted as they are; mixed case must be the EIP-55 checksum, which catches typos.
  /// Errors: kInvalidArgument (wrong length, non-hex character, checksum mismatch).
  static Result<Address> Parse(std::string_view text);

  /// The address of an uncompressed public key given as its 64 bytes x ‖ y (no 0x04 prefix):
  /// the last 20 bytes of keccak(x ‖ y).
  static Address FromPublicKey(std::span<const std::uint8_t, 64> public_key);

  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }

  /// "0x" and the EIP-55 checksummed digits, e.g. 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266.
  std::string ToChecksumHex() const;
  /// "0x" and lower-case digits.
  std::string ToLowerHex() const;

  bool operator==(const Address&) const = default;
  auto operator<=>(const Address&) const = default;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

}  // namespace orch::eth

template <>
struct fmt::formatter<orch::eth::Address> : fmt::formatter<std::string_view> {
  auto format(const orch::eth::Address& address, fmt::format_context& context) const {
    return fmt::formatter<std::string_view>::format(address.ToChecksumHex(), context);
  }
};
