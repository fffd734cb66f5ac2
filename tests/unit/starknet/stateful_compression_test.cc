#include "orch/starknet/stateful_compression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

namespace orch::starknet {
namespace {

using crypto::Felt;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

// The alias contract's storage as a table; records what it was asked.
class FakeAliasSource final : public AliasSource {
 public:
  std::map<Felt, Felt> aliases;
  std::vector<Felt> asked;
  bool short_answers = false;

  Result<std::vector<std::optional<Felt>>> GetAliases(std::span<const Felt> keys) override {
    std::vector<std::optional<Felt>> answers;
    for (const Felt& key : keys) {
      asked.push_back(key);
      const auto found = aliases.find(key);
      answers.push_back(found == aliases.end() ? std::nullopt : std::optional(found->second));
    }
    if (short_answers) {
      answers.pop_back();
    }
    return answers;
  }
};

TEST(StatefulCompressionTest, ValuesBelow0x80AreNeverAliased) {
  FakeAliasSource source;
  source.aliases = {{F(0x1000), F(0x90)}, {F(0x2000), F(0x91)}};
  const DaStateDiff diff{
      .contracts = {
          // A system contract: its keys stay, even large ones.
          {F(0x1), F(0), std::nullopt, {{F(0x2000), F(0x1000)}}},
          // Small keys of an aliased contract stay; values and class hashes are never aliased.
          {F(0x1000), F(3), F(0x2000), {{F(0x7f), F(0x2000)}, {F(0x2000), F(0x1000)}}},
      }};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  const DaStateDiff expected{
      .contracts = {
          {F(0x1), F(0), std::nullopt, {{F(0x2000), F(0x1000)}}},
          {F(0x90), F(3), F(0x2000), {{F(0x7f), F(0x2000)}, {F(0x91), F(0x1000)}}},
      }};
  EXPECT_EQ(*aliased, expected);
}

TEST(StatefulCompressionTest, AliasesAllocatedInTheDiffComeFirst) {
  FakeAliasSource source;
  // Stale answers the source must not be asked for.
  source.aliases = {{F(0x1000), F(0x500)}, {F(0x3000), F(0x92)}};
  const DaStateDiff diff{
      .contracts = {
          // The registry: counter in slot 0, then key -> alias.
          {kAliasContractAddress,
           F(0),
           std::nullopt,
           {{F(0), F(0x92)}, {F(0x1000), F(0x90)}, {F(0x2000), F(0x91)}}},
          {F(0x1000), F(0), std::nullopt, {{F(0x2000), F(5)}, {F(0x3000), F(6)}}},
      }};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  EXPECT_EQ(source.asked, std::vector<Felt>{F(0x3000)});
  // The registry itself is below 0x80: verbatim.
  EXPECT_EQ(aliased->contracts[0], diff.contracts[0]);
  EXPECT_EQ(aliased->contracts[1],
            (ContractDaRecord{F(0x90), F(0), std::nullopt, {{F(0x91), F(5)}, {F(0x92), F(6)}}}));
}

TEST(StatefulCompressionTest, KeepsTheOriginalOrder) {
  // Aliases that do not grow with their keys: the OS order (by original address and key)
  // differs from the order of the aliases.
  FakeAliasSource source;
  source.aliases = {
      {F(0x1000), F(0x95)}, {F(0x2000), F(0x90)}, {F(0x3000), F(0x99)}, {F(0x4000), F(0x98)}};
  const DaStateDiff diff{
      .contracts = {
          {F(0x1000), F(0), std::nullopt, {{F(0x3000), F(1)}, {F(0x4000), F(2)}}},
          {F(0x2000), F(0), std::nullopt, {}},
      }};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  const DaStateDiff expected{.contracts = {
                                 {F(0x95), F(0), std::nullopt, {{F(0x99), F(1)}, {F(0x98), F(2)}}},
                                 {F(0x90), F(0), std::nullopt, {}},
                             }};
  EXPECT_EQ(*aliased, expected);
}

TEST(StatefulCompressionTest, AsksTheSourceOncePerKey) {
  FakeAliasSource source;
  source.aliases = {{F(0x1000), F(0x90)}, {F(0x2000), F(0x91)}};
  const DaStateDiff diff{.contracts = {
                             {F(0x1000), F(0), std::nullopt, {{F(0x2000), F(1)}}},
                             {F(0x2000), F(0), std::nullopt, {{F(0x1000), F(2)}}},
                         }};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  EXPECT_EQ(source.asked, (std::vector<Felt>{F(0x1000), F(0x2000)}));
}

TEST(StatefulCompressionTest, AMissingAliasIsAnError) {
  FakeAliasSource source;
  source.aliases = {{F(0x1000), F(0x90)}, {F(0x2000), F(0)}};  // 0: an empty slot
  for (const Felt& key : {F(0x2000), F(0x3000)}) {
    const DaStateDiff diff{.contracts = {{F(0x1000), F(0), std::nullopt, {{key, F(1)}}}}};
    const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
    ASSERT_FALSE(aliased.ok()) << key.ToHex();
    EXPECT_EQ(aliased.error().code(), ErrorCode::kNotFound);
    EXPECT_NE(aliased.error().message().find(key.ToHex()), std::string::npos);
  }
}

TEST(StatefulCompressionTest, NoticesWrongAnswerCounts) {
  FakeAliasSource source;
  source.aliases = {{F(0x1000), F(0x90)}};
  source.short_answers = true;
  const DaStateDiff diff{.contracts = {{F(0x1000), F(0), std::nullopt, {}}}};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_FALSE(aliased.ok());
  EXPECT_EQ(aliased.error().code(), ErrorCode::kInternal);
}

TEST(StatefulCompressionTest, NothingToAliasAsksNothing) {
  FakeAliasSource source;
  const DaStateDiff diff{.contracts = {{F(0x1), F(0), std::nullopt, {{F(0x1000), F(1)}}}},
                         .classes = {{F(0x1000), F(0x2000)}}};
  const Result<DaStateDiff> aliased = ApplyAliases(diff, source);
  ASSERT_TRUE(aliased.ok()) << aliased.error().ToString();
  EXPECT_EQ(*aliased, diff);
  EXPECT_TRUE(source.asked.empty());
}

}  // namespace
}  // namespace orch::starknet
