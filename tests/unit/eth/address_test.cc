#include "orch/eth/address.h"

#include <gtest/gtest.h>

#include <string>

namespace orch::eth {
namespace {

// The examples of EIP-55.
constexpr const char* kChecksummed[] = {
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
};

TEST(AddressTest, PrintsEip55Checksums) {
  for (const char* text : kChecksummed) {
    const Result<Address> address = Address::Parse(text);
    ASSERT_TRUE(address.ok()) << text << ": " << address.error().ToString();
    EXPECT_EQ(address->ToChecksumHex(), text);
    EXPECT_EQ(fmt::format("{}", *address), text);
  }
}

TEST(AddressTest, ParsesUniformCaseWithoutChecksumAndWithoutPrefix) {
  const Address expected = *Address::Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(*Address::Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), expected);
  EXPECT_EQ(*Address::Parse("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), expected);
  EXPECT_EQ(*Address::Parse("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), expected);
  EXPECT_EQ(expected.ToLowerHex(), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
}

TEST(AddressTest, RejectsWrongChecksumLengthAndCharacters) {
  const Result<Address> typo = Address::Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(typo.error().message().find("EIP-55"), std::string::npos);
  EXPECT_NE(typo.error().message().find("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            std::string::npos);
  EXPECT_FALSE(Address::Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea").ok());
  EXPECT_FALSE(Address::Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").ok());
  EXPECT_FALSE(Address::Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg").ok());
  EXPECT_FALSE(Address::Parse("").ok());
}

TEST(AddressTest, DefaultIsZero) { EXPECT_EQ(Address().ToLowerHex(), "0x" + std::string(40, '0')); }

}  // namespace
}  // namespace orch::eth
