#include "orch/crypto/felt.h"

#include <gtest/gtest.h>

#include <random>

namespace orch::crypto {
namespace {

constexpr char kModulusHex[] = "0x800000000000011000000000000000000000000000000000000000000000001";
constexpr char kMaxHex[] = "0x800000000000011000000000000000000000000000000000000000000000000";
constexpr char kModulusDecimal[] =
    "3618502788666131213697322783095070105623107215331596699973092056135872020481";

Felt RandomFelt(std::mt19937_64& rng) {
  while (true) {
    const U256 value(U256::Limbs{rng(), rng(), rng(), rng() >> 4});
    if (auto felt = Felt::FromU256(value); felt.ok()) {
      return *felt;
    }
  }
}

// a·b mod P by double-and-add on plain integers: independent of the Montgomery code.
U256 SlowMulMod(const U256& a, const U256& b) {
  const U256 p = Felt::Modulus();
  U256 result;
  U256 addend = a;
  for (unsigned bit = 0; bit < 256; ++bit) {
    if (b.Bit(bit)) {
      result = result + addend;  // both below P < 2^252: no overflow
      if (result >= p) {
        result = result - p;
      }
    }
    addend = addend + addend;
    if (addend >= p) {
      addend = addend - p;
    }
  }
  return result;
}

TEST(FeltTest, ParsesHexWithAndWithoutPrefix) {
  EXPECT_EQ(Felt::FromHex("0x1").value(), Felt::One());
  EXPECT_EQ(Felt::FromHex("1").value(), Felt::One());
  EXPECT_EQ(Felt::FromHex("0X00ff").value(), Felt::FromUint64(255));
  EXPECT_EQ(Felt::FromHex(kMaxHex).value(), Felt::Max());
  EXPECT_EQ(Felt::Max().ToHex(), kMaxHex);
  EXPECT_EQ(Felt().ToHex(), "0x0");
  EXPECT_EQ(Felt::FromUint64(0xabc).ToPaddedHex(), "0x" + std::string(61, '0') + "abc");
}

TEST(FeltTest, RejectsNonCanonicalAndMalformedText) {
  const auto modulus = Felt::FromHex(kModulusHex);
  ASSERT_FALSE(modulus.ok());
  EXPECT_EQ(modulus.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(modulus.error().message().find("not below the Stark prime P"), std::string::npos);
  EXPECT_FALSE(Felt::FromHex("0x" + std::string(64, 'f')).ok());
  EXPECT_FALSE(Felt::FromDecimal(kModulusDecimal).ok());

  const auto bad_digit = Felt::FromHex("0x12z");
  ASSERT_FALSE(bad_digit.ok());
  EXPECT_NE(bad_digit.error().message().find("'z' is not a hex digit"), std::string::npos);
  const auto too_long = Felt::FromHex("0x" + std::string(65, '0'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("more than 64 digits"), std::string::npos);
  EXPECT_FALSE(Felt::FromHex("").ok());
  EXPECT_FALSE(Felt::FromHex("0x").ok());
}

TEST(FeltTest, ParsesDecimalAndChoosesTheBase) {
  EXPECT_EQ(Felt::FromDecimal(
                "3618502788666131213697322783095070105623107215331596699973092056135872020480")
                .value(),
            Felt::Max());
  EXPECT_EQ(Felt::Max().ToDecimal(),
            "3618502788666131213697322783095070105623107215331596699973092056135872020480");
  EXPECT_EQ(Felt::Parse("0x10").value(), Felt::FromUint64(16));
  EXPECT_EQ(Felt::Parse("10").value(), Felt::FromUint64(10));
  EXPECT_FALSE(Felt::Parse("1e3").ok());
}

TEST(FeltTest, ConvertsBigEndianBytes) {
  const Felt value = Felt::FromHex("0x1234").value();
  const auto bytes = value.ToBytesBe();
  EXPECT_EQ(bytes[30], 0x12);
  EXPECT_EQ(bytes[31], 0x34);
  EXPECT_EQ(Felt::FromBytesBe(bytes).value(), value);
  const auto modulus_bytes = Felt::Modulus().ToBytesBe();
  EXPECT_FALSE(Felt::FromBytesBe(modulus_bytes).ok());
  EXPECT_EQ(Felt::ReduceBytesBe(modulus_bytes), Felt());
  // 2^256 mod P, from 33 bytes.
  std::array<std::uint8_t, 33> power{};
  power[0] = 1;
  EXPECT_EQ(Felt::ReduceBytesBe(power), Felt::FromUint64(2).Pow(U256(256)));
}

TEST(FeltTest, EncodesShortStrings) {
  const Felt sepolia = Felt::FromShortString("SN_SEPOLIA").value();
  EXPECT_EQ(sepolia.ToHex(), "0x534e5f5345504f4c4941");
  EXPECT_EQ(sepolia.ToShortString().value(), "SN_SEPOLIA");
  EXPECT_EQ(Felt::FromShortString("SN_MAIN")->ToHex(), "0x534e5f4d41494e");
  EXPECT_EQ(Felt::FromShortString("").value(), Felt());
  EXPECT_EQ(Felt().ToShortString().value(), "");

  const std::string longest(31, 'z');
  EXPECT_EQ(Felt::FromShortString(longest)->ToShortString().value(), longest);
  const auto too_long = Felt::FromShortString(std::string(32, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("longer than 31 characters"), std::string::npos);
  EXPECT_FALSE(Felt::FromShortString("caf\xc3\xa9").ok());
  EXPECT_FALSE(Felt::FromShortString(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(Felt::FromUint64(0x80).ToShortString().ok());
  EXPECT_FALSE(Felt::FromUint64(0x4100).ToShortString().ok());  // NUL inside
}

TEST(FeltTest, WrapsAroundTheModulus) {
  EXPECT_EQ(Felt::Max() + Felt::One(), Felt());
  EXPECT_EQ(Felt() - Felt::One(), Felt::Max());
  EXPECT_EQ(-Felt::One(), Felt::Max());
  EXPECT_EQ(-Felt(), Felt());
  EXPECT_EQ(Felt::Max() * Felt::Max(), Felt::One());  // (-1)^2
  EXPECT_EQ(Felt::FromUint64(2).Inverse() * Felt::FromUint64(2), Felt::One());
  EXPECT_EQ(Felt::Max().Inverse(), Felt::Max());
}

TEST(FeltTest, MultiplicationMatchesPlainIntegerArithmetic) {
  std::mt19937_64 rng(0x5eedfe17);
  for (int i = 0; i < 1000; ++i) {
    const Felt a = RandomFelt(rng);
    const Felt b = RandomFelt(rng);
    ASSERT_EQ((a * b).ToU256(), SlowMulMod(a.ToU256(), b.ToU256()))
        << a.ToHex() << " * " << b.ToHex();
    const U256 sum = a.ToU256() + b.ToU256();
    EXPECT_EQ((a + b).ToU256(), sum >= Felt::Modulus() ? sum - Felt::Modulus() : sum);
  }
}

TEST(FeltTest, InverseSquareRootAndPowerAgree) {
  std::mt19937_64 rng(0x5eed1234);
  const U256 p_minus_one = Felt::Modulus() - U256(1);
  for (int i = 0; i < 200; ++i) {
    const Felt a = RandomFelt(rng);
    if (a.IsZero()) {
      continue;
    }
    EXPECT_EQ(a * a.Inverse(), Felt::One());
    EXPECT_EQ(a.Inverse(), a.Pow(Felt::Modulus() - U256(2)));
    EXPECT_EQ(a.Pow(p_minus_one), Felt::One());  // Fermat
    const std::optional<Felt> root = a.Square().Sqrt();
    ASSERT_TRUE(root.has_value());
    EXPECT_TRUE(*root == a || *root == -a);
  }
}

TEST(FeltTest, ThreeIsANonResidue) {
  // Felt::Sqrt relies on it (Euler's criterion: 3^((P-1)/2) = -1).
  EXPECT_EQ(Felt::FromUint64(3).Pow((Felt::Modulus() - U256(1)) >> 1), Felt::Max());
  EXPECT_FALSE(Felt::FromUint64(3).Sqrt().has_value());
  EXPECT_EQ(Felt().Sqrt().value(), Felt());
  EXPECT_EQ(Felt::FromUint64(4).Sqrt()->Square(), Felt::FromUint64(4));
}

TEST(FeltTest, OrdersByIntegerValue) {
  EXPECT_LT(Felt::FromUint64(2), Felt::FromUint64(3));
  EXPECT_LT(Felt::FromUint64(1ULL << 63), Felt::Max());
  EXPECT_GT(Felt::Max(), Felt());
}

TEST(FeltTest, LiteralsAreCompileTimeConstants) {
  constexpr Felt kLiteral =
      Felt::FromHexLiteral("0x800000000000011000000000000000000000000000000000000000000000000");
  static_assert(kLiteral == Felt::Max());
  static_assert(Felt::FromUint64(6) == Felt::FromUint64(2) * Felt::FromUint64(3));
  EXPECT_EQ(kLiteral, Felt::Max());
}

}  // namespace
}  // namespace orch::crypto
