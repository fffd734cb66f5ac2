#include "orch/cairo/bootloader_output.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "orch/cairo/fact.h"

namespace orch::cairo {
namespace {

using crypto::Felt;

std::vector<Felt> Felts(std::initializer_list<std::uint64_t> values) {
  std::vector<Felt> felts;
  for (const std::uint64_t value : values) {
    felts.push_back(Felt::FromUint64(value));
  }
  return felts;
}

template <typename T>
void ExpectError(const Result<T>& result, std::string_view part) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning " << part;
  EXPECT_NE(result.error().message().find(part), std::string::npos)
      << "error \"" << result.error().message() << "\" does not mention \"" << part << "\"";
}

TEST(BootloaderOutputTest, ParsesTasks) {
  const Result<std::vector<BootloaderTask>> tasks =
      ParseBootloaderOutput(Felts({2, 3, 0xAA, 7, 4, 0xBB, 8, 9}));
  ASSERT_TRUE(tasks.ok()) << tasks.error().ToString();
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0],
            (BootloaderTask{.program_hash = Felt::FromUint64(0xAA), .output = Felts({7})}));
  EXPECT_EQ((*tasks)[1],
            (BootloaderTask{.program_hash = Felt::FromUint64(0xBB), .output = Felts({8, 9})}));

  const Result<std::vector<BootloaderTask>> none = ParseBootloaderOutput(Felts({0}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  const Result<std::vector<BootloaderTask>> empty_task = ParseBootloaderOutput(Felts({1, 2, 5}));
  ASSERT_TRUE(empty_task.ok());
  EXPECT_TRUE((*empty_task)[0].output.empty());
}

TEST(BootloaderOutputTest, RejectsMalformedOutputs) {
  ExpectError(ParseBootloaderOutput({}), "the task count would be word 0");
  ExpectError(ParseBootloaderOutput(Felts({2, 3, 0xAA, 7})), "task 1's size would be word 4");
  ExpectError(ParseBootloaderOutput(Felts({1, 1, 0xAA})), "below the 2 words of its own header");
  ExpectError(ParseBootloaderOutput(Felts({1, 4, 0xAA, 7})), "task 0 (word 1) has 4 words");
  ExpectError(ParseBootloaderOutput(Felts({1, 3, 0xAA, 7, 8})),
              "the tasks end at word 4, but the output has 5 words");
  // A count near P must be refused before anything is reserved.
  ExpectError(ParseBootloaderOutput(std::vector<Felt>{Felt::Max(), Felt::One()}),
              "more than the output's 2 words");
  ExpectError(ParseBootloaderOutput(std::vector<Felt>{Felt::One(), Felt::Max(), Felt::One()}),
              "task 0's size (word 1)");
}

TEST(BootloaderOutputTest, TaskFactUsesTheDefaultTopology) {
  // The fibonacci PIE's fact (manifest value) is the fact of the task that runs it.
  const BootloaderTask task{
      .program_hash =
          Felt::FromHexLiteral("0x147550d7eab5c4ef6de7e5e33c81bfa2ecc7b1d8a76ae11b02ec143aba3bc1c"),
      .output = Felts({89})};
  EXPECT_EQ(ComputeTaskFact(task).ToPaddedHex(),
            "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782");
}

// An aggregator output: one child block echoed, then an OS output with a 10-word header,
// z and n_blobs = 1, four blob words, 3 L2→L1 message words, 2 L1→L2 message words, and a
// trailing word that is not part of the settlement output.
std::vector<Felt> AggregatorOutput() {
  std::vector<Felt> output = Felts({1, 4, 0x05, 100, 101});
  const std::vector<Felt> os = Felts({0,    1,  2,  3,  4, 5, 6, 7, 1, 0,  // header
                                      0x22, 1,                             // z, n_blobs
                                      30,   31, 32, 33,                    // commitment and y limbs
                                      3,    40, 41, 42,                    // L2→L1 messages
                                      2,    50, 51,                        // L1→L2 messages
                                      99});
  output.insert(output.end(), os.begin(), os.end());
  return output;
}

TEST(BootloaderOutputTest, ExtractsTheAggregatorSettlementOutput) {
  const std::vector<Felt> output = AggregatorOutput();
  const Result<std::vector<Felt>> settlement = ExtractAggregatorSettlementOutput(output);
  ASSERT_TRUE(settlement.ok()) << settlement.error().ToString();
  EXPECT_EQ(*settlement, std::vector<Felt>(output.begin() + 5, output.end() - 1));
}

TEST(BootloaderOutputTest, RejectsTruncatedAggregatorOutputs) {
  std::vector<Felt> output = AggregatorOutput();
  output.resize(output.size() - 2);  // loses the trailing word and the last message word
  ExpectError(ExtractAggregatorSettlementOutput(output), "the L1→L2 messages end at word 27");
  output.resize(16);
  ExpectError(ExtractAggregatorSettlementOutput(output), "the blob count would be word 16");
  ExpectError(ExtractAggregatorSettlementOutput(Felts({3, 2, 0})), "task 1's size");
}

}  // namespace
}  // namespace orch::cairo
