#include "orch/crypto/u256.h"

#include <gtest/gtest.h>

#include <random>

namespace orch::crypto {
namespace {

constexpr char kMaxDecimal[] =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

U256 Hex(std::string_view text) { return U256::FromHex(text).value(); }

TEST(U256Test, ParsesAndPrintsHex) {
  EXPECT_EQ(Hex("0x0").ToHex(), "0x0");
  EXPECT_EQ(Hex("ff").ToHex(), "0xff");
  EXPECT_EQ(Hex("0XABCdef").ToHex(), "0xabcdef");
  EXPECT_EQ(Hex("0x000000000001").ToHex(), "0x1");
  EXPECT_EQ(Hex("0x1").ToPaddedHex(), "0x" + std::string(63, '0') + "1");
  EXPECT_EQ(Hex(std::string(64, 'f')), U256::Max());
  EXPECT_EQ(Hex("0x123456789abcdef0fedcba9876543210").limbs(),
            (U256::Limbs{0xfedcba9876543210, 0x123456789abcdef0, 0, 0}));
}

TEST(U256Test, RejectsBadHexWithAClearMessage) {
  const auto empty = U256::FromHex("0x");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(empty.error().message().find("no digits"), std::string::npos);

  const auto bad_digit = U256::FromHex("0x12g4");
  ASSERT_FALSE(bad_digit.ok());
  EXPECT_NE(bad_digit.error().message().find("'g' is not a hex digit"), std::string::npos);

  const auto too_long = U256::FromHex("0x1" + std::string(64, '0'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("more than 64 digits"), std::string::npos);

  EXPECT_FALSE(U256::FromHex("").ok());
  EXPECT_FALSE(U256::FromHex(" 0x1").ok());
  EXPECT_FALSE(U256::FromHex("0x-1").ok());
}

TEST(U256Test, ParsesAndPrintsDecimal) {
  EXPECT_EQ(U256::FromDecimal("0")->ToDecimal(), "0");
  EXPECT_EQ(U256::FromDecimal("0001234")->ToDecimal(), "1234");
  EXPECT_EQ(U256::FromDecimal(kMaxDecimal).value(), U256::Max());
  EXPECT_EQ(U256::Max().ToDecimal(), kMaxDecimal);
  // Chunk boundaries of the printer (19 digits per chunk): zeros inside must survive.
  EXPECT_EQ(U256::FromDecimal("10000000000000000000000000000000000000001")->ToDecimal(),
            "10000000000000000000000000000000000000001");
  EXPECT_EQ(U256(10'000'000'000'000'000'000ULL).ToDecimal(), "10000000000000000000");
}

TEST(U256Test, RejectsBadDecimal) {
  const auto overflow = U256::FromDecimal(
      "115792089237316195423570985008687907853269984665640564039457584007913129639936");
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.error().message().find("larger than 2^256 - 1"), std::string::npos);
  EXPECT_FALSE(U256::FromDecimal("").ok());
  EXPECT_FALSE(U256::FromDecimal("12a").ok());
  EXPECT_FALSE(U256::FromDecimal("-1").ok());
  EXPECT_FALSE(U256::FromDecimal("1 000").ok());
}

TEST(U256Test, ParseChoosesTheBaseFromThePrefix) {
  EXPECT_EQ(U256::Parse("0x10").value(), U256(16));
  EXPECT_EQ(U256::Parse("10").value(), U256(10));
  EXPECT_FALSE(U256::Parse("ff").ok());
}

TEST(U256Test, ConvertsBigEndianBytes) {
  const U256 value = Hex("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  const auto bytes = value.ToBytesBe();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i], i + 1);
  }
  EXPECT_EQ(U256::FromWord(bytes), value);
  EXPECT_EQ(U256::FromBytesBe(bytes).value(), value);

  const std::array<std::uint8_t, 2> short_bytes = {0x12, 0x34};
  EXPECT_EQ(U256::FromBytesBe(short_bytes).value(), U256(0x1234));
  EXPECT_EQ(U256::FromBytesBe({}).value(), U256());

  const std::array<std::uint8_t, 33> long_bytes{};
  const auto too_long = U256::FromBytesBe(long_bytes);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("at most 32 bytes, got 33"), std::string::npos);
}

TEST(U256Test, ArithmeticWrapsAndCheckedVariantsReportOverflow) {
  EXPECT_EQ(U256::Max() + U256(1), U256());
  EXPECT_EQ(U256() - U256(1), U256::Max());
  EXPECT_EQ(Hex("0xffffffffffffffff") + U256(1), Hex("0x10000000000000000"));
  EXPECT_EQ(Hex("0x10000000000000000") - U256(1), Hex("0xffffffffffffffff"));
  EXPECT_EQ(Hex("0xffffffffffffffffffffffffffffffff") * Hex("0xffffffffffffffffffffffffffffffff"),
            Hex("0xfffffffffffffffffffffffffffffffe00000000000000000000000000000001"));
  EXPECT_EQ(U256::Max() * U256::Max(), U256(1));  // (2^256 - 1)^2 = 1 mod 2^256

  EXPECT_FALSE(U256::CheckedAdd(U256::Max(), U256(1)).has_value());
  EXPECT_EQ(U256::CheckedAdd(U256(2), U256(3)).value(), U256(5));
  EXPECT_FALSE(U256::CheckedSub(U256(2), U256(3)).has_value());
  EXPECT_EQ(U256::CheckedSub(U256(3), U256(2)).value(), U256(1));
  EXPECT_FALSE(U256::CheckedMul(U256(1) << 128, U256(1) << 128).has_value());
  EXPECT_EQ(U256::CheckedMul(U256(1) << 127, U256(1) << 128).value(), U256(1) << 255);
}

TEST(U256Test, DividesBySmallAndFullValues) {
  const U256 value = U256::FromDecimal(kMaxDecimal).value();
  const auto [quotient, remainder] = value.DivModSmall(10);
  EXPECT_EQ(quotient.ToDecimal(), std::string(kMaxDecimal).substr(0, 77));
  EXPECT_EQ(remainder, 5U);

  const U256 divisor = Hex("0x800000000000011000000000000000000000000000000000000000000000001");
  const auto result = U256::Max().DivMod(divisor);
  EXPECT_EQ(result.quotient, U256(31));
  EXPECT_EQ(result.remainder, U256::Max() - U256(31) * divisor);
  EXPECT_EQ(U256(7) / U256(9), U256());
  EXPECT_EQ(U256(7) % U256(9), U256(7));
}

TEST(U256Test, DivisionMatchesMultiplicationOnRandomValues) {
  std::mt19937_64 rng(0x5eed0256);
  for (int i = 0; i < 2000; ++i) {
    U256::Limbs a_limbs{};
    U256::Limbs b_limbs{};
    for (auto& limb : a_limbs) {
      limb = rng();
    }
    // Divisors of every width, 1 to 256 bits.
    for (auto& limb : b_limbs) {
      limb = rng();
    }
    const U256 a(a_limbs);
    const U256 b = U256(b_limbs) >> static_cast<unsigned>(rng() % 256);
    if (b.IsZero()) {
      continue;
    }
    const auto [quotient, remainder] = a.DivMod(b);
    EXPECT_LT(remainder, b);
    EXPECT_EQ(U256::CheckedAdd(U256::CheckedMul(quotient, b).value(), remainder).value(), a);
  }
}

TEST(U256Test, ShiftsAndBits) {
  const U256 one(1);
  EXPECT_EQ((one << 255).ToHex(), "0x8" + std::string(63, '0'));
  EXPECT_EQ(one << 256, U256());
  EXPECT_EQ((one << 255) >> 255, one);
  EXPECT_EQ(U256::Max() >> 256, U256());
  EXPECT_EQ(Hex("0x123456789abcdef") << 68, Hex("0x123456789abcdef00000000000000000"));
  EXPECT_EQ(Hex("0x123456789abcdef00000000000000000") >> 68, Hex("0x123456789abcdef"));
  EXPECT_EQ(U256::Max().BitLength(), 256U);
  EXPECT_EQ(U256().BitLength(), 0U);
  EXPECT_EQ((one << 100).BitLength(), 101U);
  EXPECT_TRUE((one << 100).Bit(100));
  EXPECT_FALSE((one << 100).Bit(99));
  EXPECT_FALSE(U256::Max().Bit(256));
  EXPECT_EQ(Hex("0xff00") & Hex("0x0ff0"), Hex("0x0f00"));
  EXPECT_EQ(Hex("0xff00") | Hex("0x0ff0"), Hex("0xfff0"));
}

TEST(U256Test, ComparesAsIntegers) {
  EXPECT_LT(U256(1), U256(2));
  EXPECT_LT(U256(~0ULL), U256(1) << 64);
  EXPECT_GT(U256::Max(), U256(1) << 255);
  EXPECT_EQ(U256(5).ToUint64(), 5U);
  EXPECT_FALSE((U256(1) << 64).ToUint64().has_value());
}

TEST(U256Test, HexLiteralIsACompileTimeConstant) {
  static_assert(U256::FromHexLiteral("0x10000000000000000").limbs()[1] == 1);
  static_assert(U256::FromHexLiteral("FFFF").limbs()[0] == 0xffff);
  EXPECT_EQ(U256::FromHexLiteral("0xabc"), U256(0xabc));
}

}  // namespace
}  // namespace orch::crypto
