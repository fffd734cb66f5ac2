#include "orch/devnet/derived_output.h"

#include "orch/crypto/poseidon.h"

namespace orch::devnet {
namespace {

using crypto::Felt;

// A big-endian slice of at most 31 bytes is always a felt.
Felt Limb(std::span<const std::uint8_t> bytes) { return Felt::FromBytesBe(bytes).value(); }

}  // namespace

Result<std::vector<Felt>> DeriveKzgDaOsOutput(const OutputHeader& header,
                                              std::span<const kzg::Blob> blobs,
                                              const kzg::Kzg& kzg) {
  if (blobs.empty()) {
    return Error::InvalidArgument("block {}: an output with KZG DA needs at least one blob",
                                  header.block_number);
  }
  std::vector<Felt> commitment_limbs;
  for (const kzg::Blob& blob : blobs) {
    ORCH_ASSIGN_OR_RETURN(const kzg::Commitment commitment, kzg.BlobToCommitment(blob));
    const std::span<const std::uint8_t> bytes(commitment.bytes);
    commitment_limbs.push_back(Limb(bytes.subspan(24)));
    commitment_limbs.push_back(Limb(bytes.first(24)));
  }
  // The OS derives z from the data it commits to; any value the contract can evaluate at works,
  // and this one changes with every block.
  std::vector<Felt> seed = {header.block_hash};
  seed.insert(seed.end(), commitment_limbs.begin(), commitment_limbs.end());
  const Felt z = crypto::PoseidonHashMany(seed);

  // Before block 0 the OS writes -1 as a felt.
  const Felt previous_block =
      header.block_number == 0 ? -Felt::One() : Felt::FromUint64(header.block_number - 1);
  std::vector<Felt> output = {header.old_root,
                              header.new_root,
                              previous_block,
                              Felt::FromUint64(header.block_number),
                              header.prev_block_hash,
                              header.block_hash,
                              Felt(),
                              header.config_hash,
                              Felt::One(),
                              Felt(),
                              z,
                              Felt::FromUint64(blobs.size())};
  output.insert(output.end(), commitment_limbs.begin(), commitment_limbs.end());
  for (const kzg::Blob& blob : blobs) {
    ORCH_ASSIGN_OR_RETURN(const kzg::EvaluationProof evaluation,
                          kzg.ComputeKzgProof(blob, z.ToBytesBe()));
    const std::span<const std::uint8_t> y(evaluation.y);
    output.push_back(Limb(y.subspan(16)));
    output.push_back(Limb(y.first(16)));
  }
  output.push_back(Felt());  // no messages to L1
  output.push_back(Felt());  // nor to L2
  return output;
}

}  // namespace orch::devnet
