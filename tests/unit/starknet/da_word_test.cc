#include "orch/starknet/da_word.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "orch/crypto/u256.h"

namespace orch::starknet {
namespace {

using crypto::Felt;

struct DaWordCase {
  bool class_updated;
  std::uint64_t nonce;
  std::uint64_t n_updates;
  const char* word;  // decimal
};

// Both directions: the fields encode to the word and the word decodes to the fields.
void ExpectWords(const StarknetVersion& version, std::initializer_list<DaWordCase> cases) {
  for (const DaWordCase& c : cases) {
    SCOPED_TRACE(testing::Message() << version.ToString() << " class=" << c.class_updated
                                    << " nonce=" << c.nonce << " n=" << c.n_updates);
    const Result<Felt> word =
        EncodeDaWord(version, c.class_updated, Felt::FromUint64(c.nonce), c.n_updates);
    ASSERT_TRUE(word.ok()) << word.error().ToString();
    EXPECT_EQ(word->ToDecimal(), c.word);
    const Result<DaWordFields> fields = DecodeDaWord(version, *Felt::FromDecimal(c.word));
    ASSERT_TRUE(fields.ok()) << fields.error().ToString();
    EXPECT_EQ(*fields, (DaWordFields{.class_updated = c.class_updated,
                                     .nonce = Felt::FromUint64(c.nonce),
                                     .n_updates = c.n_updates}));
  }
}

// upstream-behaviour.md §11.2 (orchestrator tests src/tests/compression/mod.rs).
TEST(DaWordTest, LegacyWordTable) {
  ExpectWords(StarknetVersion(0, 13, 2),
              {
                  {false, 1, 1, "18446744073709551617"},
                  {false, 1, 0, "18446744073709551616"},
                  {false, 0, 6, "6"},
                  {true, 1, 0, "340282366920938463481821351505477763072"},
              });
}

TEST(DaWordTest, PackedWordTable) {
  ExpectWords(StarknetVersion(0, 13, 5), {
                                             {false, 0, 15, "62"},
                                             {false, 0, 1024, "4096"},
                                             {false, 10, 0, "10242"},
                                             {false, 15, 2025, "1106804644422573105060"},
                                             {true, 0, 10, "43"},
                                             {true, 0, 1000, "4001"},
                                             {true, 20, 255, "21503"},
                                             {true, 1000, 256, "73786976294838206465025"},
                                         });
}

TEST(DaWordTest, TheLayoutChangesAt0_13_3) {
  const Felt nonce = Felt::FromUint64(1);
  // 2^64 + 1 before 0.13.3, (1 << 10) | (1 << 2) | 0b10 from it on.
  EXPECT_EQ(EncodeDaWord(StarknetVersion(0, 13, 1), false, nonce, 1)->ToDecimal(),
            "18446744073709551617");
  EXPECT_EQ(EncodeDaWord(StarknetVersion(0, 13, 2, 1), false, nonce, 1)->ToDecimal(),
            "18446744073709551617");
  EXPECT_EQ(EncodeDaWord(kVersion0_13_3, false, nonce, 1)->ToDecimal(), "1030");
  EXPECT_EQ(EncodeDaWord(StarknetVersion(0, 14, 2), false, nonce, 1)->ToDecimal(), "1030");
}

TEST(DaWordTest, LargestNonceAndCountFit) {
  const Felt max_nonce = Felt::FromUint64(UINT64_MAX);
  const crypto::U256 max(UINT64_MAX);
  const Result<Felt> legacy = EncodeDaWord(StarknetVersion(0, 13, 2), true, max_nonce, UINT64_MAX);
  ASSERT_TRUE(legacy.ok()) << legacy.error().ToString();
  EXPECT_EQ(legacy->ToU256(), (crypto::U256(1) << 128) | (max << 64) | max);
  const Result<Felt> packed = EncodeDaWord(kVersion0_13_3, true, max_nonce, UINT64_MAX);
  ASSERT_TRUE(packed.ok()) << packed.error().ToString();
  EXPECT_EQ(packed->ToU256(), (max << 66) | (max << 2) | crypto::U256(1));
}

TEST(DaWordTest, RejectsNoncesFrom2To64) {
  const Felt two_to_64 = *Felt::FromHex("0x10000000000000000");
  for (const StarknetVersion& version : {StarknetVersion(0, 13, 2), StarknetVersion(0, 13, 5)}) {
    const Result<Felt> word = EncodeDaWord(version, false, two_to_64, 1);
    ASSERT_FALSE(word.ok()) << version.ToString();
    EXPECT_EQ(word.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(word.error().message().find("0x10000000000000000"), std::string::npos);
  }
}

std::string DecodeError(const StarknetVersion& version, const crypto::U256& word) {
  const Result<DaWordFields> fields = DecodeDaWord(version, *Felt::FromU256(word));
  return fields.ok() ? "<no error>" : fields.error().message();
}

crypto::U256 Pow2(unsigned k) { return crypto::U256(1) << k; }

TEST(DaWordTest, DecodingRejectsBitsAboveTheFields) {
  using ::testing::HasSubstr;
  const StarknetVersion legacy(0, 13, 2);
  // Legacy: the class flag (bit 128) is the top bit.
  EXPECT_TRUE(DecodeDaWord(legacy, *Felt::FromU256(Pow2(128) | crypto::U256(7))).ok());
  EXPECT_THAT(DecodeError(legacy, Pow2(129)),
              HasSubstr("DA word 0x200000000000000000000000000000000 has bits set above the "
                        "class flag (bit 128) of the <= 0.13.2 layout"));
  EXPECT_THAT(DecodeError(legacy, Pow2(250) | crypto::U256(1)), HasSubstr("above the class flag"));

  // Packed, small: the nonce ends at bit 73; large: at bit 129.
  const crypto::U256 small_flag(2);
  EXPECT_TRUE(DecodeDaWord(kVersion0_13_3, *Felt::FromU256(Pow2(73) | small_flag)).ok());
  EXPECT_THAT(DecodeError(kVersion0_13_3, Pow2(74) | small_flag),
              HasSubstr("has bits set above the nonce field (bit 73) of the small layout"));
  const crypto::U256 large_count(256 << 2);
  EXPECT_TRUE(DecodeDaWord(kVersion0_13_3, *Felt::FromU256(Pow2(129) | large_count)).ok());
  EXPECT_THAT(DecodeError(kVersion0_13_3, Pow2(130) | large_count),
              HasSubstr("has bits set above the nonce field (bit 129) of the large layout"));
}

TEST(DaWordTest, DecodingRejectsTheLargeLayoutForSmallCounts) {
  // 5 updates with the small flag clear: the same fields as 0x16, which the OS writes.
  EXPECT_EQ(DecodeError(kVersion0_13_3, crypto::U256(5 << 2)),
            "DA word 0x14 is in the large layout with 5 updates, which the OS writes in the small "
            "layout");
  EXPECT_TRUE(DecodeDaWord(kVersion0_13_3, Felt::FromUint64((5 << 2) | 2)).ok());
  // Zero is such a word (an untouched contract is 0b10 in the packed layout), not in the
  // legacy one.
  EXPECT_THAT(DecodeError(kVersion0_13_3, crypto::U256(0)), testing::HasSubstr("large layout"));
  EXPECT_EQ(*DecodeDaWord(StarknetVersion(0, 13, 2), Felt()), DaWordFields{});
  // 255 is the largest count of the large layout the OS never writes.
  EXPECT_THAT(DecodeError(kVersion0_13_3, crypto::U256(255 << 2)),
              testing::HasSubstr("with 255 updates"));
  EXPECT_TRUE(DecodeDaWord(kVersion0_13_3, Felt::FromUint64(256 << 2)).ok());
}

// Every accepted word re-encodes to itself, and every encodable field set decodes back.
TEST(DaWordTest, DecodingInvertsEncoding) {
  for (const StarknetVersion& version : {StarknetVersion(0, 13, 2), kVersion0_13_3}) {
    SCOPED_TRACE(version.ToString());
    std::size_t accepted = 0;
    for (std::uint64_t low = 0; low < 4096; ++low) {
      // Low bits alone, and with each field's top bit and the bit above it set.
      for (const unsigned high : {0u, 63u, 64u, 73u, 74u, 127u, 128u, 129u, 130u, 251u}) {
        const crypto::U256 value = crypto::U256(low) | (high == 0 ? crypto::U256() : Pow2(high));
        const Felt word = *Felt::FromU256(value);
        const Result<DaWordFields> fields = DecodeDaWord(version, word);
        if (!fields.ok()) {
          continue;
        }
        ++accepted;
        const Result<Felt> again =
            EncodeDaWord(version, fields->class_updated, fields->nonce, fields->n_updates);
        ASSERT_TRUE(again.ok()) << again.error().ToString();
        ASSERT_EQ(*again, word) << value.ToHex();
      }
    }
    EXPECT_GT(accepted, 4096u);

    const std::vector<std::uint64_t> values = {0, 1, 255, 256, 1000, UINT64_MAX / 2, UINT64_MAX};
    for (const bool class_updated : {false, true}) {
      for (const std::uint64_t nonce : values) {
        for (const std::uint64_t n_updates : values) {
          const DaWordFields fields{.class_updated = class_updated,
                                    .nonce = Felt::FromUint64(nonce),
                                    .n_updates = n_updates};
          const Result<Felt> word = EncodeDaWord(version, class_updated, fields.nonce, n_updates);
          ASSERT_TRUE(word.ok()) << word.error().ToString();
          const Result<DaWordFields> decoded = DecodeDaWord(version, *word);
          ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
          EXPECT_EQ(*decoded, fields) << word->ToHex();
        }
      }
    }
  }
}

}  // namespace
}  // namespace orch::starknet
