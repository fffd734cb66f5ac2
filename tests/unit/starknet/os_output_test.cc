#include "orch/starknet/os_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/testdata.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/kzg.h"
#include "orch/starknet/os_config_hash.h"
#include "orch/starknet/program_output_file.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;
using ::testing::HasSubstr;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

Felt Hex(std::string_view text) { return Felt::FromHex(text).value(); }

// A 10-word header with recognisable values: roots 0xa/0xb, blocks 100 -> 101, hashes
// 0xc/0xd, program hash 0, config hash 0xe.
std::vector<Felt> Header(bool use_kzg_da, bool full_output) {
  return {F(0xa), F(0xb), F(100), F(101),        F(0xc),
          F(0xd), F(0),   F(0xe), F(use_kzg_da), F(full_output)};
}

void Append(std::vector<Felt>& words, std::initializer_list<Felt> more) {
  words.insert(words.end(), more.begin(), more.end());
}

TEST(OsOutputTest, ParsesTheSettlementVectorAndItsBlobMatchesTheKzgSegment) {
  const Result<std::string> text =
      test_support::ReadTestdata("settlement/6806848/program_output.txt");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  const Result<std::vector<Felt>> words = ParseProgramOutputAnyFormat(*text);
  ASSERT_TRUE(words.ok()) << words.error().ToString();
  ASSERT_EQ(words->size(), 23u);

  const Result<OsOutput> output = ParseOsOutput(*words);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_EQ(output->layout, OsOutputLayout::kV0_13_2);
  EXPECT_EQ(output->prev_block_number, F(218378));
  EXPECT_EQ(output->new_block_number, F(218402));
  EXPECT_EQ(output->prev_state_root, (*words)[0]);
  EXPECT_EQ(output->new_state_root, (*words)[1]);
  EXPECT_EQ(output->config_hash, (*words)[7]);
  EXPECT_TRUE(output->use_kzg_da);
  EXPECT_EQ(output->full_output, false);
  ASSERT_TRUE(output->kzg.has_value());
  EXPECT_EQ(output->kzg->z, (*words)[10]);
  ASSERT_EQ(output->kzg->commitments.size(), 1u);
  ASSERT_EQ(output->kzg->y.size(), 1u);
  ASSERT_EQ(output->messages_to_l1.size(), 1u);
  EXPECT_EQ(output->messages_to_l1[0].payload.size(), 2u);
  EXPECT_EQ(output->messages_to_l1[0].payload[0], (*words)[20]);
  EXPECT_TRUE(output->messages_to_l2.empty());
  EXPECT_FALSE(output->full_state_diff.has_value());
  EXPECT_TRUE(output->da_words.empty());

  // The blob published with it: commit(blob) is the commitment of the output and p(z) its y.
  const Result<std::string> blob_hex = test_support::ReadTestdata("settlement/6806848/blob.hex");
  ASSERT_TRUE(blob_hex.ok()) << blob_hex.error().ToString();
  const Result<kzg::Blob> blob = kzg::Blob::FromHex(*blob_hex);
  ASSERT_TRUE(blob.ok()) << blob.error().ToString();
  const Result<const kzg::Kzg*> kzg = kzg::Kzg::Shared();
  ASSERT_TRUE(kzg.ok()) << kzg.error().ToString();
  const Result<kzg::Commitment> commitment = (*kzg)->BlobToCommitment(*blob);
  ASSERT_TRUE(commitment.ok()) << commitment.error().ToString();
  EXPECT_EQ(commitment->bytes, output->kzg->commitments[0]);
  const Result<kzg::EvaluationProof> evaluation =
      (*kzg)->ComputeKzgProof(*blob, output->kzg->z.ToBytesBe());
  ASSERT_TRUE(evaluation.ok()) << evaluation.error().ToString();
  EXPECT_EQ(evaluation->y, output->kzg->y[0].ToBytesBe());
}

