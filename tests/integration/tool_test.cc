// Runs `orchestrator tool …` as an operator or a script would and checks its answers against
// known vectors: published hash values and the real chain data of ../shared/testdata.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/support/tool_runner.h"

#include "orch/common/strings.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/poseidon.h"
#include "orch/crypto/u256.h"
#include "orch/eth/bytes.h"
#include "orch/eth/sha256.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::Output;
using test_support::ReadFile;
using test_support::RunTool;
using test_support::TempDir;
using test_support::Testdata;
using test_support::WriteFile;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string_view line : SplitString(text, '\n')) {
    if (!line.empty()) {
      lines.emplace_back(line);
    }
  }
  return lines;
}

// Hex as the tool prints it: "0x", lower case, no surrounding whitespace.
std::string NormalizedHex(std::string_view text) {
  std::string hex(TrimWhitespace(text));
  if (hex.starts_with("0x") || hex.starts_with("0X")) {
    hex.erase(0, 2);
  }
  std::ranges::transform(hex, hex.begin(),
                         [](char c) { return static_cast<char>(std::tolower(c)); });
  return "0x" + hex;
}

crypto::U256 Decimal(const std::string& text) {
  const Result<crypto::U256> value = crypto::U256::FromDecimal(TrimWhitespace(text));
  EXPECT_TRUE(value.ok()) << text;
  return value.ok() ? *value : crypto::U256();
}

TEST(ToolTest, EveryToolHasHelp) {
  TempDir dir;
  const std::vector<std::string> tools = {"keccak",          "pedersen",      "poseidon",
                                          "blob-from-felts", "blob-to-felts", "kzg-commit",
                                          "kzg-proof"};
  const CommandResult list = RunTool(dir, "--help");
  EXPECT_EQ(list.exit_code, 0);
  for (const std::string& tool : tools) {
    EXPECT_NE(list.out.find(tool), std::string::npos) << list.out;
    const CommandResult help = RunTool(dir, tool + " --help");
    EXPECT_EQ(help.exit_code, 0) << tool;
    EXPECT_NE(help.out.find("tool " + tool), std::string::npos) << help.out;
  }
  EXPECT_NE(RunTool(dir, "kzg-proof --help").out.find("--z"), std::string::npos);
}

