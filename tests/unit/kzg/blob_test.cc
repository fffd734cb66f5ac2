#include "orch/kzg/blob.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/kzg/field_reference.h"

namespace orch::kzg {
namespace {

using test_support::FromUint64;
using test_support::Modulus;
using test_support::ModulusMinusOne;

TEST(FieldBytesTest, CanonicalMeansBelowTheModulus) {
  EXPECT_TRUE(IsCanonical(FieldBytes{}));
  EXPECT_TRUE(IsCanonical(ModulusMinusOne()));
  EXPECT_FALSE(IsCanonical(Modulus()));
  FieldBytes all_ones;
  all_ones.fill(0xff);
  EXPECT_FALSE(IsCanonical(all_ones));
}

TEST(FieldBytesTest, ParsesHexNumbers) {
  EXPECT_EQ(*ParseFieldHex("0x5", "z"), FromUint64(5));
  EXPECT_EQ(*ParseFieldHex("  05\n", "z"), FromUint64(5));
  EXPECT_EQ(*ParseFieldHex("0X1234", "z"), FromUint64(0x1234));
  EXPECT_EQ(
      *ParseFieldHex("0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000", "z"),
      ModulusMinusOne());
}

TEST(FieldBytesTest, RejectsBadHexNumbers) {
  const Result<FieldBytes> too_big =
      ParseFieldHex("0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", "z");
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(too_big.error().message().find("not below the BLS12-381 modulus"), std::string::npos)
      << too_big.error().message();

  const std::vector<std::string> bad = {"", "0x", "0xg1", "12 34", std::string(65, '1')};
  for (const std::string& text : bad) {
    const Result<FieldBytes> parsed = ParseFieldHex(text, "z");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find('z'), std::string::npos);
  }
}

TEST(BlobTest, RoundTripsThroughHexAndBytes) {
  Blob blob;
  blob.SetWord(0, FromUint64(1));
  blob.SetWord(4095, ModulusMinusOne());
  const std::string hex = blob.ToHex();
  ASSERT_EQ(hex.size(), 2 + 2 * kBytesPerBlob);
  EXPECT_EQ(*Blob::FromHex(hex), blob);
  EXPECT_EQ(*Blob::FromHex(" \n" + hex.substr(2) + "\n"), blob);
  EXPECT_EQ(*Blob::FromBytes(blob.bytes), blob);
  EXPECT_EQ(blob.Word(4095), ModulusMinusOne());
  EXPECT_EQ(blob.Word(1), FieldBytes{});
}

TEST(BlobTest, RejectsWrongSizes) {
  for (const std::size_t size : {std::size_t{0}, kBytesPerBlob - 1, kBytesPerBlob + 1}) {
    const Result<Blob> blob = Blob::FromBytes(std::vector<std::uint8_t>(size));
    ASSERT_FALSE(blob.ok());
    EXPECT_EQ(blob.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(blob.error().message().find("131072"), std::string::npos);
  }
  const Result<Blob> short_hex = Blob::FromHex("0x00");
  ASSERT_FALSE(short_hex.ok());
  EXPECT_NE(short_hex.error().message().find("262144 hex digits"), std::string::npos);
  const Result<Blob> odd_hex = Blob::FromHex(std::string(2 * kBytesPerBlob - 1, '0'));
  ASSERT_FALSE(odd_hex.ok());
  std::string not_hex(2 * kBytesPerBlob, '0');
  not_hex[1000] = 'x';
  const Result<Blob> bad_digit = Blob::FromHex(not_hex);
  ASSERT_FALSE(bad_digit.ok());
  EXPECT_NE(bad_digit.error().message().find("digit 1000"), std::string::npos)
      << bad_digit.error().message();
}

TEST(BlobTest, RejectsWordsNotBelowTheModulus) {
  Blob blob;
  blob.SetWord(17, Modulus());
  const Result<void> check = CheckBlobWords(blob);
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.error().message().find("blob word 17"), std::string::npos)
      << check.error().message();
  const Result<Blob> from_bytes = Blob::FromBytes(blob.bytes);
  ASSERT_FALSE(from_bytes.ok());
  EXPECT_NE(from_bytes.error().message().find("blob word 17"), std::string::npos);
  EXPECT_FALSE(Blob::FromHex(blob.ToHex()).ok());
}

}  // namespace
}  // namespace orch::kzg
