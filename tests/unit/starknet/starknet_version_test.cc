#include "orch/starknet/starknet_version.h"

#include <gtest/gtest.h>

#include <string>

namespace orch::starknet {
namespace {

TEST(StarknetVersionTest, ParsesThreeAndFourComponents) {
  const Result<StarknetVersion> three = StarknetVersion::Parse("0.13.2");
  ASSERT_TRUE(three.ok()) << three.error().ToString();
  EXPECT_EQ(*three, StarknetVersion(0, 13, 2));
  EXPECT_EQ(three->ToString(), "0.13.2");

  const Result<StarknetVersion> four = StarknetVersion::Parse("0.13.2.1");
  ASSERT_TRUE(four.ok()) << four.error().ToString();
  EXPECT_EQ(*four, StarknetVersion(0, 13, 2, 1));
  EXPECT_EQ(four->ToString(), "0.13.2.1");

  // A zero fourth component is the same version.
  EXPECT_EQ(*StarknetVersion::Parse("0.13.2.0"), *three);
}

TEST(StarknetVersionTest, ComparesNumerically) {
  EXPECT_LT(*StarknetVersion::Parse("0.13.2"), *StarknetVersion::Parse("0.13.2.1"));
  EXPECT_LT(*StarknetVersion::Parse("0.13.2.1"), *StarknetVersion::Parse("0.13.3"));
  // Not as text: "0.13.10" > "0.13.9".
  EXPECT_LT(StarknetVersion(0, 13, 9), StarknetVersion(0, 13, 10));
  EXPECT_LT(*StarknetVersion::Parse("0.13.5"), *StarknetVersion::Parse("0.14.0"));
  EXPECT_LT(*StarknetVersion::Parse("0.13.2"), kVersion0_13_3);
  EXPECT_LT(kVersion0_13_3, kVersion0_13_4);
}

TEST(StarknetVersionTest, KnowsTheReferenceVersions) {
  // upstream-behaviour.md §11.1.
  std::string names;
  for (const StarknetVersion& version : StarknetVersion::KnownVersions()) {
    names += version.ToString() + " ";
  }
  EXPECT_EQ(names, "0.13.2 0.13.3 0.13.4 0.13.5 0.14.0 0.14.1 0.14.2 ");
  EXPECT_EQ(StarknetVersion::Newest(), StarknetVersion(0, 14, 2));
  for (const StarknetVersion& version : StarknetVersion::KnownVersions()) {
    EXPECT_TRUE(StarknetVersion::Parse(version.ToString()).ok()) << version.ToString();
  }
}

TEST(StarknetVersionTest, AcceptsOlderVersionsThanTheKnownOnes) {
  // 0.13.1 and older use the legacy encodings, like 0.13.2.
  const Result<StarknetVersion> old = StarknetVersion::Parse("0.13.1");
  ASSERT_TRUE(old.ok()) << old.error().ToString();
  EXPECT_LT(*old, kVersion0_13_3);
  EXPECT_TRUE(StarknetVersion::Parse("0.12.3").ok());
}

TEST(StarknetVersionTest, RejectsVersionsNewerThanTheNewestKnown) {
  for (const char* text : {"0.14.2.1", "0.14.3", "0.15.0", "1.0.0"}) {
    const Result<StarknetVersion> version = StarknetVersion::Parse(text);
    ASSERT_FALSE(version.ok()) << text;
    EXPECT_EQ(version.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(version.error().message().find("0.13.2, 0.13.3"), std::string::npos)
        << version.error().message();
  }
}

TEST(StarknetVersionTest, RejectsMalformedText) {
  for (const char* text :
       {"", "0.13", "0.13.2.1.1", "v0.13.2", "0.13.02", "0.13.x", "0..2", "0.13.2 ", " 0.13.2",
        "-0.13.2", "0.13.+2", "0.13.99999999999", "0.13.2."}) {
    const Result<StarknetVersion> version = StarknetVersion::Parse(text);
    ASSERT_FALSE(version.ok()) << "'" << text << "'";
    EXPECT_EQ(version.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace orch::starknet