TEST(ToolTest, Keccak) {
  TempDir dir;
  const std::string empty_hash =
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
  EXPECT_EQ(Output(dir, "keccak --text ''"), empty_hash);
  EXPECT_EQ(Output(dir, "keccak --hex 0x"), empty_hash);
  WriteFile(dir.File("empty"), "");
  EXPECT_EQ(Output(dir, "keccak --file " + dir.File("empty")), empty_hash);
  EXPECT_EQ(Output(dir, "keccak --file -", dir.File("empty")), empty_hash);
  // The same bytes three ways.
  WriteFile(dir.File("abc"), "abc");
  const std::string abc = Output(dir, "keccak --text abc");
  EXPECT_EQ(abc, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(Output(dir, "keccak --hex 0x616263"), abc);
  EXPECT_EQ(Output(dir, "keccak --hex 616263"), abc);
  EXPECT_EQ(Output(dir, "keccak --file " + dir.File("abc")), abc);
  // starknet_keccak: the selector of `transfer`.
  EXPECT_EQ(Output(dir, "keccak --starknet --text transfer"),
            "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e");
}

TEST(ToolTest, Pedersen) {
  TempDir dir;
  const std::string a = "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb";
  const std::string b = "0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a";
  EXPECT_EQ(Output(dir, "pedersen " + a + " " + b),
            "0x30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662");
  // Decimal and hex are the same felts.
  EXPECT_EQ(Output(dir, "pedersen 1 2"), Output(dir, "pedersen 0x1 0x02"));
  // compute_hash_on_elements([a, b]) = H(H(H(0, a), b), 2).
  const std::string h0a = Output(dir, "pedersen 0 " + a);
  const std::string h0ab = Output(dir, "pedersen " + h0a + " " + b);
  EXPECT_EQ(Output(dir, "pedersen --on-elements " + a + " " + b),
            Output(dir, "pedersen " + h0ab + " 2"));
  EXPECT_EQ(Output(dir, "pedersen --on-elements"), Output(dir, "pedersen 0 0"));
}

TEST(ToolTest, Poseidon) {
  TempDir dir;
  EXPECT_EQ(Output(dir, "poseidon 1 2 3"),
            "0x2f0d8840bcf3bc629598d8a6cc80cb7c0d9e52d93dab244bbf9cd0dca0ad082");
  EXPECT_EQ(Output(dir, "poseidon 0x1 0x2 0x3"), Output(dir, "poseidon 1 2 3"));
  const crypto::Felt one = crypto::Felt::FromUint64(1);
  const crypto::Felt two = crypto::Felt::FromUint64(2);
  EXPECT_EQ(Output(dir, "poseidon --pair 1 2"), crypto::PoseidonHash(one, two).ToHex());
  EXPECT_EQ(Output(dir, "poseidon --single 1"), crypto::PoseidonHashSingle(one).ToHex());
  // One felt without a flag is hash_many([x]), not hash_single(x).
  const std::vector<crypto::Felt> just_one = {one};
  EXPECT_EQ(Output(dir, "poseidon 1"), crypto::PoseidonHashMany(just_one).ToHex());
  EXPECT_NE(Output(dir, "poseidon 1"), Output(dir, "poseidon --single 1"));
  EXPECT_EQ(Output(dir, "poseidon"), crypto::PoseidonHashMany({}).ToHex());
}

// A real DA blob: blob -> felts -> blob gives the same bytes, in each output form.
TEST(ToolTest, BlobRoundTrip) {
  TempDir dir;
  std::string blob_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("da/blob/639404.hex", blob_path));
  const std::string blob = NormalizedHex(ReadFile(blob_path));

  const std::string felts = Output(dir, "blob-to-felts --blob " + blob_path);
  ASSERT_EQ(Lines(felts).size(), 4096u);
  WriteFile(dir.File("felts.txt"), felts + "\n");
  EXPECT_EQ(Output(dir, "blob-from-felts --felts " + dir.File("felts.txt")), blob);

  // JSON both ways, through standard input; trailing zeros trimmed.
  const std::string json = Output(dir, "blob-to-felts --json --trim-zeros --blob -", blob_path);
  const nlohmann::json array = nlohmann::json::parse(json, nullptr, false);
  ASSERT_TRUE(array.is_array()) << json.substr(0, 200);
  ASSERT_GT(array.size(), 0u);
  EXPECT_LE(array.size(), 4096u);
  EXPECT_NE(array.back(), "0x0");
  EXPECT_EQ(array[0], Lines(felts)[0]);
  WriteFile(dir.File("felts.json"), json);
  EXPECT_EQ(Output(dir, "blob-from-felts --felts -", dir.File("felts.json")), blob);

  // Files in a directory; their paths are printed.
  EXPECT_EQ(Output(dir, "blob-from-felts --felts " + dir.File("felts.json") + " --out " +
                            dir.File("blobs")),
            dir.File("blobs") + "/blob-0.hex");
  EXPECT_EQ(NormalizedHex(ReadFile(dir.File("blobs/blob-0.hex"))), blob);
}

// More than 4096 felts make several blobs; blob-to-felts reads them back from one file.
TEST(ToolTest, SeveralBlobs) {
  TempDir dir;
  std::string felts;
  for (int i = 1; i <= 4097; ++i) {
    felts += std::to_string(i) + "\n";
  }
  WriteFile(dir.File("felts.txt"), felts);
  const std::string blobs = Output(dir, "blob-from-felts --felts " + dir.File("felts.txt"));
  ASSERT_EQ(Lines(blobs).size(), 2u);
  WriteFile(dir.File("blobs.txt"), blobs + "\n");
  const std::vector<std::string> back =
      Lines(Output(dir, "blob-to-felts --trim-zeros --blob " + dir.File("blobs.txt")));
  ASSERT_EQ(back.size(), 4097u);
  EXPECT_EQ(back[0], "0x1");
  EXPECT_EQ(back[4096], crypto::Felt::FromUint64(4097).ToHex());
}

