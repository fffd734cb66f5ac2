#include "orch/starknet/state_diff_decoding.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/starknet/da_vectors.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/da_word.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/state_update_json.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using ::testing::HasSubstr;

constexpr StarknetVersion kLegacyVersion{0, 13, 2};

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

Felt Word(const StarknetVersion& version, bool class_updated, std::uint64_t nonce,
          std::uint64_t n_updates) {
  return EncodeDaWord(version, class_updated, F(nonce), n_updates).value();
}

std::string DecodeError(const std::vector<Felt>& felts,
                        const StarknetVersion& version = kLegacyVersion) {
  const Result<DecodedDaStateDiff> decoded = DecodeDaStateDiff(felts, version);
  return decoded.ok() ? "<no error>" : decoded.error().message();
}

// Decodes `felts` (an encoding followed by anything), checks that it re-serialises to its
// prefix and returns the diff.
DaStateDiff ExpectRoundTrip(const std::vector<Felt>& felts, const StarknetVersion& version,
                            std::size_t expected_consumed) {
  const Result<DecodedDaStateDiff> decoded = DecodeDaStateDiff(felts, version);
  EXPECT_TRUE(decoded.ok()) << decoded.error().ToString();
  if (!decoded.ok()) {
    return {};
  }
  EXPECT_EQ(decoded->consumed, expected_consumed);
  const Result<std::vector<Felt>> again = SerializeDaStateDiff(decoded->diff, version);
  EXPECT_TRUE(again.ok()) << again.error().ToString();
  if (again.ok()) {
    EXPECT_TRUE(*again == std::vector<Felt>(felts.begin(), felts.begin() + decoded->consumed))
        << "the re-serialised diff differs from the first " << decoded->consumed << " felts";
  }
  return decoded->diff;
}

// A diff with every kind of record: storage only, nonce only, class and storage, class only,
// a large count, and declared classes.
DaStateDiff SampleDiff() {
  DaStateDiff diff{.contracts = {{F(0x1), F(0), std::nullopt, {{F(7), F(70)}}},
                                 {F(0x300), F(4), std::nullopt, {}},
                                 {F(0x500), F(6), F(0xc5), {{F(3), F(30)}, {F(9), F(90)}}},
                                 {F(0x800), F(0), F(0xc8), {}},
                                 {F(0x900), F(UINT64_MAX), std::nullopt, {}}},
                   .classes = {{F(0xd1), F(0xe1)}, {F(0xd2), F(0xe2)}}};
  for (std::uint64_t key = 0; key < 300; ++key) {
    diff.contracts[3].storage_entries.push_back({F(key), F(key + 1)});
  }
  return diff;
}

// --- real data ------------------------------------------------------------------------------

// Every blob of da/blob holds an uncompressed <= 0.13.2 encoding followed by zero padding.
TEST(StateDiffDecodingTest, PublishedBlobsRoundTrip) {
  for (const std::uint64_t block : {178u, 631861u, 638353u, 639404u, 640641u, 640644u}) {
    SCOPED_TRACE(block);
    const Result<std::vector<Felt>> read =
        test_support::ReadBlobFelts(fmt::format("da/blob/{}.hex", block));
    ASSERT_TRUE(read.ok()) << read.error().ToString();
    const std::vector<Felt>& felts = *read;
    ASSERT_EQ(felts.size(), kzg::kFieldElementsPerBlob);

    const Result<DecodedDaStateDiff> decoded = DecodeDaStateDiff(felts, kLegacyVersion);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(F(decoded->diff.contracts.size()), felts.front());
    EXPECT_FALSE(decoded->diff.contracts.empty());
    for (std::size_t i = decoded->consumed; i < felts.size(); ++i) {
      ASSERT_EQ(felts[i], F(0)) << "non-zero felt " << i << " after the state diff";
    }
    ExpectRoundTrip(felts, kLegacyVersion, decoded->consumed);

    // The same diff in the packed layout decodes to itself too.
    const Result<std::vector<Felt>> packed = SerializeDaStateDiff(decoded->diff, kVersion0_13_3);
    ASSERT_TRUE(packed.ok()) << packed.error().ToString();
    EXPECT_EQ(ExpectRoundTrip(*packed, kVersion0_13_3, packed->size()), decoded->diff);
  }
}