TEST(OsOutputTest, ParsesSeveralBlobsWithTheirLimbsInOrder) {
  std::vector<Felt> words = Header(true, false);
  // z, two blobs: commitments (low, high) x2, then y (low, high) x2.
  Append(words, {F(0x77), F(2), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8)});
  Append(words, {F(0), F(0)});
  const Result<OsOutput> output = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  ASSERT_EQ(output->kzg->commitments.size(), 2u);
  // Commitment 1 = high 4, low 3: 24 bytes of high then 24 bytes of low.
  KzgCommitment expected{};
  expected[23] = 4;
  expected[47] = 3;
  EXPECT_EQ(output->kzg->commitments[1], expected);
  EXPECT_EQ(output->kzg->y[0], (U256(6) << 128) | U256(5));
  EXPECT_EQ(output->kzg->y[1], (U256(8) << 128) | U256(7));
}

TEST(OsOutputTest, ParsesMessagesInBothDirections) {
  std::vector<Felt> words = Header(true, false);
  Append(words, {F(0x77), F(0)});  // no blobs
  // L2->L1: two messages of 4 and 3 words.
  Append(words, {F(7), F(0x11), F(0x12), F(1), F(0x13), F(0x21), F(0x22), F(0)});
  // L1->L2: one message with a payload of two words.
  Append(words, {F(7), F(0x31), F(0x32), F(9), F(0x5e1), F(2), F(0x41), F(0x42)});
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  ASSERT_EQ(output->messages_to_l1.size(), 2u);
  EXPECT_EQ(output->messages_to_l1[0].from_address, F(0x11));
  EXPECT_EQ(output->messages_to_l1[0].payload, std::vector<Felt>{F(0x13)});
  EXPECT_TRUE(output->messages_to_l1[1].payload.empty());
  ASSERT_EQ(output->messages_to_l2.size(), 1u);
  EXPECT_EQ(output->messages_to_l2[0].nonce, F(9));
  EXPECT_EQ(output->messages_to_l2[0].selector, F(0x5e1));
  EXPECT_EQ(output->messages_to_l2[0].payload, (std::vector<Felt>{F(0x41), F(0x42)}));
}

TEST(OsOutputTest, ParsesTheFullStateDiffWhenDaIsNotKzg) {
  // Shaped like sepolia_924016: one contract (0x1) with one storage write, no classes.
  std::vector<Felt> words = Header(false, true);
  Append(words, {F(0), F(0)});
  Append(words, {F(1), F(0x1), F(0), F(0), F(0), F(0), F(1), F(0xe1966), F(0), F(0x7ff9), F(1),
                 F(0xc1), F(0), F(0xc2)});
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_FALSE(output->kzg.has_value());
  ASSERT_TRUE(output->full_state_diff.has_value());
  ASSERT_EQ(output->full_state_diff->contracts.size(), 1u);
  const FullContractChange& contract = output->full_state_diff->contracts[0];
  EXPECT_EQ(contract.address, F(1));
  ASSERT_EQ(contract.storage.size(), 1u);
  EXPECT_EQ(contract.storage[0].key, F(0xe1966));
  EXPECT_EQ(contract.storage[0].new_value, F(0x7ff9));
  ASSERT_EQ(output->full_state_diff->classes.size(), 1u);
  EXPECT_EQ(output->full_state_diff->classes[0].new_compiled_class_hash, F(0xc2));
}

TEST(OsOutputTest, KeepsThePartialDaWordsAsTheyAre) {
  std::vector<Felt> words = Header(false, false);
  Append(words, {F(0), F(0), F(0x123), F(0x456)});
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_EQ(output->da_words, (std::vector<Felt>{F(0x123), F(0x456)}));
}

