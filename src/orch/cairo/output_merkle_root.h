#pragma once

#include <span>

#include "orch/cairo/fact_topology.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

namespace orch::cairo {

/// The root of the output Merkle tree (cairo-lang's generate_merkle_root, protocols spec §4.3).
///
/// The tree is built with a stack, one (n_pages, n_nodes) pair of `topology.tree_structure` at a
/// time: push n_pages leaves, each keccak(its page's words as 32-byte big-endian), then replace
/// the top n_nodes entries by a parent whose hash is keccak(child hash ‖ child end offset as a
/// 32-byte word, for each child) + 1 mod 2^256. With the default topology the root is
/// keccak(all output words).
/// Errors: kInvalidArgument when the structure asks for more pages or nodes than there are,
/// leaves pages unused or more than one root, or the pages do not cover `output` exactly.
Result<crypto::U256> ComputeOutputMerkleRoot(std::span<const crypto::Felt> output,
                                             const FactTopology& topology);

}  // namespace orch::cairo
