#include "orch/starknet/program_output_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/support/testdata.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using ::testing::HasSubstr;

std::vector<Felt> RandomWords(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Felt> words;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<std::uint8_t, 32> bytes{};
    for (auto& byte : bytes) {
      byte = static_cast<std::uint8_t>(random());
    }
    words.push_back(Felt::ReduceBytesBe(bytes));
  }
  return words;
}

TEST(ProgramOutputFileTest, EveryFormatRoundTrips) {
  const std::vector<Felt> words = RandomWords(50, 7);
  for (const ProgramOutputFormat format :
       {ProgramOutputFormat::kBincode, ProgramOutputFormat::kJsonArray,
        ProgramOutputFormat::kDecimalLines}) {
    const std::string encoded = EncodeProgramOutput(words, format);
    EXPECT_EQ(DetectProgramOutputFormat(encoded), format) << ToString(format);
    const Result<std::vector<Felt>> decoded = ParseProgramOutputAnyFormat(encoded);
    ASSERT_TRUE(decoded.ok()) << ToString(format) << ": " << decoded.error().ToString();
    EXPECT_EQ(*decoded, words) << ToString(format);
  }
}

TEST(ProgramOutputFileTest, BincodeIsCountThenBigEndianWords) {
  const std::vector<Felt> words{Felt::FromUint64(0x0102), Felt::FromUint64(3)};
  const std::string encoded = EncodeProgramOutput(words, ProgramOutputFormat::kBincode);
  ASSERT_EQ(encoded.size(), 8u + 64u);
  EXPECT_EQ(encoded.substr(0, 8), std::string("\x02\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(encoded[8 + 30], '\x01');
  EXPECT_EQ(encoded[8 + 31], '\x02');
  EXPECT_EQ(encoded[8 + 63], '\x03');
}

TEST(ProgramOutputFileTest, JsonIsAnArrayOfHexStrings) {
  const std::vector<Felt> words{Felt::FromUint64(0), Felt::FromUint64(255)};
  EXPECT_EQ(EncodeProgramOutput(words, ProgramOutputFormat::kJsonArray), R"(["0x0","0xff"])");
}

TEST(ProgramOutputFileTest, ReadsTheSettlementVectorAsDecimalLines) {
  const Result<std::string> text =
      test_support::ReadTestdata("settlement/6806848/program_output.txt");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  ASSERT_EQ(DetectProgramOutputFormat(*text), ProgramOutputFormat::kDecimalLines);
  const Result<std::vector<Felt>> words = ParseProgramOutputAnyFormat(*text);
  ASSERT_TRUE(words.ok()) << words.error().ToString();
  ASSERT_EQ(words->size(), 23u);
  EXPECT_EQ((*words)[2], Felt::FromUint64(218378));
  EXPECT_EQ((*words)[3], Felt::FromUint64(218402));
}

TEST(ProgramOutputFileTest, BincodeWithAWrongCountIsRejectedBeforeAllocating) {
  std::string encoded = EncodeProgramOutput(RandomWords(3, 1), ProgramOutputFormat::kBincode);
  encoded[7] = '\x7f';  // claims about 9e18 words
  const Result<std::vector<Felt>> words =
      ParseProgramOutput(encoded, ProgramOutputFormat::kBincode);
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.error().message(), HasSubstr("holds 96 bytes after the count"));
}

TEST(ProgramOutputFileTest, BincodeTruncatedMidWordIsRejected) {
  std::string encoded = EncodeProgramOutput(RandomWords(3, 2), ProgramOutputFormat::kBincode);
  encoded.pop_back();
  const Result<std::vector<Felt>> words =
      ParseProgramOutput(encoded, ProgramOutputFormat::kBincode);
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.error().message(), HasSubstr("declares 3 words but holds 95 bytes"));
}

TEST(ProgramOutputFileTest, BincodeWordAboveTheModulusIsRejected) {
  std::string encoded = EncodeProgramOutput(RandomWords(2, 3), ProgramOutputFormat::kBincode);
  std::fill(encoded.begin() + 8 + 32, encoded.end(), '\xff');
  const Result<std::vector<Felt>> words =
      ParseProgramOutput(encoded, ProgramOutputFormat::kBincode);
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.error().message(), HasSubstr("bincode program output word 1"));
}

TEST(ProgramOutputFileTest, JsonErrorsNameTheElement) {
  EXPECT_THAT(
      ParseProgramOutput(R"(["0x1", 2])", ProgramOutputFormat::kJsonArray).error().message(),
      HasSubstr("element 1 is a number"));
  EXPECT_THAT(
      ParseProgramOutput(R"(["0x1", "0xzz"])", ProgramOutputFormat::kJsonArray).error().message(),
      HasSubstr("element 1 (\"0xzz\")"));
  EXPECT_THAT(ParseProgramOutput(R"({"a": 1})", ProgramOutputFormat::kJsonArray).error().message(),
              HasSubstr("is a object, expected an array"));
  EXPECT_THAT(ParseProgramOutput("[\"0x1\"", ProgramOutputFormat::kJsonArray).error().message(),
              HasSubstr("not valid JSON"));
}

TEST(ProgramOutputFileTest, DecimalErrorsNameTheLine) {
  const Result<std::vector<Felt>> words =
      ParseProgramOutput("1\n2\n\n12x\n", ProgramOutputFormat::kDecimalLines);
  ASSERT_FALSE(words.ok());
  EXPECT_THAT(words.error().message(), HasSubstr("line 4 (\"12x\")"));
  const Result<std::vector<Felt>> too_big = ParseProgramOutput(
      "3618502788666131213697322783095070105623107215331596699973092056135872020481\n",
      ProgramOutputFormat::kDecimalLines);
  ASSERT_FALSE(too_big.ok());
  EXPECT_THAT(too_big.error().message(), HasSubstr("line 1"));
}

}  // namespace
}  // namespace orch::starknet
