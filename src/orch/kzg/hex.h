#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::kzg {

/// Lower-case hexadecimal with a "0x" prefix, two digits per byte.
std::string ToHex(std::span<const std::uint8_t> bytes);

/// Parses `text` as exactly `out.size()` bytes of hexadecimal: an optional "0x"/"0X" prefix,
/// surrounding whitespace ignored. `what` names the value in error messages ("commitment").
/// Errors: kInvalidArgument (a non-hex character, an odd number of digits, a wrong length).
Result<void> ParseHexBytes(std::string_view text, std::span<std::uint8_t> out,
                           std::string_view what);

}  // namespace orch::kzg
