#include "orch/kzg/kzg.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/unit/kzg/field_reference.h"
#include "tests/unit/kzg/testdata.h"

#include "orch/kzg/blob_transform.h"

namespace orch::kzg {
namespace {

namespace fs = std::filesystem;
using orch::test_support::ReadTestdata;
using test_support::EvaluatePolynomial;
using test_support::FromUint64;
using test_support::Modulus;

// Every test here loads the mainnet setup once per process (about 2 s).
class KzgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Result<const Kzg*> shared = Kzg::Shared();
    ASSERT_TRUE(shared.ok()) << shared.error().ToString();
    kzg_ = *shared;
  }

  const Kzg* kzg_ = nullptr;
};

// Parses the test vector `file` with `parse` into `out`, or fails the test (use with
// ASSERT_NO_FATAL_FAILURE).
template <typename T, typename Parse>
void ReadVector(const std::string& file, Parse parse, T& out) {
  const Result<std::string> text = ReadTestdata(file);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  Result<T> parsed = parse(*text);
  ASSERT_TRUE(parsed.ok()) << file << ": " << parsed.error().ToString();
  out = *std::move(parsed);
}

Result<FieldBytes> ParseZ(std::string_view text) { return ParseFieldHex(text, "z"); }

// Mainnet blobs with the commitment and blob proof of their EIP-4844 sidecar.
TEST_F(KzgTest, CommitmentsAndBlobProofsMatchMainnet) {
  std::vector<Proof> proofs;
  Blob blob;
  for (const char* block : {"20462788", "20462818"}) {
    SCOPED_TRACE(block);
    const std::string dir = fmt::format("kzg/blob_proof_{}/", block);
    Commitment expected_commitment;
    Proof expected_proof;
    ASSERT_NO_FATAL_FAILURE(ReadVector(dir + "blob.hex", Blob::FromHex, blob));
    ASSERT_NO_FATAL_FAILURE(
        ReadVector(dir + "commitment.txt", Commitment::FromHex, expected_commitment));
    ASSERT_NO_FATAL_FAILURE(ReadVector(dir + "proof.txt", Proof::FromHex, expected_proof));

    const Result<Commitment> commitment = kzg_->BlobToCommitment(blob);
    ASSERT_TRUE(commitment.ok()) << commitment.error().ToString();
    EXPECT_EQ(*commitment, expected_commitment);
    const Result<Proof> proof = kzg_->ComputeBlobProof(blob, *commitment);
    ASSERT_TRUE(proof.ok()) << proof.error().ToString();
    EXPECT_EQ(*proof, expected_proof);
    EXPECT_TRUE(*kzg_->VerifyBlobProof(blob, *commitment, *proof));
    proofs.push_back(*proof);
  }
  // The first blob's proof does not prove the second blob (still in `blob`).
  EXPECT_FALSE(*kzg_->VerifyBlobProof(blob, *kzg_->BlobToCommitment(blob), proofs[0]));
}

// The point-evaluation proofs of mainnet updateStateKzgDA transactions.
TEST_F(KzgTest, PointEvaluationProofsMatchMainnet) {
  for (const char* block : {"651053", "651054"}) {
    SCOPED_TRACE(block);
    const std::string dir = fmt::format("kzg/{}/", block);
    Blob blob;
    FieldBytes z;
    Proof expected_proof;
    ASSERT_NO_FATAL_FAILURE(ReadVector(dir + "blob_data.txt", Blob::FromHex, blob));
    ASSERT_NO_FATAL_FAILURE(ReadVector(dir + "x_0.txt", ParseZ, z));
    ASSERT_NO_FATAL_FAILURE(ReadVector(dir + "kzg_proof.txt", Proof::FromHex, expected_proof));

    const Result<EvaluationProof> evaluation = kzg_->ComputeKzgProof(blob, z);
    ASSERT_TRUE(evaluation.ok()) << evaluation.error().ToString();
    EXPECT_EQ(evaluation->proof, expected_proof);
    // c-kzg evaluates the blob in evaluation form; the same y comes from its coefficients.
    EXPECT_EQ(evaluation->y, EvaluatePolynomial(*BlobToFelts(blob), z));

    const Commitment commitment = *kzg_->BlobToCommitment(blob);
    EXPECT_TRUE(*kzg_->VerifyKzgProof(commitment, z, evaluation->y, evaluation->proof));
    FieldBytes wrong_y = evaluation->y;
    wrong_y[31] ^= 1;
    EXPECT_FALSE(*kzg_->VerifyKzgProof(commitment, z, wrong_y, evaluation->proof));
  }
}

