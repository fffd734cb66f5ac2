// `orchestrator tool` for the Starknet data formats: da-encode, program-output and pie-info,
// checked against the real chain vectors of ../shared/testdata, and make-chain.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/tool_runner.h"

#include "orch/common/strings.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"
#include "orch/starknet/os_config_hash.h"
#include "orch/starknet/program_output_file.h"
#include "orch/starknet/synthetic_chain.h"

namespace orch::testing {
namespace {

using nlohmann::json;
using test_support::CommandResult;
using test_support::Output;
using test_support::ReadFile;
using test_support::RunTool;
using test_support::TempDir;
using test_support::Testdata;
using test_support::WriteFile;

json ParseJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << text;
  return parsed;
}

std::vector<crypto::Felt> SettlementWords() {
  std::string path;
  Testdata("settlement/6806848/program_output.txt", path);
  const Result<std::vector<crypto::Felt>> words =
      starknet::ParseProgramOutputAnyFormat(ReadFile(path));
  EXPECT_TRUE(words.ok()) << words.error().ToString();
  return words.ok() ? *words : std::vector<crypto::Felt>{};
}

TEST(StarknetToolTest, ProgramOutputReadsEveryStorageFormatAlike) {
  TempDir dir;
  std::string decimal_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("settlement/6806848/program_output.txt", decimal_path));
  const std::vector<crypto::Felt> words = SettlementWords();
  ASSERT_EQ(words.size(), 23u);
  WriteFile(dir.File("program_output.txt"),
            starknet::EncodeProgramOutput(words, starknet::ProgramOutputFormat::kBincode));
  WriteFile(dir.File("snos_output.json"),
            starknet::EncodeProgramOutput(words, starknet::ProgramOutputFormat::kJsonArray));

  const json from_decimal = ParseJson(Output(dir, "program-output --file " + decimal_path));
  EXPECT_EQ(from_decimal["layout"], "v0.13.2");
  EXPECT_EQ(from_decimal["prev_block_number"], "0x3550a");  // 218378
  EXPECT_EQ(from_decimal["new_block_number"], "0x35522");   // 218402
  EXPECT_EQ(from_decimal["config_hash"], words[7].ToHex());
  EXPECT_EQ(from_decimal["use_kzg_da"], true);
  EXPECT_EQ(from_decimal["full_output"], false);
  EXPECT_EQ(from_decimal["kzg"]["z"], words[10].ToHex());
  EXPECT_EQ(from_decimal["kzg"]["n_blobs"], 1);
  // The commitment is high limb (word 13) then low limb (word 12), 24 bytes each.
  EXPECT_EQ(from_decimal["kzg"]["commitments"][0],
            "0x" + words[13].ToPaddedHex().substr(2 + 16) + words[12].ToPaddedHex().substr(2 + 16));
  ASSERT_EQ(from_decimal["messages_to_l1"].size(), 1u);
  EXPECT_EQ(from_decimal["messages_to_l1"][0]["payload"].size(), 2u);
  EXPECT_TRUE(from_decimal["messages_to_l2"].empty());

  EXPECT_EQ(ParseJson(Output(dir, "program-output --file " + dir.File("program_output.txt"))),
            from_decimal);
  EXPECT_EQ(ParseJson(Output(dir, "program-output --file -", dir.File("snos_output.json"))),
            from_decimal);
}

