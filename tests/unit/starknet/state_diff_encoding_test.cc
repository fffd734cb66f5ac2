#include "orch/starknet/state_diff_encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/unit/starknet/da_vectors.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/da_word.h"
#include "orch/starknet/state_update_json.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using orch::test_support::ReadTestdata;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

// 2^64 and 2^128: the nonce and class-flag positions of the legacy DA word.
const Felt kTwoTo64 = *Felt::FromHex("0x10000000000000000");
const Felt kTwoTo128 = *Felt::FromHex("0x100000000000000000000000000000000");

// A NonceSource that answers from a table and records every question.
class RecordingNonceSource final : public NonceSource {
 public:
  explicit RecordingNonceSource(std::map<Felt, Felt> nonces) : nonces_(std::move(nonces)) {}

  Result<Felt> GetNonce(std::uint64_t block_number, const Felt& contract_address) override {
    asked_.push_back(contract_address);
    blocks_.push_back(block_number);
    const auto found = nonces_.find(contract_address);
    if (found == nonces_.end()) {
      return Error::NotFound("no nonce for {}", contract_address.ToHex());
    }
    return found->second;
  }

  const std::vector<Felt>& asked() const { return asked_; }
  const std::vector<std::uint64_t>& blocks() const { return blocks_; }

 private:
  std::map<Felt, Felt> nonces_;
  std::vector<Felt> asked_;
  std::vector<std::uint64_t> blocks_;
};

// The key check: mainnet (and devnet) blocks of Starknet <= 0.13.2, encoded with the nonces
// the node answered, give exactly the blob that was published on L1.
TEST(StateDiffEncodingTest, LegacyEncodingReproducesThePublishedBlobs) {
  for (const std::uint64_t block : test_support::kDaVectorBlocks) {
    SCOPED_TRACE(block);
    Result<test_support::DaVector> vector = test_support::ReadDaVector(block);
    ASSERT_TRUE(vector.ok()) << vector.error().ToString();
    const StateUpdate* update = &vector->update;
    TableNonceSource* nonces = &vector->nonces;
    const kzg::Blob* expected = &vector->blob;

    const Result<std::vector<Felt>> felts =
        EncodeLegacyStateDiff(update->state_diff, block, *nonces);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();
    ASSERT_LE(felts->size(), kzg::kFieldElementsPerBlob);
    // One record per contract with storage writes, a new nonce or a deployment.
    std::set<Felt> contracts;
    for (const ContractStorageDiff& contract : update->state_diff.storage_diffs) {
      contracts.insert(contract.address);
    }
    for (const NonceUpdate& nonce : update->state_diff.nonces) {
      contracts.insert(nonce.contract_address);
    }
    for (const DeployedContract& deployed : update->state_diff.deployed_contracts) {
      contracts.insert(deployed.address);
    }
    EXPECT_EQ(felts->front(), F(contracts.size()));

    std::vector<kzg::FieldBytes> coefficients;
    for (const Felt& felt : *felts) {
      coefficients.push_back(felt.ToBytesBe());
    }
    const Result<kzg::Blob> blob = kzg::FeltsToBlob(coefficients);
    ASSERT_TRUE(blob.ok()) << blob.error().ToString();
    EXPECT_TRUE(*blob == *expected) << "the encoded blob differs from da/blob/" << block << ".hex";
  }
}

TEST(StateDiffEncodingTest, LegacyEncodingFailsWithoutTheNonces) {
  const Result<std::string> update_text = ReadTestdata("da/state_update/640641.json");
  ASSERT_TRUE(update_text.ok()) << update_text.error().ToString();
  const Result<StateUpdate> update = ParseStateUpdateJson(*update_text);
  ASSERT_TRUE(update.ok()) << update.error().ToString();
  TableNonceSource empty(640641, {});
  const Result<std::vector<Felt>> felts = EncodeLegacyStateDiff(update->state_diff, 640641, empty);
  ASSERT_FALSE(felts.ok());
  EXPECT_EQ(felts.error().code(), ErrorCode::kNotFound);
}

