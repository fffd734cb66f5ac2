#pragma once

#include <cstdint>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_update.h"

// The Starknet node (Madara) as the job handlers see it: the calls they make, behind an
// interface so that tests and the devnet can answer them (HttpMadaraClient speaks JSON-RPC).
namespace orch::madara {

/// A block's state update and the Starknet version the block was built with (which picks its
/// DA encoding).
struct BlockStateUpdate {
  starknet::StateUpdate update;
  starknet::StarknetVersion version;
};

/// Errors of every method: kUnavailable or kTimeout (transient) when the node cannot answer
/// now, including a block that is not produced yet or still pending ("not ready"); kNotFound
/// (permanent) for a contract that does not exist; kDataLoss (permanent) for a malformed answer.
/// Implementations are thread-safe.
class MadaraClient {
 public:
  virtual ~MadaraClient() = default;

  virtual Result<BlockStateUpdate> GetStateUpdate(std::uint64_t block_number) = 0;
  /// starknet_getNonce at `block_number`.
  virtual Result<crypto::Felt> GetNonce(std::uint64_t block_number,
                                        const crypto::Felt& contract_address) = 0;
  /// starknet_getStorageAt at `block_number` (0 for a slot never written).
  virtual Result<crypto::Felt> GetStorageAt(std::uint64_t block_number,
                                            const crypto::Felt& contract_address,
                                            const crypto::Felt& key) = 0;
  /// starknet_blockNumber: the newest block the node has produced.
  virtual Result<std::uint64_t> LatestBlockNumber() = 0;
  /// starknet_chainId: the chain id as a felt (e.g. 'SN_SEPOLIA'); also a cheap health probe.
  virtual Result<crypto::Felt> ChainId() = 0;
};

}  // namespace orch::madara
