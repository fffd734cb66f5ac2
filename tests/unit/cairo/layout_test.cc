#include "orch/cairo/layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orch::cairo {
namespace {

std::string Layout(const std::vector<std::string>& builtins) {
  const Result<std::string_view> layout = SmallestLayoutFor(builtins);
  EXPECT_TRUE(layout.ok()) << layout.error().ToString();
  return layout.ok() ? std::string(*layout) : "";
}

TEST(LayoutTest, PicksTheSmallestLayoutWithEveryBuiltin) {
  EXPECT_EQ(Layout({}), "plain");
  EXPECT_EQ(Layout({"output"}), "small");  // fibonacci: the manifest says layout small
  EXPECT_EQ(Layout({"output", "pedersen", "range_check", "ecdsa"}), "small");
  EXPECT_EQ(Layout({"output", "bitwise"}), "recursive");
  EXPECT_EQ(Layout({"output", "poseidon"}), "recursive_with_poseidon");
  EXPECT_EQ(Layout({"ecdsa", "poseidon"}), "starknet");
  EXPECT_EQ(Layout({"keccak"}), "starknet_with_keccak");
  // The 0.14 Starknet OS (sepolia_924016 runs with all_cairo).
  EXPECT_EQ(Layout({"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "keccak",
                    "poseidon", "range_check96", "add_mod", "mul_mod"}),
            "all_cairo");
}

TEST(LayoutTest, AnUnknownBuiltinIsAnError) {
  const Result<std::string_view> layout =
      SmallestLayoutFor(std::vector<std::string>{"output", "sha256"});
  ASSERT_FALSE(layout.ok());
  EXPECT_THAT(layout.error().message(), ::testing::HasSubstr("builtin \"sha256\""));
}

}  // namespace
}  // namespace orch::cairo