TEST(StarknetToolTest, ProgramOutputErrorsNameTheFileAndTheWord) {
  TempDir dir;
  std::vector<crypto::Felt> words = SettlementWords();
  ASSERT_FALSE(words.empty());
  words.pop_back();  // the L1->L2 segment length
  WriteFile(dir.File("truncated.json"),
            starknet::EncodeProgramOutput(words, starknet::ProgramOutputFormat::kJsonArray));
  const CommandResult truncated =
      RunTool(dir, "program-output --file " + dir.File("truncated.json"));
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("truncated.json"), std::string::npos) << truncated.err;
  EXPECT_NE(truncated.err.find("the output ends at word 22"), std::string::npos) << truncated.err;

  WriteFile(dir.File("bad.txt"), "12\nnot-a-number\n");
  const CommandResult bad = RunTool(dir, "program-output --file " + dir.File("bad.txt"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;

  const CommandResult missing = RunTool(dir, "program-output --file " + dir.File("nope"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
}

TEST(StarknetToolTest, EveryToolHasHelp) {
  TempDir dir;
  const CommandResult list = RunTool(dir, "--help");
  for (const std::string tool : {"da-encode", "program-output", "pie-info", "make-chain"}) {
    EXPECT_NE(list.out.find(tool), std::string::npos) << list.out;
    const CommandResult help = RunTool(dir, tool + " --help");
    EXPECT_EQ(help.exit_code, 0) << tool;
    EXPECT_NE(help.out.find("tool " + tool), std::string::npos) << help.out;
  }
}

// Every mainnet block of the da/ vectors encodes to the blob published on L1.
TEST(StarknetToolTest, DaEncodeReproducesThePublishedBlobs) {
  TempDir dir;
  for (const std::string block : {"178", "631861", "638353", "640641"}) {
    SCOPED_TRACE(block);
    std::string update;
    std::string nonces;
    std::string blob;
    ASSERT_NO_FATAL_FAILURE(Testdata("da/state_update/" + block + ".json", update));
    ASSERT_NO_FATAL_FAILURE(Testdata("da/nonces/" + block + ".json", nonces));
    ASSERT_NO_FATAL_FAILURE(Testdata("da/blob/" + block + ".hex", blob));
    const json out =
        ParseJson(Output(dir, "da-encode --state-update " + update + " --nonces " + nonces +
                                  " --block " + block + " --starknet-version 0.13.2 --blobs"));
    ASSERT_EQ(out["blobs"].size(), 1u);
    EXPECT_EQ(out["blobs"][0], std::string(TrimWhitespace(ReadFile(blob))));
  }
}

TEST(StarknetToolTest, DaEncodeFeltsDependOnTheVersion) {
  TempDir dir;
  std::string update;
  std::string nonces;
  ASSERT_NO_FATAL_FAILURE(Testdata("da/state_update/178.json", update));
  ASSERT_NO_FATAL_FAILURE(Testdata("da/nonces/178.json", nonces));
  const std::string common = "da-encode --state-update " + update + " --nonces " + nonces +
                             " --block 178 --starknet-version ";
  const json legacy = ParseJson(Output(dir, common + "0.13.2"));
  const json compressed = ParseJson(Output(dir, common + "0.13.3"));
  ASSERT_FALSE(legacy["felts"].empty());
  ASSERT_FALSE(compressed["felts"].empty());
  // <= 0.13.2 starts with the number of contracts; >= 0.13.3 with the compression header,
  // whose low 20 bits are the version (0) and the next 20 the uncompressed length.
  const crypto::U256 header =
      crypto::U256::FromHex(compressed["felts"][0].get<std::string>()).value();
  EXPECT_EQ((header & crypto::U256((1u << 20) - 1)).ToUint64(), 0u);
  EXPECT_GT(((header >> 20) & crypto::U256((1u << 20) - 1)).ToUint64(), 0u);
  EXPECT_NE(legacy["felts"][0], compressed["felts"][0]);
}

TEST(StarknetToolTest, DaEncodeErrorsSayWhatIsMissing) {
  TempDir dir;
  std::string update;
  ASSERT_NO_FATAL_FAILURE(Testdata("da/state_update/631861.json", update));
  const CommandResult no_nonces =
      RunTool(dir, "da-encode --state-update " + update + " --starknet-version 0.13.2");
  EXPECT_EQ(no_nonces.exit_code, 1);
  EXPECT_NE(no_nonces.err.find("pass --nonces FILE"), std::string::npos) << no_nonces.err;

  const CommandResult unknown =
      RunTool(dir, "da-encode --state-update " + update + " --starknet-version 0.15.0");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("--starknet-version"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("known versions"), std::string::npos) << unknown.err;

  const CommandResult no_alias =
      RunTool(dir, "da-encode --state-update " + update + " --starknet-version 0.14.0");
  EXPECT_EQ(no_alias.exit_code, 1);
  EXPECT_NE(no_alias.err.find("no alias for"), std::string::npos) << no_alias.err;

  WriteFile(dir.File("bad.json"), R"({"state_diff": {"storage_diffs": [{"address": "0xzz"}]}})");
  const CommandResult malformed = RunTool(
      dir, "da-encode --state-update " + dir.File("bad.json") + " --starknet-version 0.13.2");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("bad.json"), std::string::npos) << malformed.err;
  EXPECT_NE(malformed.err.find("storage_diffs[0]"), std::string::npos) << malformed.err;
}

struct PieVector {
  std::string file;
  std::string fact;
  std::string layout;
  std::size_t output_size;
};

TEST(StarknetToolTest, PieInfoMatchesTheManifest) {
  TempDir dir;
  const std::vector<PieVector> vectors = {
      {"fibonacci_rust.zip", "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782",
       "small", 1},
      {"sepolia_924016.zip", "0x033144ad6b132b1012f15e50aa53de1ed91b3b1af729014c3f1c00b702f972ea",
       "all_cairo", 23},
  };
  for (const PieVector& vector : vectors) {
    SCOPED_TRACE(vector.file);
    std::string pie;
    ASSERT_NO_FATAL_FAILURE(Testdata("pie/" + vector.file, pie));
    const json info = ParseJson(Output(dir, "pie-info --pie " + pie));
    EXPECT_EQ(info["fact"], vector.fact);
    EXPECT_EQ(info["layout"], vector.layout);
    EXPECT_EQ(info["output"].size(), vector.output_size);
    EXPECT_GT(info["n_steps"].get<std::uint64_t>(), 0u);
  }
  // Word 7 of the Sepolia OS output is the config hash of its chain id and fee token (STRK).
  std::string sepolia;
  ASSERT_NO_FATAL_FAILURE(Testdata("pie/sepolia_924016.zip", sepolia));
  const json sepolia_info = ParseJson(Output(dir, "pie-info --pie " + sepolia));
  const starknet::OsConfig config{
      .chain_id = crypto::Felt::FromShortString("SN_SEPOLIA").value(),
      .fee_token_address = crypto::Felt::FromHex(
                               "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d")
                               .value(),
      .public_keys = {}};
  EXPECT_EQ(sepolia_info["output"][7], starknet::OsConfigHash(config).ToHex());

  std::string fibonacci;
  ASSERT_NO_FATAL_FAILURE(Testdata("pie/fibonacci_rust.zip", fibonacci));
  const json info = ParseJson(Output(dir, "pie-info --pie -", fibonacci));
  EXPECT_EQ(info["output"], json::array({"0x59"}));  // fibonacci: 89
  const std::string hash = info["program_hash"];
  EXPECT_TRUE(hash.starts_with("0x147550d7")) << hash;
  EXPECT_TRUE(hash.ends_with("bc1c")) << hash;
}

TEST(StarknetToolTest, PieInfoRefusesWhatIsNotAPie) {
  TempDir dir;
  WriteFile(dir.File("not.zip"), "this is not a zip file");
  const CommandResult result = RunTool(dir, "pie-info --pie " + dir.File("not.zip"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("not.zip"), std::string::npos) << result.err;
}

// Every file under `dir` (relative path -> content).
std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[std::filesystem::relative(entry.path(), dir).string()] = ReadFile(entry.path());
    }
  }
  return files;
}