// The OS output of a Sepolia settlement names the blob's commitment and y = p(z).
TEST_F(KzgTest, SettlementCommitmentAndEvaluationMatchTheOsOutput) {
  const Result<test_support::SettlementVector> settlement = test_support::ReadSettlementVector();
  ASSERT_TRUE(settlement.ok()) << settlement.error().ToString();
  const Commitment commitment = *kzg_->BlobToCommitment(settlement->blob);
  EXPECT_EQ(commitment.bytes, settlement->commitment);
  const EvaluationProof evaluation = *kzg_->ComputeKzgProof(settlement->blob, settlement->z);
  EXPECT_EQ(evaluation.y, settlement->y);
  EXPECT_TRUE(*kzg_->VerifyKzgProof(commitment, settlement->z, evaluation.y, evaluation.proof));
}

TEST_F(KzgTest, CellProofs) {
  // The zero polynomial: every proof is the point at infinity.
  const Result<std::vector<Proof>> zero = kzg_->ComputeCellProofs(Blob{});
  ASSERT_TRUE(zero.ok()) << zero.error().ToString();
  ASSERT_EQ(zero->size(), kCellsPerExtendedBlob);
  Proof infinity;
  infinity.bytes[0] = 0xc0;
  for (const Proof& proof : *zero) {
    EXPECT_EQ(proof, infinity);
  }
  // A real blob: 128 different proofs, the same on every call (values: kzg_oracle_test).
  Blob blob;
  ASSERT_NO_FATAL_FAILURE(ReadVector("kzg/651053/blob_data.txt", Blob::FromHex, blob));
  const std::vector<Proof> proofs = *kzg_->ComputeCellProofs(blob);
  ASSERT_EQ(proofs.size(), kCellsPerExtendedBlob);
  std::set<std::string> distinct;
  for (const Proof& proof : proofs) {
    distinct.insert(proof.ToHex());
  }
  EXPECT_EQ(distinct.size(), kCellsPerExtendedBlob);
  EXPECT_EQ(*kzg_->ComputeCellProofs(blob), proofs);
}

void ExpectInvalid(const Error& error, std::string_view fragment) {
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.ToString();
  EXPECT_NE(error.message().find(fragment), std::string::npos) << error.ToString();
}

TEST_F(KzgTest, RejectsInvalidInputsWithTheirNames) {
  Blob bad_blob;
  bad_blob.SetWord(5, Modulus());
  ExpectInvalid(kzg_->BlobToCommitment(bad_blob).error(), "blob word 5");
  ExpectInvalid(kzg_->ComputeKzgProof(bad_blob, FromUint64(1)).error(), "blob word 5");
  ExpectInvalid(kzg_->ComputeCellProofs(bad_blob).error(), "blob word 5");

  const Blob blob;
  const Commitment commitment = *kzg_->BlobToCommitment(blob);
  ExpectInvalid(kzg_->ComputeBlobProof(bad_blob, commitment).error(), "blob word 5");
  ExpectInvalid(kzg_->ComputeKzgProof(blob, Modulus()).error(), "z = 0x73eda753");
  const EvaluationProof evaluation = *kzg_->ComputeKzgProof(blob, FromUint64(3));
  ExpectInvalid(
      kzg_->VerifyKzgProof(commitment, FromUint64(3), Modulus(), evaluation.proof).error(),
      "y = 0x73eda753");

  // x = 2^381 - 1 is not below the base field modulus; without the top bit the encoding is not
  // compressed.
  Commitment not_a_point;
  not_a_point.bytes.fill(0xff);
  not_a_point.bytes[0] = 0x9f;
  Commitment uncompressed;
  uncompressed.bytes[47] = 1;
  for (const Commitment& bad : {not_a_point, uncompressed}) {
    ExpectInvalid(kzg_->ComputeBlobProof(blob, bad).error(), "is not a compressed G1 point");
    ExpectInvalid(kzg_->VerifyKzgProof(bad, FromUint64(3), evaluation.y, evaluation.proof).error(),
                  "commitment 0x");
  }
  Proof bad_proof;
  bad_proof.bytes = not_a_point.bytes;
  ExpectInvalid(kzg_->VerifyBlobProof(blob, commitment, bad_proof).error(), "proof 0x9fff");
}

