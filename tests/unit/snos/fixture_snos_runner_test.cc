#include "orch/clients/snos/fixture_snos_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

#include "orch/starknet/program_output_file.h"

namespace orch::snos {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kPie =
    "PK\x03\x04"
    "precomputed pie";

SnosRequest Request(std::uint64_t block) {
  SnosRequest request;
  request.start_block = block;
  request.end_block = block;
  request.chain.chain_id = "MADARA_DEVNET";
  return request;
}

class FixtureSnosRunnerTest : public ::testing::Test {
 protected:
  // Writes `<dir>/<block>/<name>`.
  void Write(std::uint64_t block, const std::string& name, const std::string& content) {
    const fs::path block_dir = fs::path(dir_.path()) / std::to_string(block);
    fs::create_directories(block_dir);
    std::ofstream(block_dir / name, std::ios::binary) << content;
  }
  std::string Path(std::uint64_t block, const std::string& name) const {
    return (fs::path(dir_.path()) / std::to_string(block) / name).string();
  }

  test_support::TempDir dir_;
  FixtureSnosRunner runner_{dir_.path()};
};

TEST_F(FixtureSnosRunnerTest, ReadsThePieAndTheJsonOsOutput) {
  Write(7, "cairo_pie.zip", kPie);
  Write(7, "os_output.json", R"(["0x1", "0x2", "0xabc"])");

  auto result = runner_.Run(Request(7));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->cairo_pie_zip, kPie);
  EXPECT_THAT(result->os_output,
              ElementsAre(crypto::Felt::FromUint64(1), crypto::Felt::FromUint64(2),
                          crypto::Felt::FromUint64(0xabc)));
}

TEST_F(FixtureSnosRunnerTest, ReadsDecimalProgramOutputAsTheSettlementVectorsHoldIt) {
  auto text = test_support::ReadTestdata("settlement/6806848/program_output.txt");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto expected = starknet::ParseProgramOutput(*text, starknet::ProgramOutputFormat::kDecimalLines);
  ASSERT_TRUE(expected.ok()) << expected.error().ToString();
  Write(6806848, "cairo_pie.zip", kPie);
  Write(6806848, "program_output.txt", *text);

  auto result = runner_.Run(Request(6806848));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->os_output, *expected);
  EXPECT_EQ(result->os_output.front().ToDecimal(),
            "490484877666935282615639602163863306547271945626320901957250466559435258548");
}

TEST_F(FixtureSnosRunnerTest, ReadsBincodeProgramOutputAsUpstreamStoresIt) {
  const std::vector<crypto::Felt> felts = {crypto::Felt::FromUint64(5), crypto::Felt::Max()};
  Write(3, "cairo_pie.zip", kPie);
  Write(3, "program_output.txt",
        starknet::EncodeProgramOutput(felts, starknet::ProgramOutputFormat::kBincode));

  auto result = runner_.Run(Request(3));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->os_output, felts);
}

TEST_F(FixtureSnosRunnerTest, PrefersOsOutputJsonOverProgramOutputTxt) {
  Write(7, "cairo_pie.zip", kPie);
  Write(7, "os_output.json", R"(["0x9"])");
  Write(7, "program_output.txt", "1\n2\n");

  auto result = runner_.Run(Request(7));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_THAT(result->os_output, ElementsAre(crypto::Felt::FromUint64(9)));
}

TEST_F(FixtureSnosRunnerTest, RunsOfSeveralBlocksAreInvalid) {
  Write(7, "cairo_pie.zip", kPie);
  Write(7, "os_output.json", R"(["0x1"])");
  SnosRequest request = Request(7);
  request.end_block = 8;

  auto result = runner_.Run(request);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("blocks 7..=8"));
}

TEST_F(FixtureSnosRunnerTest, ABlockWithoutAFixtureYetIsTransient) {
  auto result = runner_.Run(Request(8));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("block 8 has no SNOS fixture yet"));
}

TEST_F(FixtureSnosRunnerTest, AMissingFixtureDirectoryIsPermanent) {
  FixtureSnosRunner runner(dir_.File("absent"));

  auto result = runner.Run(Request(8));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr(dir_.File("absent")));
}

TEST_F(FixtureSnosRunnerTest, AMissingPieIsPermanentNamingThePath) {
  Write(7, "os_output.json", R"(["0x1"])");

  auto result = runner_.Run(Request(7));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr(Path(7, "cairo_pie.zip") + " is missing"));
}

TEST_F(FixtureSnosRunnerTest, MissingOutputsArePermanentNamingBothFiles) {
  Write(7, "cairo_pie.zip", kPie);

  auto result = runner_.Run(Request(7));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(result.error().message(), HasSubstr(Path(7, "os_output.json")));
  EXPECT_THAT(result.error().message(), HasSubstr(Path(7, "program_output.txt")));
}

TEST_F(FixtureSnosRunnerTest, MalformedFilesAreDataLossNamingTheFileAndPlace) {
  Write(1, "cairo_pie.zip", "not a zip");
  Write(1, "os_output.json", R"(["0x1"])");
  Write(2, "cairo_pie.zip", kPie);
  Write(2, "os_output.json", R"(["0x1", "0xzz"])");
  Write(3, "cairo_pie.zip", kPie);
  Write(3, "program_output.txt", "1\nnot a number\n");
  Write(4, "cairo_pie.zip", kPie);
  Write(4, "program_output.txt", "\n");

  const std::vector<std::pair<std::uint64_t, std::string>> cases = {
      {1, Path(1, "cairo_pie.zip") + ": not a Cairo PIE zip"},
      {2, Path(2, "os_output.json") + ": element 1 (\"0xzz\")"},
      {3, Path(3, "program_output.txt") + ": program output line 2"},
      {4, Path(4, "program_output.txt") + ": no felts"},
  };
  for (const auto& [block, expected] : cases) {
    auto result = runner_.Run(Request(block));
    ASSERT_FALSE(result.ok()) << block;
    EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss) << block;
    EXPECT_FALSE(result.error().transient()) << block;
    EXPECT_THAT(result.error().message(), HasSubstr(expected)) << block;
  }
}

TEST_F(FixtureSnosRunnerTest, DescribeNamesTheDirectory) {
  EXPECT_EQ(runner_.Describe(), "fixture:" + dir_.path());
}

}  // namespace
}  // namespace orch::snos