TEST(StateDiffEncodingTest, LegacyRulesPickContractsNoncesAndClasses) {
  const StateDiff diff{
      .storage_diffs = {{F(0x500), {{F(9), F(90)}, {F(3), F(30)}}},  // needs a nonce lookup
                        {F(0x1), {{F(7), F(70)}}},                   // block hashes: no nonce
                        {F(0x2), {{F(0x80), F(0x81)}}},              // aliases: no nonce
                        {F(0x300), {{F(1), F(10)}}},                 // nonce in the diff
                        {F(0x600), {}}},                             // nothing to look up
      .nonces = {{F(0x300), F(4)}, {F(0x700), F(1)}},
      .deployed_contracts = {{F(0x800), F(0xc8)}, {F(0x600), F(0xc6)}},
      .replaced_classes = {{F(0x500), F(0xc5)}, {F(0x900), F(0xc9)}},  // 0x900: class only
      .declared_classes = {{F(0xd2), F(0xe2)}, {F(0xd1), F(0xe1)}},
      .deprecated_declared_classes = {F(0xdd)},
      .migrated_compiled_classes = {{F(0xd0), F(0xe0)}}};
  RecordingNonceSource nonces(std::map<Felt, Felt>{{F(0x500), F(6)}});

  const Result<DaStateDiff> collected = CollectLegacyDaStateDiff(diff, 42, nonces);
  ASSERT_TRUE(collected.ok()) << collected.error().ToString();
  EXPECT_EQ(nonces.asked(), std::vector<Felt>{F(0x500)});
  EXPECT_EQ(nonces.blocks(), std::vector<std::uint64_t>{42});
  const DaStateDiff expected{
      .contracts = {{F(0x1), F(0), std::nullopt, {{F(7), F(70)}}},
                    {F(0x2), F(0), std::nullopt, {{F(0x80), F(0x81)}}},
                    {F(0x300), F(4), std::nullopt, {{F(1), F(10)}}},
                    {F(0x500), F(6), F(0xc5), {{F(3), F(30)}, {F(9), F(90)}}},
                    {F(0x600), F(0), F(0xc6), {}},
                    {F(0x700), F(1), std::nullopt, {}},
                    {F(0x800), F(0), F(0xc8), {}}},
      .classes = {{F(0xd1), F(0xe1)}, {F(0xd2), F(0xe2)}}};
  EXPECT_EQ(*collected, expected);

  const Result<std::vector<Felt>> felts = EncodeLegacyStateDiff(diff, 42, nonces);
  ASSERT_TRUE(felts.ok()) << felts.error().ToString();
  // One contract per line (clang-format would put every felt on a line of its own).
  // clang-format off
  const std::vector<Felt> expected_felts = {
      F(7),
      F(0x1), F(1), F(7), F(70),
      F(0x2), F(1), F(0x80), F(0x81),
      F(0x300), F(4) * kTwoTo64 + F(1), F(1), F(10),
      F(0x500), kTwoTo128 + F(6) * kTwoTo64 + F(2), F(0xc5), F(3), F(30), F(9), F(90),
      F(0x600), kTwoTo128, F(0xc6),
      F(0x700), kTwoTo64,
      F(0x800), kTwoTo128, F(0xc8),
      F(2),
      F(0xd1), F(0xe1),
      F(0xd2), F(0xe2)};
  // clang-format on
  EXPECT_EQ(*felts, expected_felts);
}

TEST(StateDiffEncodingTest, DeployedClassWinsOverReplacedClass) {
  const StateDiff diff{.storage_diffs = {{F(0x500), {{F(1), F(1)}}}},
                       .nonces = {{F(0x500), F(1)}},
                       .deployed_contracts = {{F(0x500), F(0xaa)}},
                       .replaced_classes = {{F(0x500), F(0xbb)}}};
  TableNonceSource no_nonces(0, {});
  EXPECT_EQ(CollectLegacyDaStateDiff(diff, 0, no_nonces)->contracts.at(0).class_hash, F(0xaa));
  EXPECT_EQ(CollectDaStateDiff(diff)->contracts.at(0).class_hash, F(0xaa));
}

