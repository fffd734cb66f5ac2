// Differential test against the npm c-kzg node binding (tests/oracles/kzg_oracle.mjs): the same
// blobs and points go to both, and commitments, blob proofs, point-evaluation proofs, y values
// and cell proofs must agree byte for byte. The node binding compiles the same C library, so
// this checks our build and wrapper (flags, byte order, argument order) rather than the
// mathematics; y is also checked against the blob's coefficients from our own transform.
//
// Counts: 16 blobs (commitment and blob proof each), 128 (blob, z) point-evaluation proofs
// (8 per blob: 0, 1, r - 1, a domain point and 4 random), cell proofs of 2 blobs, 3 rejected
// inputs. Far fewer than 1,000 proofs: each costs about 50 ms per implementation on the 2-vCPU
// project machines (an MSM over 4096 points), so 1,000 would take about 100 s of CPU; these
// take about 25 s of CPU, and node runs concurrently with our side.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/node_oracle.h"
#include "tests/unit/kzg/field_reference.h"

#include "orch/kzg/blob_transform.h"
#include "orch/kzg/hex.h"
#include "orch/kzg/kzg.h"

namespace orch::kzg {
namespace {

namespace fs = std::filesystem;
using test_support::BitReverse12;
using test_support::EvaluatePolynomial;
using test_support::FromUint64;
using test_support::Modulus;
using test_support::ModulusMinusOne;
using test_support::RootOfUnityPower;

constexpr std::size_t kBlobs = 16;
constexpr std::size_t kPointsPerBlob = 8;
constexpr std::size_t kCellBlobs = 2;

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

class TempDir {
 public:
  TempDir() {
    std::string name = (fs::temp_directory_path() / "orch_kzg_oracle_XXXXXX").string();
    if (::mkdtemp(name.data()) != nullptr) {
      path_ = name;
    }
  }
  ~TempDir() {
    if (!path_.empty()) {
      fs::remove_all(path_);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The oracle, started at construction so that it computes while we do.
class NodeOracle {
 public:
  NodeOracle(const fs::path& node, const fs::path& request, const fs::path& stderr_file)
      : stderr_file_(stderr_file) {
    const std::string command =
        ShellQuote(node.string()) + " " + ShellQuote(ORCH_KZG_ORACLE_SCRIPT) + " " +
        ShellQuote(request.string()) + " 2>" + ShellQuote(stderr_file.string());
    pipe_ = ::popen(command.c_str(), "r");
  }
  ~NodeOracle() {
    if (pipe_ != nullptr) {
      ::pclose(pipe_);
    }
  }
  NodeOracle(const NodeOracle&) = delete;
  NodeOracle& operator=(const NodeOracle&) = delete;

  // Waits for the oracle; its answer, or a failure with what node printed on stderr.
  ::testing::AssertionResult Finish(std::string& answer) {
    if (pipe_ == nullptr) {
      return ::testing::AssertionFailure() << "cannot start node";
    }
    char buffer[1 << 16];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe_)) > 0;) {
      answer.append(buffer, n);
    }
    const int status = ::pclose(pipe_);
    pipe_ = nullptr;
    if (status != 0) {
      std::ifstream errors(stderr_file_);
      std::stringstream text;
      text << errors.rdbuf();
      return ::testing::AssertionFailure()
             << "the c-kzg oracle failed (status " << status
             << "); is the npm package c-kzg installed (scripts/install-deps.sh)? stderr:\n"
             << text.str();
    }
    return ::testing::AssertionSuccess();
  }

 private:
  std::FILE* pipe_ = nullptr;
  fs::path stderr_file_;
};

struct Point {
  std::size_t blob;
  FieldBytes z;
};

std::vector<Blob> MakeBlobs(std::mt19937_64& random) {
  std::vector<Blob> blobs(kBlobs);
  for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
    blobs[1].SetWord(i, ModulusMinusOne());
  }
  std::vector<FieldBytes> felts(3000);
  for (FieldBytes& felt : felts) {
    felt = test_support::RandomFelt(random);
  }
  blobs[2] = *FeltsToBlob(felts);  // shaped like DA data: a short polynomial
  for (std::size_t b = 3; b < kBlobs; ++b) {
    for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
      blobs[b].SetWord(i, test_support::RandomScalar(random));
    }
  }
  return blobs;
}

// Per blob: 0, 1, r - 1, a point of the evaluation domain (c-kzg's special case), and random
// points.
std::vector<Point> MakePoints(std::mt19937_64& random) {
  std::vector<Point> points;
  for (std::size_t b = 0; b < kBlobs; ++b) {
    points.push_back({b, FieldBytes{}});
    points.push_back({b, FromUint64(1)});
    points.push_back({b, ModulusMinusOne()});
    points.push_back({b, RootOfUnityPower(BitReverse12(b * 97))});
    while (points.size() < (b + 1) * kPointsPerBlob) {
      points.push_back({b, test_support::RandomScalar(random)});
    }
  }
  return points;
}

