#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_update.h"

// A synthetic Starknet chain for the local devnet and the end-to-end tests: consecutive blocks
// whose state diffs have the shape of a real chain's, made up from a seed. Nothing in it comes
// from a real chain, and the roots and block hashes are pseudo-random felts, not commitments to
// the content: the orchestrator never recomputes them, it only carries them from the node to the
// OS and the settlement contract.
//
// What a block holds: transactions of a few accounts (nonce bumps, fee-token balance writes of
// the sender and the sequencer), contract deployments with constructor writes, storage writes to
// new and existing keys of application contracts, now and then a declared class and a replaced
// class, the block-hash write of contract 0x1 (block N stores the hash of block N - 10 at key
// N - 10, when that block is in the chain), and from Starknet 0.13.4 the alias allocations of
// contract 0x2 that the OS writes for stateful compression (see GenerateSyntheticChain). One block
// in eight is busier. The state before the first block is empty: every contract the chain uses is
// deployed in it (the first block declares the classes and deploys the STRK fee token and the first
// accounts), so that a node serving the chain answers starknet_getNonce / getStorageAt /
// getClassHashAt exactly.
namespace orch::starknet {

/// The most DA felts a synthetic block may take: one EIP-4844 blob.
inline constexpr std::size_t kSyntheticBlockMaxDaFelts = 4096;
/// The longest chain GenerateSyntheticChain makes: it holds the whole chain in memory (a few KB
/// per block).
inline constexpr std::uint64_t kMaxSyntheticChainBlocks = 100'000;

struct SyntheticChainOptions {
  std::uint64_t first_block = 1;
  std::uint64_t block_count = 24;
  /// The Starknet versions of the chain, oldest first, spread evenly over the blocks in order:
  /// block first_block + i has versions[i * versions.size() / block_count]. Non-decreasing, at
  /// most block_count of them, none newer than StarknetVersion::Newest().
  std::vector<StarknetVersion> versions = {StarknetVersion(0, 13, 2), kVersion0_13_3,
                                           StarknetVersion(0, 14, 0)};
  std::uint64_t seed = 0;
};

/// One block of the chain. A plain value.
struct SyntheticBlock {
  std::uint64_t block_number = 0;
  StarknetVersion starknet_version;  // no default: a block always has one
  /// Closed: block_hash, old_root (the previous block's new_root; 0 for the first block, whose
  /// pre-state is empty) and new_root are set. Lists sorted (SortStateDiff).
  StateUpdate state_update;
  /// The previous block's hash. For the first block: 0 if it is block 0, else a pseudo-random
  /// felt standing for a block outside the chain.
  crypto::Felt parent_hash;
  /// Seconds since the Unix epoch: 2025-01-01T00:00:00Z for the first block, then 6 s more per
  /// block.
  std::uint64_t timestamp = 0;
  /// The nonce after this block of every contract the <= 0.13.2 DA encoding looks up for it:
  /// those whose storage the block writes without changing their nonce, except 0x1 and 0x2
  /// (CollectLegacyDaStateDiff). Filled for every block, whatever its version, as a node
  /// would answer starknet_getNonce.
  std::map<crypto::Felt, crypto::Felt> nonces;

  friend bool operator==(const SyntheticBlock&, const SyntheticBlock&) = default;
};

/// Generates the chain of `options`: the same options give the same blocks, on every platform
/// (the generator uses its own integer PRNG, no standard distribution).
///
/// From 0.13.4 each block's state diff also holds the storage writes to contract 0x2 that the OS
/// makes when it allocates aliases (blockifier's allocate_aliases_in_storage): for each contract
/// the block touches (storage, nonce, deployment or class replacement), in ascending address
/// order, first its storage keys in ascending order (not for addresses <= 15, whose keys are
/// never compressed), then the address itself, every one >= 128 without an alias yet gets the
/// next free alias (the first is 128); slot 0 holds the next free alias after the block (set in
/// the first such block even when nothing was allocated). EncodeStateDiffForDa of block N then
/// needs from its AliasSource the storage of 0x2 after block N, as the pipeline reads it.
///
/// Every block is checked to encode with EncodeStateDiffForDa (nonces from SyntheticBlock::nonces,
/// aliases from the chain's 0x2 storage after the block) into at most kSyntheticBlockMaxDaFelts.
/// Errors: kInvalidArgument (no block or more than kMaxSyntheticChainBlocks, no version, more
/// versions than blocks, versions that decrease, a version newer than StarknetVersion::Newest(),
/// block numbers beyond 2^64 - 1);
/// kInternal (a block does not encode or needs more than one blob: a bug of the generator).
Result<std::vector<SyntheticBlock>> GenerateSyntheticChain(const SyntheticChainOptions& options);

/// Writes `blocks` in the blocks-directory layout of the devnet's Madara stand-in
/// (orch/devnet/madara_standin.h): a folder per block named by its decimal number, holding
/// state_update.json (StateUpdateToJsonText), nonces.json (the recorded starknet_getNonce
/// answers read by TableNonceSource::FromJson: [{"address": "<decimal>", "nonce": "<hex without
/// 0x>"}], addresses ascending) and block.json ({"block_hash", "parent_hash", "starknet_version",
/// "timestamp"}); each file is one line of compact JSON. `dir` is created if missing.
/// Errors: kFailedPrecondition (`dir` exists and is not an empty directory: a chain is never
/// mixed with other files), kUnavailable (a directory or file cannot be created or written).
Result<void> WriteSyntheticChain(const std::vector<SyntheticBlock>& blocks,
                                 const std::filesystem::path& dir);

}  // namespace orch::starknet
