#include "orch/eth/bytes.h"

#include <gtest/gtest.h>

#include "orch/eth/word.h"

namespace orch::eth {
namespace {

TEST(HexTest, EncodesLowerCaseWithPrefix) {
  EXPECT_EQ(ToHex(Bytes{}), "0x");
  EXPECT_EQ(ToHex(Bytes{0x00, 0xab, 0xff, 0x10}), "0x00abff10");
}

TEST(HexTest, DecodesWithOrWithoutPrefixInEitherCase) {
  EXPECT_EQ(*FromHex("0x00abFF10"), (Bytes{0x00, 0xab, 0xff, 0x10}));
  EXPECT_EQ(*FromHex("0X00abFF10"), (Bytes{0x00, 0xab, 0xff, 0x10}));
  EXPECT_EQ(*FromHex("00ABff10"), (Bytes{0x00, 0xab, 0xff, 0x10}));
  EXPECT_EQ(*FromHex(""), Bytes{});
  EXPECT_EQ(*FromHex("0x"), Bytes{});
}

TEST(HexTest, RejectsOddLengthAndNonHexWithPosition) {
  const Result<Bytes> odd = FromHex("0xabc");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(odd.error().message(), "odd number of hex digits (3)");

  const Result<Bytes> bad = FromHex("0xabzd");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "non-hex character 'z' at position 4");

  const Result<Bytes> binary = FromHex(std::string("ab\n1", 4));
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error().message(), "non-hex byte 0x0a at position 2");

  EXPECT_FALSE(FromHex("0x 1").ok());
  EXPECT_FALSE(FromHex("x0").ok());
}

TEST(HexTest, FixedSizeChecksTheLength) {
  EXPECT_EQ(*FromHexFixed<2>("0x0102"), (std::array<std::uint8_t, 2>{1, 2}));
  const auto short_value = FromHexFixed<32>("0x0102");
  ASSERT_FALSE(short_value.ok());
  EXPECT_EQ(short_value.error().message(), "expected 32 bytes (64 hex digits), got 4 hex digits");
  EXPECT_FALSE(FromHexFixed<2>("0x01020").ok());
  EXPECT_FALSE(FromHexFixed<2>("0x01g2").ok());
}

TEST(WordTest, ConvertsIntegers) {
  EXPECT_EQ(ToHex(WordFromUint64(0x0102)),
            "0x0000000000000000000000000000000000000000000000000000000000000102");
  EXPECT_EQ(ToHex(WordFromInt64(-1)),
            "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  EXPECT_EQ(ToHex(WordFromInt64(-2)),
            "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
  EXPECT_EQ(WordFromInt64(7), WordFromUint64(7));
  EXPECT_EQ(*WordToUint64(WordFromUint64(UINT64_MAX)), UINT64_MAX);
  Word big = WordFromUint64(1);
  big[23] = 1;
  const Result<std::uint64_t> too_big = WordToUint64(big);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code(), ErrorCode::kInvalidArgument);
}

TEST(WordTest, ParsesHexQuantities) {
  EXPECT_EQ(*WordFromHex("0x1"), WordFromUint64(1));
  EXPECT_EQ(*WordFromHex("0x0"), WordFromUint64(0));
  EXPECT_EQ(*WordFromHex("abc"), WordFromUint64(0xabc));
  EXPECT_EQ(*WordFromHex("0x00000000000000000000000000000000000000000000000000000000000000FF"),
            WordFromUint64(0xff));
  EXPECT_EQ(*WordFromHex("0x" + std::string(64, 'f')), WordFromInt64(-1));
  EXPECT_FALSE(WordFromHex("0x").ok());
  EXPECT_FALSE(WordFromHex("").ok());
  EXPECT_FALSE(WordFromHex("0x1" + std::string(64, '0')).ok());
  const Result<Word> bad = WordFromHex("0x12g4");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "non-hex character in quantity at position 4");
}

TEST(WordTest, TrimsLeadingZeros) {
  EXPECT_TRUE(TrimLeadingZeros(WordFromUint64(0)).empty());
  const Word word = WordFromUint64(0x0100);
  const auto trimmed = TrimLeadingZeros(word);
  EXPECT_EQ(Bytes(trimmed.begin(), trimmed.end()), (Bytes{0x01, 0x00}));
}

}  // namespace
}  // namespace orch::eth