TEST(ToolTest, KzgCommit) {
  TempDir dir;
  // This blob file ends with a newline.
  std::string blob_path;
  std::string commitment_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("kzg/blob_proof_20462818/blob.hex", blob_path));
  ASSERT_NO_FATAL_FAILURE(Testdata("kzg/blob_proof_20462818/commitment.txt", commitment_path));
  const std::string commitment = NormalizedHex(ReadFile(commitment_path));

  const std::string out = Output(dir, "kzg-commit --blob " + blob_path);
  const nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << out;
  EXPECT_EQ(json.size(), 2u) << out;
  EXPECT_EQ(json.value("commitment", ""), commitment);
  const Result<eth::Bytes> commitment_bytes = eth::FromHex(commitment);
  ASSERT_TRUE(commitment_bytes.ok());
  eth::Hash32 versioned_hash = eth::Sha256(*commitment_bytes);
  versioned_hash[0] = 0x01;
  EXPECT_EQ(json.value("versioned_hash", ""), eth::ToHex(versioned_hash));
}

// Mainnet updateStateKzgDA: the recorded proof at the recorded z. The blob is given with "0x"
// and surrounding whitespace.
TEST(ToolTest, KzgProofMatchesMainnet) {
  TempDir dir;
  std::string blob_path;
  std::string z_path;
  std::string proof_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("kzg/651053/blob_data.txt", blob_path));
  ASSERT_NO_FATAL_FAILURE(Testdata("kzg/651053/x_0.txt", z_path));
  ASSERT_NO_FATAL_FAILURE(Testdata("kzg/651053/kzg_proof.txt", proof_path));
  WriteFile(dir.File("blob.hex"), " \n" + NormalizedHex(ReadFile(blob_path)) + "\n\n");
  const std::string z(TrimWhitespace(ReadFile(z_path)));

  const std::string out = Output(dir, "kzg-proof --blob " + dir.File("blob.hex") + " --z " + z);
  const nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << out;
  std::set<std::string> keys;
  for (const auto& [key, value] : json.items()) {
    keys.insert(key);
    EXPECT_TRUE(value.is_string() && value.get<std::string>().starts_with("0x")) << out;
  }
  EXPECT_EQ(keys, (std::set<std::string>{"commitment", "proof", "y"}));
  EXPECT_EQ(json.value("proof", ""), NormalizedHex(ReadFile(proof_path)));
  EXPECT_EQ(json.value("commitment", "").size(), 2u + 96u);
  EXPECT_EQ(json.value("y", "").size(), 2u + 64u);
}

// A Sepolia settlement: its OS output holds z (word 10, passed here in decimal as it appears
// there), the blob's commitment (words 12, 13: low and high 192 bits) and y (words 14, 15: low
// and high 128 bits).
TEST(ToolTest, KzgProofMatchesTheSettlementOutput) {
  TempDir dir;
  std::string blob_path;
  std::string output_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("settlement/6806848/blob.hex", blob_path));
  ASSERT_NO_FATAL_FAILURE(Testdata("settlement/6806848/program_output.txt", output_path));
  const std::vector<std::string> words = Lines(ReadFile(output_path));
  ASSERT_GE(words.size(), 16u);
  const crypto::U256 y = (Decimal(words[15]) << 128u) + Decimal(words[14]);
  const std::string commitment = "0x" + Decimal(words[13]).ToPaddedHex().substr(2 + 16) +
                                 Decimal(words[12]).ToPaddedHex().substr(2 + 16);

  const std::string out = Output(
      dir, "kzg-proof --blob " + blob_path + " --z " + std::string(TrimWhitespace(words[10])));
  const nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << out;
  EXPECT_EQ(json.value("commitment", ""), commitment);
  EXPECT_EQ(json.value("y", ""), y.ToPaddedHex());
}

struct BadInputCase {
  std::string arguments;     // %DIR%, %BLOB% (a valid blob file) are replaced
  std::string must_mention;  // in the one error line
};

