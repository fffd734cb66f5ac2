#include "orch/eth/sha256.h"

#include <gtest/gtest.h>

#include <string_view>

namespace orch::eth {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(ToHex(Sha256(Bytes{})),
            "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  constexpr std::string_view kAbc = "abc";
  EXPECT_EQ(ToHex(Sha256(Bytes(kAbc.begin(), kAbc.end()))),
            "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace orch::eth
