#include "orch/kzg/blob_transform.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/unit/kzg/field_reference.h"
#include "tests/unit/kzg/testdata.h"

#include "orch/common/strings.h"

namespace orch::kzg {
namespace {

using orch::test_support::ReadTestdata;
using test_support::BitReverse12;
using test_support::EvaluatePolynomial;
using test_support::FromUint64;
using test_support::Modulus;
using test_support::ModulusMinusOne;
using test_support::RootOfUnityPower;

std::vector<FieldBytes> RandomFelts(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<FieldBytes> felts(count);
  for (FieldBytes& felt : felts) {
    felt = test_support::RandomFelt(random);
  }
  return felts;
}

std::vector<FieldBytes> ZeroPadded(std::vector<FieldBytes> felts) {
  felts.resize(kFieldElementsPerBlob);
  return felts;
}

TEST(BlobTransformTest, ReferenceRootOfUnityIsTheSpecsPrimitiveRoot) {
  // spec protocols.md §7.4: w =
  // 39033254847818212395286706435128746857159659164139250548781411570340225835782
  EXPECT_EQ(
      RootOfUnityPower(1),
      *ParseFieldHex("0x564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306", "w"));
  EXPECT_EQ(RootOfUnityPower(2048), ModulusMinusOne());
  EXPECT_EQ(RootOfUnityPower(4096), FromUint64(1));
}

TEST(BlobTransformTest, WordIIsThePolynomialAtTheBitReversedRoot) {
  const std::vector<FieldBytes> felts = RandomFelts(kFieldElementsPerBlob, /*seed=*/1);
  const Blob blob = *FeltsToBlob(felts);
  std::mt19937_64 random(/*seed=*/2);
  std::set<std::size_t> indices = {0, 1, 2, 3, 2048, 4094, 4095};
  while (indices.size() < 64) {
    indices.insert(random() % kFieldElementsPerBlob);
  }
  for (const std::size_t i : indices) {
    EXPECT_EQ(blob.Word(i), EvaluatePolynomial(felts, RootOfUnityPower(BitReverse12(i))))
        << "word " << i;
  }
}

TEST(BlobTransformTest, ShortInputsAreZeroPadded) {
  const std::vector<FieldBytes> felts = RandomFelts(5, /*seed=*/3);
  const Blob blob = *FeltsToBlob(felts);
  for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
    ASSERT_EQ(blob.Word(i), EvaluatePolynomial(felts, RootOfUnityPower(BitReverse12(i))))
        << "word " << i;
  }
  EXPECT_EQ(*BlobToFelts(blob), ZeroPadded(felts));
}

TEST(BlobTransformTest, SimplePolynomials) {
  EXPECT_EQ(*FeltsToBlob({}), Blob{});
  EXPECT_EQ(*BlobToFelts(Blob{}), std::vector<FieldBytes>(kFieldElementsPerBlob));

  // f(x) = c: every word is c.
  const Blob constant = *FeltsToBlob(std::vector{ModulusMinusOne()});
  for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
    ASSERT_EQ(constant.Word(i), ModulusMinusOne()) << "word " << i;
  }
  // f(x) = x: word i is w^bitrev(i).
  const Blob identity = *FeltsToBlob(std::vector{FieldBytes{}, FromUint64(1)});
  for (const std::size_t i : {0, 1, 2, 3, 100, 4095}) {
    EXPECT_EQ(identity.Word(i), RootOfUnityPower(BitReverse12(i))) << "word " << i;
  }
}

TEST(BlobTransformTest, RoundTripsRandomFelts) {
  for (std::uint64_t seed = 10; seed < 20; ++seed) {
    const std::size_t count =
        seed == 10 ? kFieldElementsPerBlob : 1 + (seed * 397) % kFieldElementsPerBlob;
    const std::vector<FieldBytes> felts = RandomFelts(count, seed);
    EXPECT_EQ(*BlobToFelts(*FeltsToBlob(felts)), ZeroPadded(felts)) << "seed " << seed;
  }
  // The largest values, too.
  const std::vector<FieldBytes> largest(kFieldElementsPerBlob, ModulusMinusOne());
  EXPECT_EQ(*BlobToFelts(*FeltsToBlob(largest)), largest);
}

TEST(BlobTransformTest, RoundTripsRandomBlobs) {
  std::mt19937_64 random(/*seed=*/30);
  for (int round = 0; round < 10; ++round) {
    Blob blob;
    for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
      blob.SetWord(i, test_support::RandomScalar(random));
    }
    const std::vector<FieldBytes> felts = *BlobToFelts(blob);
    EXPECT_EQ(*FeltsToBlob(felts), blob) << "round " << round;
  }
}

TEST(BlobTransformTest, SplitsLongInputsIntoBlobs) {
  EXPECT_TRUE(FeltsToBlobs({})->empty());
  EXPECT_EQ(FeltsToBlobs(RandomFelts(kFieldElementsPerBlob, 40))->size(), 1u);

  const std::vector<FieldBytes> felts = RandomFelts(2 * kFieldElementsPerBlob + 5, /*seed=*/41);
  const std::vector<Blob> blobs = *FeltsToBlobs(felts);
  ASSERT_EQ(blobs.size(), 3u);
  const std::span<const FieldBytes> all(felts);
  EXPECT_EQ(blobs[0], *FeltsToBlob(all.subspan(0, kFieldElementsPerBlob)));
  EXPECT_EQ(blobs[1], *FeltsToBlob(all.subspan(kFieldElementsPerBlob, kFieldElementsPerBlob)));
  EXPECT_EQ(blobs[2], *FeltsToBlob(all.subspan(2 * kFieldElementsPerBlob)));

  std::vector<FieldBytes> padded = felts;
  padded.resize(3 * kFieldElementsPerBlob);
  EXPECT_EQ(*BlobsToFelts(blobs), padded);
}

