#include "orch/starknet/da_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/unit/starknet/da_vectors.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/state_update_json.h"
#include "orch/starknet/stateless_compression.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using ::testing::HasSubstr;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

StarknetVersion Version(std::string_view text) { return StarknetVersion::Parse(text).value(); }

// Sources that must not be asked: the version decides which one the encoding needs.
class UnusedNonceSource final : public NonceSource {
 public:
  Result<Felt> GetNonce(std::uint64_t, const Felt& address) override {
    ADD_FAILURE() << "nonce of " << address.ToHex() << " asked";
    return Error::Internal("unexpected nonce lookup");
  }
};
class UnusedAliasSource final : public AliasSource {
 public:
  Result<std::vector<std::optional<Felt>>> GetAliases(std::span<const Felt>) override {
    ADD_FAILURE() << "aliases asked";
    return Error::Internal("unexpected alias lookup");
  }
};
// Contract 0x456 deployed with class 0xabc; contract 0x123 wrote slot 0x5 and has nonce 1;
// class 0xc1 declared.
StateDiff SmallDiff() {
  StateDiff diff;
  diff.storage_diffs = {{F(0x123), {{F(0x5), F(0x7)}}}};
  diff.nonces = {{F(0x123), F(1)}};
  diff.deployed_contracts = {{F(0x456), F(0xabc)}};
  diff.declared_classes = {{F(0xc1), F(0xcc1)}};
  return diff;
}

TEST(DaEncoderTest, UpToStarknet0_13_2ItIsTheLegacyEncodingOfThePublishedBlob) {
  const Result<test_support::DaVector> vector = test_support::ReadDaVector(631861);
  ASSERT_TRUE(vector.ok()) << vector.error().ToString();

  for (const std::string_view version : {"0.13.1", "0.13.2"}) {
    SCOPED_TRACE(version);
    TableNonceSource nonces = vector->nonces;
    UnusedAliasSource aliases;
    const Result<std::vector<Felt>> felts =
        EncodeStateDiffForDa(vector->update.state_diff, Version(version), 631861, nonces, aliases);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();
    std::vector<kzg::FieldBytes> coefficients;
    for (const Felt& felt : *felts) {
      coefficients.push_back(felt.ToBytesBe());
    }
    const Result<std::vector<kzg::Blob>> blobs = kzg::FeltsToBlobs(coefficients);
    ASSERT_TRUE(blobs.ok()) << blobs.error().ToString();
    ASSERT_EQ(blobs->size(), 1u);
    EXPECT_EQ(blobs->front(), vector->blob);
  }
}

TEST(DaEncoderTest, Starknet0_13_3UsesTheNewWordAndCompresses) {
  UnusedNonceSource nonces;
  UnusedAliasSource aliases;
  const Result<std::vector<Felt>> felts =
      EncodeStateDiffForDa(SmallDiff(), Version("0.13.3"), 10, nonces, aliases);
  ASSERT_TRUE(felts.ok()) << felts.error().ToString();
  const Result<std::vector<Felt>> plain = DecompressStateless(*felts);
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  // Words: nonce 1, 1 update, small, no class -> 1<<10 | 1<<2 | 2 = 1030; nonce 0, 0 updates,
  // small, class -> 2 | 1 = 3.
  const std::vector<Felt> expected{F(2), F(0x123), F(1030), F(0x5),  F(0x7),  F(0x456),
                                   F(3), F(0xabc), F(1),    F(0xc1), F(0xcc1)};
  EXPECT_EQ(*plain, expected);
}

TEST(DaEncoderTest, FromStarknet0_13_4AddressesAndKeysAreAliasedBeforeCompression) {
  StateDiff diff = SmallDiff();
  diff.storage_diffs[0].storage_entries.push_back({F(0x9999), F(0x8)});
  UnusedNonceSource nonces;
  TableAliasSource aliases({{F(0x123), F(0x80)}, {F(0x456), F(0x81)}, {F(0x9999), F(0x82)}});
  const Result<std::vector<Felt>> felts =
      EncodeStateDiffForDa(diff, Version("0.14.0"), 10, nonces, aliases);
  ASSERT_TRUE(felts.ok()) << felts.error().ToString();
  const Result<std::vector<Felt>> plain = DecompressStateless(*felts);
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  // Key 0x5 is below 0x80 and keeps its value; 0x9999 becomes 0x82. Two updates: 1<<10 | 2<<2
  // | 2 = 1034.
  const std::vector<Felt> expected{F(2),    F(0x80), F(1034),  F(0x5), F(0x7),  F(0x82), F(0x8),
                                   F(0x81), F(3),    F(0xabc), F(1),   F(0xc1), F(0xcc1)};
  EXPECT_EQ(*plain, expected);
}

TEST(DaEncoderTest, AMissingAliasIsAnError) {
  UnusedNonceSource nonces;
  TableAliasSource aliases(std::map<Felt, Felt>{{F(0x123), F(0x80)}});
  const Result<std::vector<Felt>> felts =
      EncodeStateDiffForDa(SmallDiff(), Version("0.13.4"), 10, nonces, aliases);
  ASSERT_FALSE(felts.ok());
  EXPECT_EQ(felts.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(felts.error().message(), HasSubstr("0x456"));
}

}  // namespace
}  // namespace orch::starknet
