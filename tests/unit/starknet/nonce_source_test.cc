#include "orch/starknet/nonce_source.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/testdata.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using orch::test_support::ReadTestdata;

TEST(TableNonceSourceTest, ReadsTheRecordedNonces) {
  const Result<std::string> text = ReadTestdata("da/nonces/638353.json");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  Result<TableNonceSource> table = TableNonceSource::FromJson(638353, *text);
  ASSERT_TRUE(table.ok()) << table.error().ToString();

  // {"nonce": "50", "address": "2436...6660"}: hex nonce 0x50 = 80, decimal address.
  const Felt address = *Felt::FromDecimal(
      "243657618414669914011145943102955267494709494027555782211179696865191736660");
  const Result<Felt> nonce = table->GetNonce(638353, address);
  ASSERT_TRUE(nonce.ok()) << nonce.error().ToString();
  EXPECT_EQ(*nonce, Felt::FromUint64(80));
}

TEST(TableNonceSourceTest, AnswersOnlyForItsBlockAndAddresses) {
  Result<TableNonceSource> table =
      TableNonceSource::FromJson(7, R"([{"nonce": "a", "address": "17"}])");
  ASSERT_TRUE(table.ok()) << table.error().ToString();
  EXPECT_EQ(*table->GetNonce(7, Felt::FromUint64(17)), Felt::FromUint64(10));

  const Result<Felt> other_block = table->GetNonce(8, Felt::FromUint64(17));
  ASSERT_FALSE(other_block.ok());
  EXPECT_EQ(other_block.error().code(), ErrorCode::kNotFound);
  const Result<Felt> other_address = table->GetNonce(7, Felt::FromUint64(0x17));
  ASSERT_FALSE(other_address.ok());
  EXPECT_EQ(other_address.error().code(), ErrorCode::kNotFound);
}

TEST(TableNonceSourceTest, RejectsMalformedTables) {
  struct Case {
    const char* json;
    const char* message;  // part of the expected error message
  };
  for (
      const Case& c : {
          Case{"[", "not valid JSON"},
          Case{R"({"nonce": "1", "address": "2"})", "expected an array"},
          Case{R"([1])", "[0]: expected an object"},
          Case{R"([{"address": "2"}])", "[0]: missing key \"nonce\""},
          Case{R"([{"nonce": "1"}])", "[0]: missing key \"address\""},
          Case{R"([{"nonce": 1, "address": "2"}])", "[0].nonce: expected a string"},
          Case{R"([{"nonce": "0x1", "address": "2"}])", "[0].nonce: '0x1'"},
          Case{R"([{"nonce": "", "address": "2"}])", "[0].nonce: ''"},
          Case{R"([{"nonce": "1", "address": "0x2"}])", "[0].address: '0x2'"},
          Case{R"([{"nonce": "1", "address": "2a"}])", "[0].address: '2a'"},
          Case{R"([{"nonce": "1", "address": "2"}, {"nonce": "3", "address": "2"}])",
               "[1].address: 2 appears more than once"},
          // P, the field modulus.
          Case{
              R"([{"nonce": "1", "address": "3618502788666131213697322783095070105623107215331596699973092056135872020481"}])",
              "[0].address"},
          Case{R"([{"nonce": "800000000000011000000000000000000000000000000000000000000000001",
                     "address": "2"}])",
               "[0].nonce"},
      }) {
    const Result<TableNonceSource> table = TableNonceSource::FromJson(1, c.json);
    ASSERT_FALSE(table.ok()) << c.json;
    EXPECT_EQ(table.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(table.error().message().find(c.message), std::string::npos)
        << table.error().message();
  }
}

}  // namespace
}  // namespace orch::starknet