// The encoder's output for the recorded blocks decodes to what the encoder collected.
TEST(StateDiffDecodingTest, DecodesTheLegacyEncodingOfRecordedBlocks) {
  for (const std::uint64_t block : test_support::kDaVectorBlocks) {
    SCOPED_TRACE(block);
    Result<test_support::DaVector> vector = test_support::ReadDaVector(block);
    ASSERT_TRUE(vector.ok()) << vector.error().ToString();
    const StateUpdate* update = &vector->update;
    TableNonceSource* nonces = &vector->nonces;

    const Result<DaStateDiff> collected =
        CollectLegacyDaStateDiff(update->state_diff, block, *nonces);
    ASSERT_TRUE(collected.ok()) << collected.error().ToString();
    const Result<std::vector<Felt>> felts =
        EncodeLegacyStateDiff(update->state_diff, block, *nonces);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();

    const Result<DecodedDaStateDiff> decoded = DecodeDaStateDiff(*felts, kLegacyVersion);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->consumed, felts->size());
    EXPECT_EQ(decoded->diff, *collected);
  }
}

// --- layout -----------------------------------------------------------------------------------

TEST(StateDiffDecodingTest, SampleDiffRoundTripsInBothLayouts) {
  const DaStateDiff diff = SampleDiff();
  for (const StarknetVersion& version :
       {StarknetVersion(0, 13, 1), kLegacyVersion, kVersion0_13_3, StarknetVersion(0, 14, 1)}) {
    SCOPED_TRACE(version.ToString());
    std::vector<Felt> felts = SerializeDaStateDiff(diff, version).value();
    const std::size_t length = felts.size();
    EXPECT_EQ(ExpectRoundTrip(felts, version, length), diff);
    // Padding and anything else after the encoding are left to the caller.
    felts.insert(felts.end(), {F(0), F(0), F(5), Felt::Max()});
    EXPECT_EQ(ExpectRoundTrip(felts, version, length), diff);
  }
}

TEST(StateDiffDecodingTest, ReadsTheLayoutFeltByFelt) {
  // clang-format off
  const std::vector<Felt> legacy = {
      F(2),
      F(0x500), Word(kLegacyVersion, true, 6, 2), F(0xc5), F(3), F(30), F(9), F(90),
      F(0x700), Word(kLegacyVersion, false, 1, 0),
      F(1),
      F(0xd1), F(0xe1)};
  // clang-format on
  const DaStateDiff expected{
      .contracts = {{F(0x500), F(6), F(0xc5), {{F(3), F(30)}, {F(9), F(90)}}},
                    {F(0x700), F(1), std::nullopt, {}}},
      .classes = {{F(0xd1), F(0xe1)}}};
  EXPECT_EQ(ExpectRoundTrip(legacy, kLegacyVersion, legacy.size()), expected);

  std::vector<Felt> packed = legacy;
  packed[2] = F((6 << 10) | (2 << 2) | 0b11);
  packed[9] = F((1 << 10) | 0b10);
  EXPECT_EQ(ExpectRoundTrip(packed, kVersion0_13_3, packed.size()), expected);
}

TEST(StateDiffDecodingTest, EmptyDiffIsTwoZeros) {
  EXPECT_EQ(ExpectRoundTrip({F(0), F(0)}, kLegacyVersion, 2), DaStateDiff{});
  EXPECT_EQ(ExpectRoundTrip({F(0), F(0), F(0)}, kVersion0_13_3, 2), DaStateDiff{});
}

// --- malformed input --------------------------------------------------------------------------

TEST(StateDiffDecodingTest, RejectsDataThatEndsEarly) {
  EXPECT_EQ(DecodeError({}), "felt 0: expected n_contracts, but the data ends");
  EXPECT_EQ(DecodeError({F(0)}), "felt 1: expected n_classes, but the data ends");
  const Felt word = Word(kLegacyVersion, false, 0, 1);
  EXPECT_EQ(DecodeError({F(1), F(0x500), word, F(3), F(30)}),
            "felt 5: expected n_classes, but the data ends");
  // The count's check leaves room for two felts per contract; storage entries use that up.
  const Felt two_updates = Word(kLegacyVersion, false, 0, 2);
  EXPECT_EQ(DecodeError({F(2), F(0x500), two_updates, F(3), F(30), F(4), F(40)}),
            "felt 7: expected the address of contract 1 of 2, but the data ends");
  EXPECT_EQ(DecodeError({F(2), F(0x500), word, F(3), F(30), F(0x600)}),
            "felt 6: expected the DA word of contract 1 (0x600), but the data ends");
  EXPECT_EQ(
      DecodeError({F(2), F(0x500), word, F(3), F(30), F(0x600), Word(kLegacyVersion, true, 0, 0)}),
      "felt 7: expected the class hash of contract 1 (0x600), whose class flag is set, but the "
      "data ends");
}

