#include "orch/starknet/os_config_hash.h"

#include "orch/crypto/pedersen.h"

namespace orch::starknet {

crypto::Felt OsConfigHash(const OsConfig& config) {
  static constexpr crypto::Felt kVersion =
      crypto::Felt::FromHexLiteral("0x537461726b6e65744f73436f6e66696733");  // 'StarknetOsConfig3'
  std::vector<crypto::Felt> elements{kVersion, config.chain_id, config.fee_token_address};
  if (!config.public_keys.empty()) {
    elements.push_back(crypto::PedersenHashOnElements(config.public_keys));
  }
  return crypto::PedersenHashOnElements(elements);
}

}  // namespace orch::starknet
