#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/kzg/blob.h"
#include "orch/kzg/kzg.h"

// An OS output for a block whose real one is not at hand (a devnet chain without SNOS): the
// output the Starknet OS writes for KZG DA (protocols.md §6.2), made consistent with the block's
// blobs so that the core contract's checks pass exactly as they would for a real one.
namespace orch::devnet {

/// The header words of a block's OS output.
struct OutputHeader {
  crypto::Felt old_root;
  crypto::Felt new_root;
  std::uint64_t block_number = 0;
  crypto::Felt prev_block_hash;
  crypto::Felt block_hash;
  crypto::Felt config_hash;
};

/// The 10-word header (os_program_hash 0, use_kzg_da 1, full_output 0), the KZG segment of
/// `blobs` (a z derived from the block hash and the commitments, each blob's commitment as two
/// 192-bit limbs, y = p(z) from c-kzg as two 128-bit limbs), and empty message segments.
/// Errors: kInvalidArgument without blobs; c-kzg's.
Result<std::vector<crypto::Felt>> DeriveKzgDaOsOutput(const OutputHeader& header,
                                                      std::span<const kzg::Blob> blobs,
                                                      const kzg::Kzg& kzg);

}  // namespace orch::devnet
