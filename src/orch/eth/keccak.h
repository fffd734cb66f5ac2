#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "orch/eth/bytes.h"

namespace orch::eth {

/// Ethereum's Keccak-256: the original Keccak padding (0x01 … 0x80), not SHA3-256's.
/// Pure function, safe from any thread.
Hash32 Keccak256(std::span<const std::uint8_t> data);

/// Keccak-256 of the bytes of `text` (e.g. a function signature).
Hash32 Keccak256(std::string_view text);

}  // namespace orch::eth