TEST(StateDiffDecodingTest, RejectsCountsPastTheEnd) {
  EXPECT_EQ(DecodeError({F(5), F(0x500), F(0), F(0)}),
            "felt 0: n_contracts is 5 but the 3 felts that remain hold at most 1 contracts "
            "(address and DA word each, then n_classes)");
  // Far beyond memory: rejected before anything is allocated.
  EXPECT_THAT(DecodeError({Felt::Max(), F(0)}),
              HasSubstr(fmt::format("felt 0: n_contracts is {} but", Felt::Max().ToDecimal())));

  // Storage counts: "felt 6", the second contract's DA word.
  std::vector<Felt> felts = {F(2),  F(0x500), Word(kLegacyVersion, false, 0, 1),  F(3),
                             F(30), F(0x600), Word(kLegacyVersion, false, 0, 300)};
  felts.resize(felts.size() + 12);
  EXPECT_EQ(DecodeError(felts),
            "felt 6: contract 1 (0x600) declares 300 storage updates (2 felts each) but only 12 "
            "felts remain");
  felts[6] = Word(kLegacyVersion, false, 0, UINT64_MAX);
  EXPECT_THAT(DecodeError(felts),
              HasSubstr(fmt::format("declares {} storage updates", UINT64_MAX)));
  felts[2] = Word(kVersion0_13_3, false, 0, 1);
  felts[6] = Word(kVersion0_13_3, false, 0, UINT64_MAX);
  EXPECT_THAT(DecodeError(felts, kVersion0_13_3),
              HasSubstr(fmt::format("declares {} storage updates", UINT64_MAX)));

  EXPECT_EQ(DecodeError({F(0), F(3), F(0xd1), F(0xe1)}),
            "felt 1: n_classes is 3 (2 felts each) but only 2 felts remain");
  EXPECT_THAT(DecodeError({F(0), Felt::Max()}),
              HasSubstr(fmt::format("felt 1: n_classes is {}", Felt::Max().ToDecimal())));
}

TEST(StateDiffDecodingTest, RejectsNonCanonicalWords) {
  // Legacy: a bit above the class flag.
  const Felt high_bit = *Felt::FromHex("0x200000000000000000000000000000001");
  EXPECT_EQ(DecodeError({F(1), F(0x500), high_bit, F(3), F(30), F(0)}),
            "felt 2: contract 0 (0x500): DA word 0x200000000000000000000000000000001 has bits set "
            "above the class flag (bit 128) of the <= 0.13.2 layout");
  // Packed: 1 update in the large layout (the OS writes 0b110).
  EXPECT_EQ(DecodeError({F(1), F(0x500), F(0b100), F(3), F(30), F(0)}, kVersion0_13_3),
            "felt 2: contract 0 (0x500): DA word 0x4 is in the large layout with 1 updates, which "
            "the OS writes in the small layout");
  EXPECT_EQ(DecodeError({F(1), F(0x500), F(0b110), F(3), F(30), F(0)}, kVersion0_13_3),
            "<no error>");
}

TEST(StateDiffDecodingTest, TheWordLayoutIsTheVersions) {
  // The legacy word of "1 update, nonce 1" read as a packed word: class flag, large layout,
  // 2^62 updates.
  const std::vector<Felt> felts = {F(1), F(0x500), Word(kLegacyVersion, false, 1, 1),
                                   F(3), F(30),    F(0)};
  EXPECT_EQ(DecodeError(felts), "<no error>");
  EXPECT_THAT(DecodeError(felts, kVersion0_13_3),
              HasSubstr("felt 2: contract 0 (0x500) declares 4611686018427387904 storage updates"));
}

}  // namespace
}  // namespace orch::starknet
