#pragma once

#include <vector>

#include "orch/crypto/felt.h"

// The Starknet OS config hash the core contract holds as configHash() and the OS writes as word
// 7 of its output (protocols.md §6.4).
namespace orch::starknet {

struct OsConfig {
  crypto::Felt chain_id;                  // the chain id as a short string, e.g. 'SN_SEPOLIA'
  crypto::Felt fee_token_address;         // STRK
  std::vector<crypto::Felt> public_keys;  // DA encryption keys, usually none
};

/// The 'StarknetOsConfig3' hash of the 0.14.x OS: pedersen_hash_on_elements of [version, chain
/// id, fee token] plus the public keys' hash when there are keys. Older OS versions used
/// 'StarknetOsConfig2' and newer ones a Blake hash; neither is computed here because no vector
/// confirms them.
crypto::Felt OsConfigHash(const OsConfig& config);

}  // namespace orch::starknet
