#include "orch/eth/keccak.h"

#include <cryptopp/keccak.h>

namespace orch::eth {

Hash32 Keccak256(std::span<const std::uint8_t> data) {
  // Crypto++'s Keccak_256 is the pre-standard padding Ethereum uses (its SHA3_256 is not).
  CryptoPP::Keccak_256 hasher;
  hasher.Update(data.data(), data.size());
  Hash32 digest;
  hasher.Final(digest.data());
  return digest;
}

Hash32 Keccak256(std::string_view text) {
  return Keccak256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace orch::eth