TEST(KzgOracleTest, MatchesNodeCKzgOn16Blobs128PointsAnd2CellProofSets) {
  const Result<std::string> found_node = testing::FindNode();
  ASSERT_TRUE(found_node.ok()) << found_node.error().ToString();
  const fs::path node = *found_node;
  const Result<const Kzg*> shared = Kzg::Shared();
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  const Kzg& kzg = **shared;

  std::mt19937_64 random(/*seed=*/20240313);
  const std::vector<Blob> blobs = MakeBlobs(random);
  const std::vector<Point> points = MakePoints(random);
  Blob bad_blob;
  bad_blob.SetWord(100, Modulus());
  Commitment bad_commitment;
  bad_commitment.bytes.fill(0xff);
  bad_commitment.bytes[0] = 0x9f;

  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  {
    std::ofstream file(dir.path() / "blobs.bin", std::ios::binary);
    for (const Blob& blob : blobs) {
      file.write(reinterpret_cast<const char*>(blob.bytes.data()), kBytesPerBlob);
    }
    file.write(reinterpret_cast<const char*>(bad_blob.bytes.data()), kBytesPerBlob);
  }
  nlohmann::json request = {{"trusted_setup", ResolveTrustedSetupPath(std::nullopt).string()},
                            {"blobs_file", (dir.path() / "blobs.bin").string()},
                            {"points", nlohmann::json::array()},
                            {"cell_blobs", nlohmann::json::array()},
                            {"bad_blob", kBlobs},
                            {"bad_z", ToHex(Modulus())},
                            {"bad_commitment", bad_commitment.ToHex()}};
  for (const Point& point : points) {
    request["points"].push_back({{"blob", point.blob}, {"z", ToHex(point.z)}});
  }
  for (std::size_t b = 0; b < kCellBlobs; ++b) {
    request["cell_blobs"].push_back(b + 2);
  }
  std::ofstream(dir.path() / "request.json") << request.dump();
  NodeOracle oracle(node, dir.path() / "request.json", dir.path() / "stderr.txt");

  std::vector<Commitment> commitments;
  std::vector<Proof> blob_proofs;
  for (const Blob& blob : blobs) {
    commitments.push_back(*kzg.BlobToCommitment(blob));
    blob_proofs.push_back(*kzg.ComputeBlobProof(blob, commitments.back()));
    EXPECT_TRUE(*kzg.VerifyBlobProof(blob, commitments.back(), blob_proofs.back()));
  }
  std::vector<EvaluationProof> evaluations;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const Point& point = points[p];
    evaluations.push_back(*kzg.ComputeKzgProof(blobs[point.blob], point.z));
    EXPECT_TRUE(*kzg.VerifyKzgProof(commitments[point.blob], point.z, evaluations.back().y,
                                    evaluations.back().proof))
        << "point " << p;
  }
  std::vector<std::vector<Proof>> cell_proofs;
  for (std::size_t b = 0; b < kCellBlobs; ++b) {
    cell_proofs.push_back(*kzg.ComputeCellProofs(blobs[b + 2]));
  }
  // y = p(z) from the coefficients of our inverse transform, and at a domain point the blob's
  // own word.
  for (std::size_t b = 0; b < kBlobs; ++b) {
    const std::vector<FieldBytes> felts = *BlobToFelts(blobs[b]);
    for (std::size_t p = b * kPointsPerBlob; p < (b + 1) * kPointsPerBlob; ++p) {
      EXPECT_EQ(evaluations[p].y, EvaluatePolynomial(felts, points[p].z)) << "point " << p;
    }
    EXPECT_EQ(evaluations[b * kPointsPerBlob + 3].y, blobs[b].Word(b * 97)) << "blob " << b;
  }
  EXPECT_FALSE(kzg.BlobToCommitment(bad_blob).ok());
  EXPECT_FALSE(kzg.ComputeKzgProof(blobs[0], Modulus()).ok());
  EXPECT_FALSE(kzg.VerifyKzgProof(bad_commitment, FieldBytes{}, FieldBytes{}, blob_proofs[0]).ok());

  std::string answer_text;
  ASSERT_TRUE(oracle.Finish(answer_text));
  const nlohmann::json answer = nlohmann::json::parse(answer_text);
  ASSERT_EQ(answer.at("commitments").size(), kBlobs);
  for (std::size_t b = 0; b < kBlobs; ++b) {
    EXPECT_EQ(commitments[b].ToHex(), answer["commitments"][b]) << "blob " << b;
    EXPECT_EQ(blob_proofs[b].ToHex(), answer["blob_proofs"][b]) << "blob " << b;
    EXPECT_TRUE(answer["blob_proofs_valid"][b].get<bool>()) << "blob " << b;
  }
  ASSERT_EQ(answer.at("points").size(), points.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    EXPECT_EQ(evaluations[p].proof.ToHex(), answer["points"][p]["proof"]) << "point " << p;
    EXPECT_EQ(ToHex(evaluations[p].y), answer["points"][p]["y"]) << "point " << p;
    EXPECT_TRUE(answer["points"][p]["valid"].get<bool>()) << "point " << p;
  }
  ASSERT_EQ(answer.at("cell_proofs").size(), kCellBlobs);
  for (std::size_t b = 0; b < kCellBlobs; ++b) {
    ASSERT_EQ(answer["cell_proofs"][b].size(), kCellsPerExtendedBlob);
    for (std::size_t c = 0; c < kCellsPerExtendedBlob; ++c) {
      EXPECT_EQ(cell_proofs[b][c].ToHex(), answer["cell_proofs"][b][c]) << "cell " << c;
    }
  }
  for (const char* input : {"bad_blob", "bad_z", "bad_commitment"}) {
    EXPECT_FALSE(answer["rejected"][input].is_null()) << "c-kzg (node) accepted " << input;
  }
}

}  // namespace
}  // namespace orch::kzg
