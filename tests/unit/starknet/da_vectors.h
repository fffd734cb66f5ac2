#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/kzg/blob.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/state_update.h"

// The DA vectors of ../shared/testdata/da: mainnet (and one devnet) blocks of Starknet <= 0.13.2
// with their state update, the node's nonce answers and the blob published on L1.
namespace orch::starknet::test_support {

/// The blocks that have a state update, nonces and a blob.
inline constexpr std::array<std::uint64_t, 4> kDaVectorBlocks{178, 631861, 638353, 640641};

struct DaVector {
  std::uint64_t block = 0;
  StateUpdate update;
  TableNonceSource nonces;
  kzg::Blob blob;
};

/// da/state_update/<block>.json, da/nonces/<block>.json and da/blob/<block>.hex, parsed.
Result<DaVector> ReadDaVector(std::uint64_t block);

/// The 4096 felts a blob file of the test data (hex) encodes.
Result<std::vector<crypto::Felt>> ReadBlobFelts(std::string_view relative);

}  // namespace orch::starknet::test_support
