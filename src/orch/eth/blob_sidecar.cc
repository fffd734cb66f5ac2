#include "orch/eth/blob_sidecar.h"

#include "orch/eth/sha256.h"

namespace orch::eth {

Result<void> ValidateSidecar(const BlobSidecar& sidecar) {
  const std::size_t blobs = sidecar.blobs.size();
  if (blobs == 0) {
    return Error::InvalidArgument("blob sidecar: no blobs");
  }
  for (std::size_t i = 0; i < blobs; ++i) {
    if (sidecar.blobs[i].size() != kBytesPerBlob) {
      return Error::InvalidArgument("blob sidecar: blob {} has {} bytes, expected {}", i,
                                    sidecar.blobs[i].size(), kBytesPerBlob);
    }
  }
  if (sidecar.commitments.size() != blobs) {
    return Error::InvalidArgument("blob sidecar: {} commitments for {} blobs",
                                  sidecar.commitments.size(), blobs);
  }
  const bool cells = sidecar.version == SidecarVersion::kEip7594;
  const std::size_t proofs = cells ? blobs * kCellProofsPerBlob : blobs;
  if (sidecar.proofs.size() != proofs) {
    return Error::InvalidArgument("blob sidecar ({}): {} proofs for {} blobs, expected {}",
                                  cells ? "EIP-7594" : "EIP-4844", sidecar.proofs.size(), blobs,
                                  proofs);
  }
  return Ok();
}

Hash32 VersionedHash(const KzgCommitment& commitment) {
  Hash32 hash = Sha256(commitment);
  hash[0] = kVersionedHashVersionKzg;
  return hash;
}

std::vector<Hash32> VersionedHashes(const BlobSidecar& sidecar) {
  std::vector<Hash32> hashes;
  hashes.reserve(sidecar.commitments.size());
  for (const KzgCommitment& commitment : sidecar.commitments) {
    hashes.push_back(VersionedHash(commitment));
  }
  return hashes;
}

}  // namespace orch::eth
