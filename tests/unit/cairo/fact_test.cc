#include "orch/cairo/fact.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "tests/support/testdata.h"

#include "orch/cairo/fact_topology.h"
#include "orch/cairo/output_merkle_root.h"
#include "orch/cairo/program_hash.h"
#include "orch/crypto/pedersen.h"
#include "orch/eth/keccak.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using crypto::U256;

constexpr Felt kFibonacciProgramHash =
    Felt::FromHexLiteral("0x147550d7eab5c4ef6de7e5e33c81bfa2ecc7b1d8a76ae11b02ec143aba3bc1c");

std::vector<Felt> Felts(std::initializer_list<std::uint64_t> values) {
  std::vector<Felt> felts;
  for (const std::uint64_t value : values) {
    felts.push_back(Felt::FromUint64(value));
  }
  return felts;
}

std::vector<Felt> OneToTwelve() { return Felts({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}); }

template <typename T>
void ExpectError(const Result<T>& result, std::string_view part) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning " << part;
  EXPECT_NE(result.error().message().find(part), std::string::npos)
      << "error \"" << result.error().message() << "\" does not mention \"" << part << "\"";
}

// --- Output Merkle root (protocols spec §4.3). ---

TEST(OutputMerkleRootTest, MatchesTheUpstreamVector) {
  const FactTopology topology{.tree_structure = {1, 0, 1, 0, 0, 2, 1, 1, 0, 2},
                              .page_sizes = {4, 4, 4}};
  const Result<U256> root = ComputeOutputMerkleRoot(OneToTwelve(), topology);
  ASSERT_TRUE(root.ok()) << root.error().ToString();
  const std::string hex = root->ToPaddedHex();
  EXPECT_TRUE(hex.starts_with("0x17f41ba1")) << hex;
  EXPECT_TRUE(hex.ends_with("e47f")) << hex;
  EXPECT_EQ(hex, "0x17f41ba1db11e3a164b23b72b52190fb0da6184b4b80cf74e0882fde7438e47f");
}

TEST(OutputMerkleRootTest, DefaultTopologyIsTheKeccakOfTheWords) {
  const std::vector<Felt> output = Felts({10, 144});
  std::vector<std::uint8_t> bytes;
  for (const Felt& word : output) {
    const auto word_bytes = word.ToBytesBe();
    bytes.insert(bytes.end(), word_bytes.begin(), word_bytes.end());
  }
  const Result<U256> root = ComputeOutputMerkleRoot(output, DefaultFactTopology(2));
  ASSERT_TRUE(root.ok()) << root.error().ToString();
  EXPECT_EQ(*root, U256::FromWord(eth::Keccak256(bytes)));
}

TEST(OutputMerkleRootTest, RejectsStructuresThatDoNotFit) {
  const std::vector<Felt> output = OneToTwelve();
  const auto root = [&](std::vector<std::uint64_t> structure, std::vector<std::uint64_t> sizes) {
    return ComputeOutputMerkleRoot(
        output, {.tree_structure = std::move(structure), .page_sizes = std::move(sizes)});
  };
  ExpectError(root({3, 0}, {4, 4}), "asks for 3 more pages, only 2 remain");
  ExpectError(root({1, 2}, {12}), "joins 2 nodes, only 1 are on the stack");
  ExpectError(root({1, 0}, {4, 8}), "uses 1 of the 2 pages");
  ExpectError(root({2, 0}, {4, 8}), "leaves 2 roots");
  ExpectError(root({1, 0}, {11}), "pages cover 11 words of the 12-word output");
  ExpectError(root({2, 2}, {8, 8}), "page 1 of 8 words goes past the end");
  ExpectError(root({1}, {12}), "odd number");
}

// --- Fact topology (§4.2). ---

TEST(FactTopologyTest, DefaultsToOnePage) {
  const Result<FactTopology> topology = ComputeFactTopology({}, 23);
  ASSERT_TRUE(topology.ok()) << topology.error().ToString();
  EXPECT_EQ(*topology, (FactTopology{.tree_structure = {1, 0}, .page_sizes = {23}}));
}

TEST(FactTopologyTest, SplitsThePagesOfTheOutput) {
  const OutputBuiltinData data{.pages = {{1, {.start = 12, .size = 11}}},
                               .gps_fact_topology = std::vector<std::uint64_t>{2, 1, 0, 2}};
  const Result<FactTopology> topology = ComputeFactTopology(data, 23);
  ASSERT_TRUE(topology.ok()) << topology.error().ToString();
  EXPECT_EQ(topology->page_sizes, (std::vector<std::uint64_t>{12, 11}));
  EXPECT_EQ(topology->tree_structure, (std::vector<std::uint64_t>{2, 1, 0, 2}));

  const OutputBuiltinData three{
      .pages = {{1, {.start = 4, .size = 4}}, {2, {.start = 8, .size = 4}}},
      .gps_fact_topology = std::vector<std::uint64_t>{1, 0, 1, 0, 0, 2, 1, 1, 0, 2}};
  const Result<FactTopology> from_pages = ComputeFactTopology(three, 12);
  ASSERT_TRUE(from_pages.ok()) << from_pages.error().ToString();
  EXPECT_EQ(from_pages->page_sizes, (std::vector<std::uint64_t>{4, 4, 4}));
}

