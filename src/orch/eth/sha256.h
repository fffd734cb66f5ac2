#pragma once

#include <cstdint>
#include <span>

#include "orch/eth/bytes.h"

namespace orch::eth {

/// SHA-256 (OpenSSL), used for blob versioned hashes. Pure function, safe from any thread.
Hash32 Sha256(std::span<const std::uint8_t> data);

}  // namespace orch::eth
