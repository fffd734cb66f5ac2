#include "orch/eth/blob_sidecar.h"

#include <gtest/gtest.h>

#include "orch/eth/sha256.h"

namespace orch::eth {
namespace {

// The commitment of the all-zero blob: the compressed point at infinity.
KzgCommitment ZeroBlobCommitment() {
  KzgCommitment commitment{};
  commitment[0] = 0xc0;
  return commitment;
}

BlobSidecar MakeSidecar(SidecarVersion version, std::size_t blobs) {
  BlobSidecar sidecar;
  sidecar.version = version;
  for (std::size_t i = 0; i < blobs; ++i) {
    sidecar.blobs.emplace_back(kBytesPerBlob, static_cast<std::uint8_t>(i));
    KzgCommitment commitment{};
    commitment[0] = static_cast<std::uint8_t>(0x80 + i);
    sidecar.commitments.push_back(commitment);
  }
  const std::size_t proofs =
      version == SidecarVersion::kEip7594 ? blobs * kCellProofsPerBlob : blobs;
  sidecar.proofs.resize(proofs, KzgProof{0xaa});
  return sidecar;
}

TEST(BlobSidecarTest, VersionedHashReplacesTheFirstByteOfSha256) {
  // The well-known versioned hash of the empty blob.
  EXPECT_EQ(ToHex(VersionedHash(ZeroBlobCommitment())),
            "0x010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014");
  KzgCommitment commitment{};
  commitment.fill(0x42);
  const Hash32 digest = Sha256(commitment);
  const Hash32 versioned = VersionedHash(commitment);
  EXPECT_EQ(versioned[0], kVersionedHashVersionKzg);
  EXPECT_TRUE(std::equal(digest.begin() + 1, digest.end(), versioned.begin() + 1));
}

TEST(BlobSidecarTest, VersionedHashesFollowTheCommitments) {
  const BlobSidecar sidecar = MakeSidecar(SidecarVersion::kEip4844, 3);
  const std::vector<Hash32> hashes = VersionedHashes(sidecar);
  ASSERT_EQ(hashes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(hashes[i], VersionedHash(sidecar.commitments[i]));
  }
}

TEST(BlobSidecarTest, ValidatesTheShape) {
  EXPECT_TRUE(ValidateSidecar(MakeSidecar(SidecarVersion::kEip4844, 2)).ok());
  EXPECT_TRUE(ValidateSidecar(MakeSidecar(SidecarVersion::kEip7594, 2)).ok());
  EXPECT_FALSE(ValidateSidecar(MakeSidecar(SidecarVersion::kEip4844, 0)).ok());

  BlobSidecar short_blob = MakeSidecar(SidecarVersion::kEip4844, 2);
  short_blob.blobs[1].pop_back();
  const Result<void> size = ValidateSidecar(short_blob);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error().message(), "blob sidecar: blob 1 has 131071 bytes, expected 131072");

  BlobSidecar missing_commitment = MakeSidecar(SidecarVersion::kEip4844, 2);
  missing_commitment.commitments.pop_back();
  EXPECT_FALSE(ValidateSidecar(missing_commitment).ok());

  // Blob proofs where cell proofs are expected, and the other way round.
  BlobSidecar cells = MakeSidecar(SidecarVersion::kEip4844, 2);
  cells.version = SidecarVersion::kEip7594;
  const Result<void> proofs = ValidateSidecar(cells);
  ASSERT_FALSE(proofs.ok());
  EXPECT_EQ(proofs.error().message(),
            "blob sidecar (EIP-7594): 2 proofs for 2 blobs, expected 256");
  BlobSidecar blob_proofs = MakeSidecar(SidecarVersion::kEip7594, 1);
  blob_proofs.version = SidecarVersion::kEip4844;
  EXPECT_FALSE(ValidateSidecar(blob_proofs).ok());
}

}  // namespace
}  // namespace orch::eth