TEST(StateDiffEncodingTest, CompressionRulesPickContractsNoncesAndClasses) {
  const StateDiff diff{
      .storage_diffs = {{F(0x500), {{F(9), F(90)}, {F(3), F(30)}}},  // no nonce: 0, no lookup
                        {F(0x600), {}}},                             // unchanged: left out
      .nonces = {{F(0x700), F(5)}},
      .deployed_contracts = {{F(0x800), F(0xc8)}},
      .replaced_classes = {{F(0x900), F(0xc9)}},  // class only: included
      .declared_classes = {{F(0xd2), F(0xe2)}, {F(0xd1), F(0xe1)}},
      .deprecated_declared_classes = {F(0xdd)},
      .migrated_compiled_classes = {{F(0xd0), F(0xe0)}, {F(0xd3), F(0xe3)}}};

  const Result<DaStateDiff> collected = CollectDaStateDiff(diff);
  ASSERT_TRUE(collected.ok()) << collected.error().ToString();
  const DaStateDiff expected{
      .contracts = {{F(0x500), F(0), std::nullopt, {{F(3), F(30)}, {F(9), F(90)}}},
                    {F(0x700), F(5), std::nullopt, {}},
                    {F(0x800), F(0), F(0xc8), {}},
                    {F(0x900), F(0), F(0xc9), {}}},
      .classes = {{F(0xd0), F(0xe0)}, {F(0xd1), F(0xe1)}, {F(0xd2), F(0xe2)}, {F(0xd3), F(0xe3)}}};
  EXPECT_EQ(*collected, expected);

  // With the packed word of 0.13.3+: nonce << 10 | n << 2 | 0b10 | class flag.
  const Result<std::vector<Felt>> felts = SerializeDaStateDiff(*collected, kVersion0_13_3);
  ASSERT_TRUE(felts.ok()) << felts.error().ToString();
  // clang-format off
  const std::vector<Felt> expected_felts = {
      F(4),
      F(0x500), F((2 << 2) | 2), F(3), F(30), F(9), F(90),
      F(0x700), F((5 << 10) | 2),
      F(0x800), F(3), F(0xc8),
      F(0x900), F(3), F(0xc9),
      F(4),
      F(0xd0), F(0xe0), F(0xd1), F(0xe1), F(0xd2), F(0xe2), F(0xd3), F(0xe3)};
  // clang-format on
  EXPECT_EQ(*felts, expected_felts);
}

TEST(StateDiffEncodingTest, SerialisationUsesTheWordOfTheVersion) {
  const DaStateDiff diff{.contracts = {{F(0x500), F(3), F(0xc5), {{F(1), F(2)}}}}};
  for (const StarknetVersion& version : {StarknetVersion(0, 13, 1), StarknetVersion(0, 13, 2),
                                         kVersion0_13_3, StarknetVersion(0, 14, 2)}) {
    SCOPED_TRACE(version.ToString());
    const Result<std::vector<Felt>> felts = SerializeDaStateDiff(diff, version);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();
    const Felt word = *EncodeDaWord(version, true, F(3), 1);
    EXPECT_EQ(*felts, (std::vector<Felt>{F(1), F(0x500), word, F(0xc5), F(1), F(2), F(0)}));
  }
  // The two layouts really differ here.
  EXPECT_NE(*EncodeDaWord(StarknetVersion(0, 13, 2), true, F(3), 1),
            *EncodeDaWord(kVersion0_13_3, true, F(3), 1));
}

TEST(StateDiffEncodingTest, EmptyDiffIsTwoZeros) {
  TableNonceSource no_nonces(0, {});
  EXPECT_EQ(*EncodeLegacyStateDiff(StateDiff{}, 0, no_nonces), (std::vector<Felt>{F(0), F(0)}));
  EXPECT_EQ(*SerializeDaStateDiff(*CollectDaStateDiff(StateDiff{}), kVersion0_13_3),
            (std::vector<Felt>{F(0), F(0)}));
}

TEST(StateDiffEncodingTest, RejectsAmbiguousDiffs) {
  TableNonceSource no_nonces(0, {});
  const StateDiff repeated{.nonces = {{F(1), F(1)}, {F(1), F(2)}}};
  EXPECT_EQ(CollectLegacyDaStateDiff(repeated, 0, no_nonces).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CollectDaStateDiff(repeated).error().code(), ErrorCode::kInvalidArgument);

  const StateDiff declared_and_migrated{.declared_classes = {{F(7), F(1)}},
                                        .migrated_compiled_classes = {{F(7), F(2)}}};
  const Result<DaStateDiff> collected = CollectDaStateDiff(declared_and_migrated);
  ASSERT_FALSE(collected.ok());
  EXPECT_EQ(collected.error().code(), ErrorCode::kInvalidArgument);
}

TEST(StateDiffEncodingTest, RejectsNoncesTheWordCannotHold) {
  const StateDiff diff{.nonces = {{F(0x700), kTwoTo64}}};
  TableNonceSource no_nonces(0, {});
  const Result<std::vector<Felt>> legacy = EncodeLegacyStateDiff(diff, 0, no_nonces);
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(legacy.error().code(), ErrorCode::kInvalidArgument);
  const Result<std::vector<Felt>> packed =
      SerializeDaStateDiff(*CollectDaStateDiff(diff), kVersion0_13_3);
  ASSERT_FALSE(packed.ok());
  EXPECT_EQ(packed.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orch::starknet
