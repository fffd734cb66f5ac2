#include "orch/cairo/exact_json.h"

#include <gtest/gtest.h>

#include <string>

namespace orch::cairo {
namespace {

TEST(ExactJsonTest, KeepsSixtyFourBitIntegersAsNumbers) {
  const Result<nlohmann::json> json = ParseExactJson(R"([0, 18446744073709551615, -5, true])");
  ASSERT_TRUE(json.ok()) << json.error().ToString();
  EXPECT_TRUE((*json)[1].is_number_unsigned());
  EXPECT_EQ((*json)[1].get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ((*json)[2].get<std::int64_t>(), -5);
  EXPECT_EQ(NumberText((*json)[1]), std::nullopt);
}

TEST(ExactJsonTest, KeepsLargerNumbersAsTheirText) {
  const std::string p =
      "3618502788666131213697322783095070105623107215331596699973092056135872020481";
  const Result<nlohmann::json> json =
      ParseExactJson(R"({"a": 18446744073709551616, "p": )" + p + R"(, "f": 1.5e3, "s": "7"})");
  ASSERT_TRUE(json.ok()) << json.error().ToString();
  EXPECT_EQ(NumberText((*json)["a"]), "18446744073709551616");
  EXPECT_EQ(NumberText((*json)["p"]), p);
  EXPECT_EQ(NumberText((*json)["f"]), "1.5e3");
  // A JSON string is not number text, even when it holds digits.
  EXPECT_EQ(NumberText((*json)["s"]), std::nullopt);
}

TEST(ExactJsonTest, BuildsNestedDocuments) {
  const Result<nlohmann::json> json =
      ParseExactJson(R"({"x": {"pages": {"1": [12, 11]}, "attributes": {}}, "y": [[], [null]]})");
  ASSERT_TRUE(json.ok()) << json.error().ToString();
  EXPECT_EQ(*json, nlohmann::json::parse(R"({"x": {"pages": {"1": [12, 11]}, "attributes": {}},
                                              "y": [[], [null]]})"));
}

TEST(ExactJsonTest, ReportsSyntaxErrorsWithTheirOffset) {
  const Result<nlohmann::json> json = ParseExactJson(R"({"a": 1,})");
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.error().message().find("invalid JSON at byte 9"), std::string::npos)
      << json.error().message();
  EXPECT_FALSE(ParseExactJson("[1] 2").ok());
  EXPECT_FALSE(ParseExactJson("").ok());
}

TEST(ExactJsonTest, LimitsNesting) {
  EXPECT_TRUE(ParseExactJson(std::string(64, '[') + std::string(64, ']')).ok());
  const Result<nlohmann::json> deep = ParseExactJson(std::string(65, '[') + std::string(65, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message().find("nested deeper than 64"), std::string::npos);
}

}  // namespace
}  // namespace orch::cairo