TEST(KzgLoadTest, MissingTrustedSetupIsNotFound) {
  const fs::path missing = "/nonexistent/orch-kzg/trusted_setup.txt";
  const Result<std::unique_ptr<Kzg>> loaded = Kzg::Load(missing);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(loaded.error().message().find(missing.string()), std::string::npos);
  EXPECT_NE(loaded.error().message().find("ORCH_KZG_TRUSTED_SETUP"), std::string::npos);
  const Result<const Kzg*> shared = Kzg::Shared(missing);
  ASSERT_FALSE(shared.ok());
  EXPECT_EQ(shared.error().code(), ErrorCode::kNotFound);
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string name = (fs::temp_directory_path() / "orch_kzg_setup_XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(KzgLoadTest, CorruptTrustedSetupIsDataLoss) {
  std::ifstream real(ResolveTrustedSetupPath(std::nullopt));
  ASSERT_TRUE(real) << "the c-kzg package's trusted setup is missing: run "
                       "scripts/install-deps.sh";
  std::vector<std::string> lines;
  for (std::string line; std::getline(real, line);) {
    lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 8259u);
  std::string truncated;
  std::string bad_point;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i < 100) {
      truncated += lines[i] + "\n";
    }
    // Line 3 is the first G1 Lagrange point; all ones is no valid encoding.
    bad_point += (i == 2 ? std::string(96, 'f') : lines[i]) + "\n";
  }
  for (const std::string& content :
       {truncated, std::string("not a trusted setup\n"), std::string("4\n65\n"), bad_point}) {
    const TempFile file(content);
    const Result<std::unique_ptr<Kzg>> loaded = Kzg::Load(file.path());
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().code(), ErrorCode::kDataLoss) << loaded.error().ToString();
    EXPECT_NE(loaded.error().message().find("not a valid KZG trusted setup"), std::string::npos);
  }
}

TEST(KzgLoadTest, TrustedSetupPathPrecedence) {
  const char* saved = std::getenv("ORCH_KZG_TRUSTED_SETUP");
  const std::string saved_value = saved != nullptr ? saved : "";
  ::unsetenv("ORCH_KZG_TRUSTED_SETUP");

  const fs::path fallback = ResolveTrustedSetupPath(std::nullopt);
  EXPECT_TRUE(fs::exists(fallback)) << fallback;
  EXPECT_EQ(fallback.filename(), "trusted_setup.txt");
  ::setenv("ORCH_KZG_TRUSTED_SETUP", "/from/env.txt", 1);
  EXPECT_EQ(ResolveTrustedSetupPath(std::nullopt), "/from/env.txt");
  EXPECT_EQ(ResolveTrustedSetupPath("/explicit.txt"), "/explicit.txt");
  ::setenv("ORCH_KZG_TRUSTED_SETUP", "", 1);
  EXPECT_EQ(ResolveTrustedSetupPath(std::nullopt), fallback);

  if (saved != nullptr) {
    ::setenv("ORCH_KZG_TRUSTED_SETUP", saved_value.c_str(), 1);
  } else {
    ::unsetenv("ORCH_KZG_TRUSTED_SETUP");
  }
}

TEST_F(KzgTest, SharedInstanceIsLoadedOncePerFile) {
  EXPECT_EQ(*Kzg::Shared(), kzg_);
  // The same file by another spelling of its path.
  const fs::path path = ResolveTrustedSetupPath(std::nullopt);
  EXPECT_EQ(*Kzg::Shared(path.parent_path() / "." / path.filename()), kzg_);
}

}  // namespace
}  // namespace orch::kzg
