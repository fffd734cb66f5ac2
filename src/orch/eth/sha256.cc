#include "orch/eth/sha256.h"

#include <openssl/sha.h>

namespace orch::eth {

Hash32 Sha256(std::span<const std::uint8_t> data) {
  Hash32 digest;
  SHA256(data.data(), data.size(), digest.data());
  return digest;
}

}  // namespace orch::eth
