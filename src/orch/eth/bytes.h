#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"

namespace orch::eth {

/// A byte string of any length (calldata, RLP, blobs).
using Bytes = std::vector<std::uint8_t>;

/// A 32-byte digest (Keccak-256, SHA-256) or any other fixed 32-byte value (bytes32).
using Hash32 = std::array<std::uint8_t, 32>;

/// The value of a hexadecimal digit of either case, or -1 when `c` is not one.
int HexDigitValue(char c);

/// Lower-case hexadecimal with a "0x" prefix, two digits per byte ("0x" for no bytes).
std::string ToHex(std::span<const std::uint8_t> bytes);

/// Parses hexadecimal with or without a "0x"/"0X" prefix; digits may be of either case.
/// Errors: kInvalidArgument for an odd number of digits or a non-hex character (its position
/// is given, counted from the first character of `text`).
Result<Bytes> FromHex(std::string_view text);

/// Parses hexadecimal as FromHex does into exactly `out.size()` bytes.
/// Errors: kInvalidArgument as FromHex, and when the length is not `out.size()` bytes.
Result<void> FromHexInto(std::string_view text, std::span<std::uint8_t> out);

/// FromHexInto for a fixed-size array, e.g. `FromHexFixed<32>("0x…")` for a bytes32.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> FromHexFixed(std::string_view text) {
  std::array<std::uint8_t, N> out{};
  ORCH_RETURN_IF_ERROR(FromHexInto(text, out));
  return out;
}

}  // namespace orch::eth