TEST(OsOutputTest, RecognisesTheLegacyLayout) {
  // [prev_root, new_root, block_number, block_hash, config_hash, use_kzg_da,
  //  commitment low, commitment high, z, y low, y high, messages...]
  const Felt z = Hex("0x3fedcba9876543210fedcba9876543210fedcba9876543210fedcba98765432");
  std::vector<Felt> words{F(0xa),  F(0xb), F(666040), F(0xd),  F(0xe), F(1), F(0x1c),
                          F(0x1d), z,      F(0x2a),   F(0x2b), F(0),   F(0)};
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_EQ(output->layout, OsOutputLayout::kLegacy0_13_1);
  EXPECT_EQ(output->new_block_number, F(666040));
  EXPECT_FALSE(output->prev_block_number.has_value());
  EXPECT_FALSE(output->full_output.has_value());
  ASSERT_TRUE(output->kzg.has_value());
  EXPECT_EQ(output->kzg->z, z);
  EXPECT_EQ(output->kzg->y[0], (U256(0x2b) << 128) | U256(0x2a));
  EXPECT_EQ(output->kzg->commitments[0][47], 0x1c);
  EXPECT_EQ(output->kzg->commitments[0][23], 0x1d);
}

TEST(OsOutputTest, TruncatedOutputNamesTheMissingSegment) {
  std::vector<Felt> words = Header(true, false);
  Append(words, {F(0x77), F(2), F(1), F(2), F(3)});  // two blobs announced, 3 words follow
  const Result<OsOutput> output = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(), HasSubstr("word 11 (n_blobs) is 2"));
  EXPECT_THAT(output.error().message(), HasSubstr("only 3 words remain"));
}

TEST(OsOutputTest, FlagsMustBeZeroOrOne) {
  std::vector<Felt> words = Header(true, false);
  words[9] = F(2);
  const Result<OsOutput> output = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(), HasSubstr("word 9 (full_output) must be 0 or 1"));
}

TEST(OsOutputTest, LimbsWiderThanTheirHalfAreRejected) {
  std::vector<Felt> words = Header(true, false);
  Append(words, {F(0x77), F(1), F(1), F(2), F(3), F(1)});
  words[13] = Felt::FromU256(U256(1) << 192).value();  // commitment high limb, 193 bits
  Append(words, {F(0), F(0)});
  const Result<OsOutput> output = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(),
              HasSubstr("word 13 (commitment 0 high limb) has 193 bits, more than the 192"));
}

TEST(OsOutputTest, MessagePayloadPastItsSegmentIsAnError) {
  std::vector<Felt> words = Header(true, false);
  Append(words, {F(0x77), F(0)});
  Append(words, {F(4), F(0x11), F(0x12), F(5), F(0x13)});  // payload of 5 in a 4-word segment
  Append(words, {F(0)});
  const Result<OsOutput> output = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(),
              HasSubstr("L2->L1 message 0 (segment starting at word 12)"));
  EXPECT_THAT(output.error().message(), HasSubstr("payload_size"));
}

TEST(OsOutputTest, WordsAfterTheLastSegmentAreAnError) {
  std::vector<Felt> words = Header(true, false);
  Append(words, {F(0x77), F(0), F(0), F(0), F(0x99)});
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(), HasSubstr("1 unexpected words from word 14 on"));
  EXPECT_THAT(output.error().message(), HasSubstr("nor does it parse as"));
}

TEST(OsOutputTest, ShortOutputIsAnError) {
  const std::vector<Felt> words{F(1), F(2), F(3)};
  const Result<OsOutput> output = ParseOsOutput(words);
  ASSERT_FALSE(output.ok());
  EXPECT_THAT(output.error().message(), HasSubstr("3 words, fewer than the 10-word header"));
}

TEST(OsConfigHashTest, MatchesTheSepoliaConfigHashOfWordSeven) {
  const OsConfig config{.chain_id = Felt::FromShortString("SN_SEPOLIA").value(),
                        .fee_token_address = Hex(
                            "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"),
                        .public_keys = {}};
  EXPECT_EQ(OsConfigHash(config),
            Hex("0x1b9900f77ff5923183a7795fcfbb54ed76917bc1ddd4160cc77fa96e36cf8c5"));
}

TEST(OsConfigHashTest, PublicKeysChangeTheHash) {
  OsConfig config{.chain_id = F(1), .fee_token_address = F(2), .public_keys = {}};
  const Felt without_keys = OsConfigHash(config);
  config.public_keys = {F(3)};
  EXPECT_NE(OsConfigHash(config), without_keys);
}

}  // namespace
}  // namespace orch::starknet
