#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "orch/common/result.h"

namespace orch::eth {

/// An unsigned 256-bit integer as 32 bytes, big-endian: an ABI word, and the fee and value
/// fields of transactions. Signed ABI values (int256) are stored in two's complement. A plain
/// array keeps this library independent of the arithmetic type in orch/crypto.
using Word = std::array<std::uint8_t, 32>;

Word WordFromUint64(std::uint64_t value);

/// The two's complement of `value` over 256 bits (negative numbers start with 0xff bytes).
Word WordFromInt64(std::int64_t value);

/// Parses a hexadecimal quantity: an optional "0x"/"0X" prefix, then 1 to 64 digits of either
/// case; leading zeros and an odd number of digits are allowed ("0x1" is one).
/// Errors: kInvalidArgument (no digits, more than 64, a non-hex character).
Result<Word> WordFromHex(std::string_view text);

/// The value as a uint64_t.
/// Errors: kInvalidArgument when it is 2^64 or more.
Result<std::uint64_t> WordToUint64(const Word& word);

/// The big-endian bytes of `value` without leading zero bytes: the minimal form that RLP
/// requires for integers (empty for zero).
std::span<const std::uint8_t> TrimLeadingZeros(std::span<const std::uint8_t> value);

}  // namespace orch::eth
