#include "orch/starknet/state_squash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace orch::starknet {
namespace {

using crypto::Felt;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

// The state before the range as tables; records what it was asked.
class FakePreRangeState final : public PreRangeState {
 public:
  // Contracts deployed before the range and their classes.
  std::map<Felt, Felt> classes;
  // Storage before the range; slots not listed hold 0.
  std::map<std::pair<Felt, Felt>, Felt> storage;
  std::vector<Felt> asked_classes;
  std::vector<StorageSlot> asked_slots;
  // Answer one value too few, to check the squash notices.
  bool short_answers = false;

  Result<std::vector<std::optional<Felt>>> GetClassHashes(
      std::span<const Felt> contract_addresses) override {
    std::vector<std::optional<Felt>> answers;
    for (const Felt& address : contract_addresses) {
      asked_classes.push_back(address);
      const auto found = classes.find(address);
      answers.push_back(found == classes.end() ? std::nullopt : std::optional(found->second));
    }
    if (short_answers) {
      answers.pop_back();
    }
    return answers;
  }

  Result<std::vector<Felt>> GetStorageValues(std::span<const StorageSlot> slots) override {
    std::vector<Felt> answers;
    for (const StorageSlot& slot : slots) {
      asked_slots.push_back(slot);
      const auto found = storage.find({slot.contract_address, slot.key});
      answers.push_back(found == storage.end() ? Felt() : found->second);
    }
    return answers;
  }
};

StateUpdate Block(std::uint64_t number, StateDiff diff) {
  return StateUpdate{.block_hash = F(1000 + number),
                     .old_root = F(2000 + number),
                     .new_root = F(2000 + number + 1),
                     .state_diff = std::move(diff)};
}

TEST(StateSquashTest, LastWriteWinsAndRootsSpanTheRange) {
  const std::vector<StateUpdate> updates = {
      Block(1, {.storage_diffs = {{F(0x100), {{F(1), F(10)}, {F(2), F(20)}}}},
                .nonces = {{F(0x100), F(1)}},
                .declared_classes = {{F(0xc1), F(0xe1)}},
                .deprecated_declared_classes = {F(0xd2)},
                .migrated_compiled_classes = {{F(0xa1), F(0xb1)}}}),
      Block(2, {.storage_diffs = {{F(0x100), {{F(1), F(11)}}}, {F(0x50), {{F(5), F(50)}}}},
                .nonces = {{F(0x100), F(2)}},
                .declared_classes = {{F(0xc0), F(0xe0)}},
                .deprecated_declared_classes = {F(0xd1), F(0xd2)},
                .migrated_compiled_classes = {{F(0xa1), F(0xb2)}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  const StateUpdate expected{
      .block_hash = F(1002),
      .old_root = F(2001),
      .new_root = F(2003),
      .state_diff = {
          .storage_diffs = {{F(0x50), {{F(5), F(50)}}}, {F(0x100), {{F(1), F(11)}, {F(2), F(20)}}}},
          .nonces = {{F(0x100), F(2)}},
          .declared_classes = {{F(0xc0), F(0xe0)}, {F(0xc1), F(0xe1)}},
          .deprecated_declared_classes = {F(0xd1), F(0xd2)},
          .migrated_compiled_classes = {{F(0xa1), F(0xb2)}}}};
  EXPECT_EQ(*squashed, expected);
}

TEST(StateSquashTest, WithoutPreRangeZeroWritesAreDropped) {
  const std::vector<StateUpdate> updates = {
      Block(0, {.storage_diffs = {{F(0x100), {{F(1), F(10)}, {F(2), F(20)}}},
                                  {F(0x200), {{F(1), F(7)}}}},
                .replaced_classes = {{F(0x300), F(0xc3)}}}),
      Block(1, {.storage_diffs = {{F(0x100), {{F(2), F(0)}, {F(3), F(0)}}},
                                  {F(0x200), {{F(1), F(0)}}}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  const StateDiff expected{.storage_diffs = {{F(0x100), {{F(1), F(10)}}}},
                           .replaced_classes = {{F(0x300), F(0xc3)}}};
  EXPECT_EQ(squashed->state_diff, expected);
}

TEST(StateSquashTest, PreRangeValuesAreDroppedAndEmptyContractsWithThem) {
  FakePreRangeState pre_range;
  pre_range.classes = {{F(0x100), F(0xc1)}, {F(0x200), F(0xc2)}};
  pre_range.storage = {{{F(0x100), F(1)}, F(10)},
                       {{F(0x100), F(2)}, F(5)},
                       {{F(0x200), F(1)}, F(7)},
                       {{F(0x200), F(2)}, F(8)}};
  const std::vector<StateUpdate> updates = {
      Block(5, {.storage_diffs = {{F(0x100), {{F(1), F(99)}, {F(2), F(6)}}},
                                  {F(0x200), {{F(1), F(70)}}},
                                  // Not deployed before the range: only zeros are no-ops.
                                  {F(0x300), {{F(1), F(0)}, {F(2), F(3)}}}}}),
      Block(6, {.storage_diffs = {{F(0x100), {{F(1), F(10)}, {F(3), F(0)}}},    // back to 10
                                  {F(0x200), {{F(1), F(7)}, {F(2), F(8)}}}}}),  // all undone
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates, pre_range);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  const StateDiff expected{
      .storage_diffs = {{F(0x100), {{F(2), F(6)}}}, {F(0x300), {{F(2), F(3)}}}}};
  EXPECT_EQ(squashed->state_diff, expected);
  // Storage is only read for contracts that existed.
  EXPECT_EQ(pre_range.asked_classes, (std::vector<Felt>{F(0x100), F(0x200), F(0x300)}));
  for (const StorageSlot& slot : pre_range.asked_slots) {
    EXPECT_NE(slot.contract_address, F(0x300));
  }
  EXPECT_EQ(pre_range.asked_slots.size(), 5u);
}

TEST(StateSquashTest, DeployedThenReplacedIsDeployedWithTheFinalClass) {
  FakePreRangeState pre_range;
  const std::vector<StateUpdate> updates = {
      Block(5, {.storage_diffs = {{F(0x100), {{F(1), F(0)}, {F(2), F(4)}}}},
                .deployed_contracts = {{F(0x100), F(0xc1)}}}),
      Block(6, {.replaced_classes = {{F(0x100), F(0xc2)}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates, pre_range);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  const StateDiff expected{.storage_diffs = {{F(0x100), {{F(2), F(4)}}}},
                           .deployed_contracts = {{F(0x100), F(0xc2)}}};
  EXPECT_EQ(squashed->state_diff, expected);
  // A contract deployed in the range had nothing before it: nothing to ask.
  EXPECT_TRUE(pre_range.asked_classes.empty());
  EXPECT_TRUE(pre_range.asked_slots.empty());

  // The same without a pre-range block.
  const Result<StateUpdate> from_genesis = SquashStateUpdates(updates);
  ASSERT_TRUE(from_genesis.ok()) << from_genesis.error().ToString();
  EXPECT_EQ(from_genesis->state_diff, expected);
}

TEST(StateSquashTest, ReplacedClassesAreKeptOnlyWhenTheClassChanged) {
  FakePreRangeState pre_range;
  pre_range.classes = {{F(0x100), F(0xc1)}, {F(0x200), F(0xc2)}};
  const std::vector<StateUpdate> updates = {
      Block(5, {.replaced_classes = {{F(0x100), F(0xc9)}, {F(0x200), F(0xc8)}}}),
      // 0x100 goes back to its class before the range; 0x200 keeps a new one.
      Block(6, {.replaced_classes = {{F(0x100), F(0xc1)}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates, pre_range);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  EXPECT_EQ(squashed->state_diff.replaced_classes,
            (std::vector<ReplacedClass>{{F(0x200), F(0xc8)}}));
}

TEST(StateSquashTest, ResultIsSorted) {
  const std::vector<StateUpdate> updates = {
      Block(1, {.storage_diffs = {{F(0x300), {{F(0x20), F(1)}, {F(0x3), F(1)}}},
                                  {F(0x10), {{F(1), F(1)}}}},
                .nonces = {{F(0x300), F(1)}, {F(0x10), F(1)}},
                .deployed_contracts = {{F(0x300), F(1)}, {F(0x10), F(1)}},
                .declared_classes = {{F(0x300), F(1)}, {F(0x10), F(1)}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates);
  ASSERT_TRUE(squashed.ok()) << squashed.error().ToString();
  StateDiff sorted = squashed->state_diff;
  SortStateDiff(sorted);
  EXPECT_EQ(squashed->state_diff, sorted);
  EXPECT_EQ(squashed->state_diff.storage_diffs.front().address, F(0x10));
  EXPECT_EQ(squashed->state_diff.storage_diffs.back().storage_entries.front().key, F(0x3));
}

TEST(StateSquashTest, RejectsBadInput) {
  EXPECT_EQ(SquashStateUpdates(std::span<const StateUpdate>()).error().code(),
            ErrorCode::kInvalidArgument);

  const std::vector<StateUpdate> repeated = {
      Block(1, {.nonces = {{F(1), F(1)}, {F(1), F(2)}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(repeated);
  ASSERT_FALSE(squashed.ok());
  EXPECT_EQ(squashed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(squashed.error().message().find("state update 0"), std::string::npos);
}

TEST(StateSquashTest, NoticesWrongAnswerCounts) {
  FakePreRangeState pre_range;
  pre_range.short_answers = true;
  const std::vector<StateUpdate> updates = {
      Block(1, {.storage_diffs = {{F(0x100), {{F(1), F(1)}}}}}),
  };
  const Result<StateUpdate> squashed = SquashStateUpdates(updates, pre_range);
  ASSERT_FALSE(squashed.ok());
  EXPECT_EQ(squashed.error().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace orch::starknet
