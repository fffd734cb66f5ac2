#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/bytes.h"
#include "orch/eth/word.h"

// The Starknet core contract on Ethereum as the orchestrator uses it (protocols.md §8): its
// views, the calldata of its two update functions, and the facts it asks its verifier about.
// The real contract and ours (contracts/StarknetCoreContract.sol) share this surface.
namespace orch::settlement {

/// The one 32-byte word a view function returns (`what` names it in errors).
/// Errors: the node's, and kDataLoss when the answer is not one word.
Result<eth::Word> CallForWord(ethereum::EthereumRpc& rpc, const eth::Address& to, eth::Bytes data,
                              std::string_view what);

/// The settled state the core contract stores.
struct CoreContractState {
  crypto::U256 state_root;
  std::int64_t block_number = -1;
  crypto::U256 block_hash;
};

/// Reads stateRoot(), stateBlockNumber() and stateBlockHash() at the latest block.
/// Errors: the node's, and kDataLoss when an answer is not one word or the block number does
/// not fit in an int64.
Result<CoreContractState> ReadCoreContractState(ethereum::EthereumRpc& rpc,
                                                const eth::Address& core_contract);

/// keccak(abi.encodePacked(programOutput)): the state transition fact of the KZG DA path.
eth::Hash32 KzgDaStateTransitionFact(std::span<const crypto::Felt> program_output);

/// keccak(keccak(out) ‖ len ‖ onchainDataHash ‖ len + onchainDataSize) + 1: the state transition
/// fact of the calldata path (protocols.md §4.6).
eth::Hash32 CalldataStateTransitionFact(std::span<const crypto::Felt> program_output,
                                        const eth::Word& onchain_data_hash,
                                        std::uint64_t onchain_data_size);

/// keccak(abi.encode(program_hash, state_transition_fact)): the fact the core contract asks the
/// verifier about. `program_hash` is the aggregator's when output word 6 is not 0.
eth::Hash32 SharpFact(const crypto::Felt& program_hash, const eth::Hash32& state_transition_fact);

/// Calldata of updateStateKzgDA(uint256[] programOutput, bytes[] kzgProofs) (0x507ee528),
/// laid out as protocols.md §8.2.
eth::Bytes EncodeUpdateStateKzgDA(std::span<const crypto::Felt> program_output,
                                  std::span<const eth::KzgProof> kzg_proofs);

/// Calldata of updateState(uint256[] programOutput, uint256 onchainDataHash, uint256
/// onchainDataSize) (0x77552641).
eth::Bytes EncodeUpdateState(std::span<const crypto::Felt> program_output,
                             const eth::Word& onchain_data_hash, std::uint64_t onchain_data_size);

}  // namespace orch::settlement
