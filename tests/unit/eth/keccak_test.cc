#include "orch/eth/keccak.h"

#include <gtest/gtest.h>

#include <string>

namespace orch::eth {
namespace {

TEST(KeccakTest, KnownVectors) {
  EXPECT_EQ(ToHex(Keccak256(Bytes{})),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(ToHex(Keccak256(std::string_view("abc"))),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

// The point-evaluation precompile (0x0A) returns uint256(FIELD_ELEMENTS_PER_BLOB) ‖ uint256(r);
// the Starknet core contract compares the keccak of that answer with this constant (spec §8.4).
TEST(KeccakTest, PointEvaluationPrecompileSuccessHash) {
  const auto answer = FromHex(
      "0x0000000000000000000000000000000000000000000000000000000000001000"
      "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(ToHex(Keccak256(*answer)),
            "0xb2157d3a40131b14c4c675335465dffde802f0ce5218ad012284d7f275d1b37c");
}

TEST(KeccakTest, IsNotSha3) {
  // SHA3-256("") is a7ffc6f8…; Ethereum's Keccak uses the original padding.
  EXPECT_NE(ToHex(Keccak256(Bytes{})).substr(0, 10), "0xa7ffc6f8");
}

TEST(KeccakTest, HashesAcrossTheRateBoundary) {
  // 135, 136 and 137 bytes straddle the 136-byte rate: three different padding cases.
  const Hash32 a = Keccak256(Bytes(135, 0x61));
  const Hash32 b = Keccak256(Bytes(136, 0x61));
  const Hash32 c = Keccak256(Bytes(137, 0x61));
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_EQ(Keccak256(std::string(136, 'a')), b);
}

}  // namespace
}  // namespace orch::eth