TEST(BlobTransformTest, RejectsValuesNotBelowTheModulus) {
  std::vector<FieldBytes> felts = RandomFelts(kFieldElementsPerBlob + 10, /*seed=*/50);
  felts[kFieldElementsPerBlob + 3] = Modulus();
  const Result<std::vector<Blob>> blobs = FeltsToBlobs(felts);
  ASSERT_FALSE(blobs.ok());
  EXPECT_EQ(blobs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(blobs.error().message().find("felt 4099 is not below the BLS12-381 modulus"),
            std::string::npos)
      << blobs.error().message();

  const Result<Blob> too_many = FeltsToBlob(RandomFelts(kFieldElementsPerBlob + 1, 51));
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message().find("at most 4096 felts"), std::string::npos);

  Blob bad;
  bad.SetWord(9, Modulus());
  const Result<std::vector<FieldBytes>> decoded = BlobToFelts(bad);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("blob word 9"), std::string::npos);
  const std::vector<Blob> two = {Blob{}, bad};
  const Result<std::vector<FieldBytes>> both = BlobsToFelts(two);
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message().find("blob 1: blob word 9"), std::string::npos)
      << both.error().message();
}

// The number of contracts a legacy (<= 0.13.2) state diff encodes: the first DA felt.
std::size_t ContractCount(const nlohmann::json& state_update) {
  const nlohmann::json& diff = state_update.at("state_diff");
  std::set<std::string> addresses;
  const auto add = [&](const nlohmann::json& list, const char* key) {
    for (const nlohmann::json& entry : list) {
      std::string address = ToLower(entry.at(key).get<std::string>().substr(2));
      address.erase(0, address.find_first_not_of('0'));
      addresses.insert(address);
    }
  };
  add(diff.at("storage_diffs"), "address");
  add(diff.at("nonces"), "contract_address");
  add(diff.at("deployed_contracts"), "address");
  return addresses.size();
}

// Mainnet blobs (MANIFEST.md da/blob): decoding gives Stark felts, re-encoding gives the file
// byte for byte, and where the state update is known its contract count is the first felt.
TEST(BlobTransformTest, RoundTripsMainnetBlobs) {
  struct Vector {
    const char* block;
    bool has_state_update;
  };
  for (const Vector& vector :
       {Vector{"178", true}, Vector{"631861", true}, Vector{"638353", true},
        Vector{"639404", false}, Vector{"640641", true}, Vector{"640644", false}}) {
    SCOPED_TRACE(vector.block);
    const Result<std::string> hex = ReadTestdata(fmt::format("da/blob/{}.hex", vector.block));
    ASSERT_TRUE(hex.ok()) << hex.error().ToString();
    const Result<Blob> blob = Blob::FromHex(*hex);
    ASSERT_TRUE(blob.ok()) << blob.error().ToString();
    const std::vector<FieldBytes> felts = *BlobToFelts(*blob);
    for (std::size_t i = 0; i < felts.size(); ++i) {
      ASSERT_LT(felts[i][0], 0x10) << "felt " << i << " is not below 2^252";
    }
    EXPECT_EQ(*FeltsToBlob(felts), *blob);

    if (vector.has_state_update) {
      const Result<std::string> state_update =
          ReadTestdata(fmt::format("da/state_update/{}.json", vector.block));
      ASSERT_TRUE(state_update.ok()) << state_update.error().ToString();
      EXPECT_EQ(felts[0], FromUint64(ContractCount(nlohmann::json::parse(*state_update))));
    }
  }
}

TEST(BlobTransformTest, RoundTripsKzgVectorBlobs) {
  for (const char* file :
       {"kzg/651053/blob_data.txt", "kzg/651054/blob_data.txt", "kzg/blob_proof_20462788/blob.hex",
        "kzg/blob_proof_20462818/blob.hex", "settlement/6806848/blob.hex"}) {
    SCOPED_TRACE(file);
    const Result<std::string> hex = ReadTestdata(file);
    ASSERT_TRUE(hex.ok()) << hex.error().ToString();
    const Result<Blob> blob = Blob::FromHex(*hex);
    ASSERT_TRUE(blob.ok()) << blob.error().ToString();
    EXPECT_EQ(*FeltsToBlob(*BlobToFelts(*blob)), *blob);
  }
}

// The Sepolia settlement of MANIFEST.md: the OS evaluated its DA felts at z and got y;
// decoding the blob gives those felts back.
TEST(BlobTransformTest, DecodedSettlementBlobEvaluatesToTheOsY) {
  const Result<test_support::SettlementVector> settlement = test_support::ReadSettlementVector();
  ASSERT_TRUE(settlement.ok()) << settlement.error().ToString();
  const std::vector<FieldBytes> felts = *BlobToFelts(settlement->blob);
  EXPECT_EQ(EvaluatePolynomial(felts, settlement->z), settlement->y);
}

}  // namespace
}  // namespace orch::kzg