TEST(FactTopologyTest, RejectsBadStructures) {
  const auto with = [](std::vector<std::uint64_t> structure) {
    return ComputeFactTopology({.gps_fact_topology = std::move(structure)}, 10);
  };
  ExpectError(with({}), "gps_fact_topology has 0 values");
  ExpectError(with({1, 0, 1}), "gps_fact_topology has 3 values");
  ExpectError(with({1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0}), "has 12 values");
  ExpectError(with({std::uint64_t{1} << 31, 0}), "2^31");
  ExpectError(ComputeFactTopology({.pages = {{1, {.start = 2, .size = 8}}}}, 10),
              "no gps_fact_topology attribute");
}

TEST(FactTopologyTest, RejectsBadPages) {
  const auto with = [](std::map<std::uint64_t, OutputPage> pages) {
    return ComputeFactTopology(
        {.pages = std::move(pages), .gps_fact_topology = std::vector<std::uint64_t>{2, 1}}, 10);
  };
  ExpectError(with({{2, {.start = 2, .size = 8}}}), "found 2, expected 1");
  ExpectError(with({{1, {.start = 2, .size = 3}}, {3, {.start = 5, .size = 5}}}),
              "found 3, expected 2");
  ExpectError(with({{1, {.start = 0, .size = 10}}}), "page 1 starts at 0");
  ExpectError(with({{1, {.start = 10, .size = 1}}}), "page 1 starts at 10");
  ExpectError(with({{1, {.start = 2, .size = 3}}, {2, {.start = 6, .size = 4}}}),
              "page 2 starts at 6, expected 5");
  ExpectError(with({{1, {.start = 2, .size = 0}}}), "page 1 has size 0");
  ExpectError(with({{1, {.start = 2, .size = 10}}}), "page 1 has size 10");
  ExpectError(with({{1, {.start = 2, .size = 5}}}), "end at 7, not at the output's end 10");
}

// --- Program hash (§4.1). ---

TEST(ProgramHashTest, HashesTheSepoliaOsProgram) {
  const Result<CairoPie> pie =
      CairoPie::ReadFile(orch::test_support::TestdataPath("pie/sepolia_924016.zip"));
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  const Result<Felt> hash = ComputeProgramHash(pie->metadata().program);
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(hash->ToHex(), "0x6228ae335151708cc9290c9940dc17f14f870056c1ae919af238e247d500ad4");
}

TEST(ProgramHashTest, HashesTheChainFromTheRight) {
  // One data word, no builtins: input = [4, 0, main, 0, data] folded from the right.
  const StrippedProgram program{.data = Felts({7}), .builtins = {}, .main = 0};
  const Felt expected = crypto::PedersenHash(
      Felt::FromUint64(4),
      crypto::PedersenHash(
          Felt(), crypto::PedersenHash(Felt(), crypto::PedersenHash(Felt(), Felt::FromUint64(7)))));
  const Result<Felt> hash = ComputeProgramHash(program);
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, expected);
}

TEST(ProgramHashTest, RejectsBuiltinNamesThatAreNotShortStrings) {
  const StrippedProgram program{.data = Felts({1}), .builtins = {std::string(32, 'a')}, .main = 0};
  ExpectError(ComputeProgramHash(program), "program builtin");
}

// --- Facts (§4.4, §4.5, §4.7). ---

TEST(FactTest, IsTheKeccakOfProgramHashAndRoot) {
  const Result<U256> root = ComputeOutputMerkleRoot(Felts({89}), DefaultFactTopology(1));
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(ComputeFact(kFibonacciProgramHash, *root).ToPaddedHex(),
            "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782");
}

TEST(FactTest, PrefixesTheAggregatorProgramHash) {
  // Computed independently with @scure/starknet: pedersen(0x41474752454741544f52, hash).
  EXPECT_EQ(AggregatorProgramHashWithPrefix(kFibonacciProgramHash).ToHex(),
            "0x5883ba1df3d7f3be3eac0fd2c07bc3bfa4b44d9447836c1e2a6a999bb6c183b");
  EXPECT_EQ(AggregatorProgramHashWithPrefix(kFibonacciProgramHash),
            crypto::PedersenHash(*Felt::FromShortString("AGGREGATOR"), kFibonacciProgramHash));
}

TEST(FactTest, ComputesThePoseidonL2Fact) {
  // Computed independently with @scure/starknet's poseidonHashMany.
  EXPECT_EQ(ComputeL2Fact(Felts({89})).ToHex(),
            "0x421388aa814277decd592f6764e5d0fe205245c6e9cda8332f01d5bddc0a537");
  EXPECT_EQ(ComputeL2Fact(Felts({10, 144})).ToHex(),
            "0x545586153b18f1117c63111eeef72c956ad5afcd464cd3b6a9aa26f8cf78f2a");
}

TEST(FactTest, FactInfoTakesAGivenProgramHash) {
  const Result<CairoPie> pie =
      CairoPie::ReadFile(orch::test_support::TestdataPath("pie/fibonacci_rust.zip"));
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  const Felt prefixed = AggregatorProgramHashWithPrefix(kFibonacciProgramHash);
  const Result<FactInfo> info = ComputeFactInfo(*pie, {.program_hash = prefixed});
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->program_hash, prefixed);
  EXPECT_EQ(info->fact, ComputeFact(prefixed, info->output_root));

  // [89] is no aggregator output: 89 children cannot fit in one word.
  ExpectError(ComputeFactInfo(*pie, {.is_aggregator = true}), "the task count (word 0) is 0x59");
}

}  // namespace
}  // namespace orch::cairo