// make-chain writes the library's chain, and da-encode reads its files as they are.
TEST(StarknetToolTest, MakeChainWritesTheGeneratedChain) {
  TempDir dir;
  const std::string out = dir.File("chain");
  const json printed =
      ParseJson(Output(dir, "make-chain --out " + out +
                                " --first-block 5 --blocks 6 --versions 0.13.2,0.13.3 --seed 7"));
  EXPECT_EQ(printed, (json{{"out", out}, {"first_block", 5}, {"last_block", 10}}));

  const Result<std::vector<starknet::SyntheticBlock>> blocks = starknet::GenerateSyntheticChain(
      {.first_block = 5,
       .block_count = 6,
       .versions = {starknet::StarknetVersion(0, 13, 2), starknet::kVersion0_13_3},
       .seed = 7});
  ASSERT_TRUE(blocks.ok()) << blocks.error().ToString();
  ASSERT_TRUE(starknet::WriteSyntheticChain(*blocks, dir.File("expected")).ok());
  const std::map<std::string, std::string> written = ReadTree(out);
  EXPECT_EQ(written.size(), 18u);
  EXPECT_EQ(written, ReadTree(dir.File("expected")));

  for (int block = 5; block <= 10; ++block) {
    SCOPED_TRACE(block);
    const std::string folder = out + "/" + std::to_string(block) + "/";
    const std::string version = block <= 7 ? "0.13.2" : "0.13.3";
    const json header = ParseJson(ReadFile(folder + "block.json"));
    EXPECT_EQ(header["starknet_version"], version);
    const json felts =
        ParseJson(Output(dir, "da-encode --state-update " + folder + "state_update.json --nonces " +
                                  folder + "nonces.json --block " + std::to_string(block) +
                                  " --starknet-version " + version));
    EXPECT_FALSE(felts["felts"].empty());
  }
}

TEST(StarknetToolTest, MakeChainRefusesBadArguments) {
  TempDir dir;
  const std::string out = dir.File("chain");
  const std::string blocks = " --first-block 1 --blocks 3";
  ASSERT_EQ(RunTool(dir, "make-chain --out " + out + blocks).exit_code, 0);
  const CommandResult again = RunTool(dir, "make-chain --out " + out + blocks);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err.rfind("error: --out: ", 0), 0u) << again.err;
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;

  const std::string fresh = "make-chain --out " + dir.File("fresh");
  const CommandResult decreasing = RunTool(dir, fresh + blocks + " --versions 0.14.0,0.13.3");
  EXPECT_EQ(decreasing.exit_code, 1);
  EXPECT_NE(decreasing.err.find("0.13.3 comes after 0.14.0"), std::string::npos) << decreasing.err;
  const CommandResult malformed = RunTool(dir, fresh + blocks + " --versions 0.13.2,zz");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("--versions 'zz'"), std::string::npos) << malformed.err;
  const CommandResult no_blocks = RunTool(dir, fresh + " --first-block 1 --blocks 0");
  EXPECT_EQ(no_blocks.exit_code, 1);
  EXPECT_NE(no_blocks.err.find("1 to 100000 blocks"), std::string::npos) << no_blocks.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("fresh"))) << "nothing is written on errors";

  EXPECT_EQ(RunTool(dir, "make-chain" + blocks).exit_code, 2) << "--out is required";
}

}  // namespace
}  // namespace orch::testing
