#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "orch/common/result.h"
#include "orch/eth/bytes.h"

namespace orch::eth {

inline constexpr std::size_t kBytesPerBlob = 131072;
inline constexpr std::size_t kBytesPerCommitment = 48;
inline constexpr std::size_t kBytesPerProof = 48;
/// EIP-7594: a blob extended to twice its size is cut into this many cells, one proof each.
inline constexpr std::size_t kCellProofsPerBlob = 128;
/// The version byte of a versioned hash made from a KZG commitment.
inline constexpr std::uint8_t kVersionedHashVersionKzg = 0x01;
/// The wrapper version that marks the EIP-7594 network form of a blob transaction.
inline constexpr std::uint8_t kEip7594WrapperVersion = 1;

/// A KZG commitment or proof: a compressed BLS12-381 G1 point. Computing them is the KZG
/// library's work; here they are only bytes.
using KzgCommitment = std::array<std::uint8_t, kBytesPerCommitment>;
using KzgProof = std::array<std::uint8_t, kBytesPerProof>;

/// Which proofs a sidecar carries.
enum class SidecarVersion : std::uint8_t {
  /// EIP-4844: one blob proof per blob.
  kEip4844,
  /// EIP-7594 (PeerDAS): kCellProofsPerBlob cell proofs per blob, blob by blob.
  kEip7594,
};

/// The blobs of a type-3 transaction with their commitments and proofs, as sent to the
/// network next to the signed transaction. Plain data; thread-compatible.
struct BlobSidecar {
  SidecarVersion version = SidecarVersion::kEip7594;
  std::vector<Bytes> blobs;
  std::vector<KzgCommitment> commitments;
  std::vector<KzgProof> proofs;
};

/// Checks the shape: at least one blob, every blob kBytesPerBlob bytes, one commitment per
/// blob, and one proof per blob (EIP-4844) or kCellProofsPerBlob per blob (EIP-7594).
/// Errors: kInvalidArgument saying which count or size is wrong.
Result<void> ValidateSidecar(const BlobSidecar& sidecar);

/// 0x01 ‖ sha256(commitment)[1..32]: how a transaction and the BLOBHASH opcode refer to a blob.
Hash32 VersionedHash(const KzgCommitment& commitment);

/// The versioned hashes of the sidecar's commitments, in order.
std::vector<Hash32> VersionedHashes(const BlobSidecar& sidecar);

}  // namespace orch::eth