TEST(ToolTest, BadInputGivesOneClearErrorLineAndExitCodeOne) {
  std::string blob_path;
  ASSERT_NO_FATAL_FAILURE(Testdata("da/blob/639404.hex", blob_path));
  const std::string too_big = "0x800000000000011000000000000000000000000000000000000000000000001";
  const std::vector<BadInputCase> cases = {
      {"keccak --hex 0xabc", "--hex: odd number of hex digits"},
      {"keccak --hex 0xzz", "--hex: non-hex character 'z'"},
      {"keccak", "exactly one input"},
      {"keccak --text a --hex 0x61", "exactly one input"},
      {"keccak --file %DIR%/missing", "--file %DIR%/missing: no such file"},
      {"pedersen 1", "two felts"},
      {"pedersen 1 " + too_big, "pedersen argument 2: '" + too_big + "' is not a felt"},
      {"pedersen abc 1", "hex needs the 0x prefix"},
      {"pedersen 0x1g 1", "'g' is not a hex digit"},
      {"poseidon --pair 1", "--pair takes two felts"},
      {"poseidon --single 1 2", "--single takes one felt"},
      {"blob-from-felts --felts %DIR%/missing", "--felts %DIR%/missing: no such file"},
      {"blob-from-felts --felts %DIR%/empty", "no felts"},
      {"blob-from-felts --felts %DIR%/bad-line", "--felts %DIR%/bad-line line 2: '" + too_big},
      {"blob-from-felts --felts %DIR%/bad-json", "not a valid JSON array"},
      {"blob-from-felts --felts %DIR%/json-object", "element 1: a felt must be a string"},
      {"blob-from-felts --felts %DIR%", "is a directory"},
      {"blob-to-felts --blob %DIR%/short", "--blob %DIR%/short: blob must be 131072 bytes"},
      {"blob-to-felts --blob %DIR%/odd", "got 262143 hex digits"},
      {"blob-to-felts --blob %DIR%/not-hex", "blob is not hexadecimal: 'x'"},
      {"blob-to-felts --blob %DIR%/above-r", "blob word 0"},
      {"blob-to-felts --blob %DIR%/empty", "empty, expected a blob"},
      {"kzg-commit --blob %DIR%/missing", "--blob %DIR%/missing: no such file"},
      {"kzg-commit --blob %DIR%/short", "blob must be 131072 bytes"},
      {"kzg-commit --blob %BLOB% --trusted-setup %DIR%/missing", "%DIR%/missing not found"},
      {"kzg-commit --blob %BLOB% --trusted-setup %DIR%/short", "not a valid KZG trusted setup"},
      {"kzg-proof --blob %BLOB% --z 0xzz", "--z is not hexadecimal"},
      {"kzg-proof --blob %BLOB% --z 0x" + std::string(64, 'f'), "not below the BLS12-381"},
      {"kzg-proof --blob %BLOB% --z 12ab", "--z: invalid decimal number"},
      {"kzg-proof --blob %DIR%/odd --z 0x1", "--blob %DIR%/odd"},
  };
  TempDir dir;
  WriteFile(dir.File("empty"), " \n");
  WriteFile(dir.File("bad-line"), "1\n" + too_big + "\n3\n");
  WriteFile(dir.File("bad-json"), "[\"0x1\",");
  WriteFile(dir.File("json-object"), "[\"0x1\", {\"a\": 1}]");
  WriteFile(dir.File("short"), "0x1234");
  WriteFile(dir.File("odd"), std::string(262143, '0'));
  WriteFile(dir.File("not-hex"), std::string(100, '0') + "x" + std::string(262143 - 100, '0'));
  WriteFile(dir.File("above-r"), std::string(262144, 'f'));
  for (const BadInputCase& test : cases) {
    std::string arguments = test.arguments;
    std::string must_mention = test.must_mention;
    for (std::string* text : {&arguments, &must_mention}) {
      for (const auto& [token, value] : std::vector<std::pair<std::string, std::string>>{
               {"%DIR%", dir.path()}, {"%BLOB%", blob_path}}) {
        for (auto at = text->find(token); at != std::string::npos; at = text->find(token)) {
          text->replace(at, token.size(), value);
        }
      }
    }
    const CommandResult result = RunTool(dir, arguments);
    EXPECT_EQ(result.exit_code, 1) << arguments << ": " << result.err;
    EXPECT_EQ(std::ranges::count(result.err, '\n'), 1) << arguments << ": " << result.err;
    EXPECT_TRUE(result.err.starts_with("error: ")) << arguments << ": " << result.err;
    EXPECT_NE(result.err.find(must_mention), std::string::npos) << arguments << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << arguments << ": " << result.out;
  }
}

TEST(ToolTest, MissingRequiredOptionsAreUsageErrors) {
  TempDir dir;
  const CommandResult no_tool = RunTool(dir, "");
  EXPECT_NE(no_tool.exit_code, 0);
  const CommandResult no_z = RunTool(dir, "kzg-proof --blob x");
  EXPECT_NE(no_z.exit_code, 0);
  EXPECT_NE(no_z.exit_code, 1);
  EXPECT_NE(no_z.err.find("--z"), std::string::npos) << no_z.err;
}

}  // namespace
}  // namespace orch::testing
