#include "orch/crypto/stark_ecdsa.h"

#include <gtest/gtest.h>

#include <random>

namespace orch::crypto {
namespace {

Felt F(std::string_view hex) { return Felt::FromHex(hex).value(); }

const Felt kPrivateKey = F("0x1234567890987654321");

TEST(StarkEcdsaTest, StarkKeyVector) {
  // local-services §6: @scure/starknet and starknet.js agree.
  EXPECT_EQ(GetStarkKey(kPrivateKey)->ToHex(),
            "0x20c29f1c98f3320d56f01c13372c923123c35828bce54f2153aa1cfe61c44f2");
  const AffinePoint public_key = GetPublicKey(kPrivateKey).value();
  EXPECT_EQ(public_key.y().ToHex(),
            "0x18277bc1bc80570f859cb882ca70d52f1a0e06275e5dd704dddbbe19faadf");
  EXPECT_EQ(GetPublicKey(Felt::One()).value(), AffinePoint::Generator());
}

TEST(StarkEcdsaTest, RejectsPrivateKeysOutsideTheGroup) {
  const auto zero = GetStarkKey(Felt());
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(zero.error().message().find("[1, n)"), std::string::npos);
  EXPECT_FALSE(GetStarkKey(Felt::FromU256(kStarkCurveOrder).value()).ok());
  EXPECT_FALSE(Sign(Felt::Max(), Felt::One()).ok());
  EXPECT_TRUE(GetStarkKey(Felt::FromU256(kStarkCurveOrder - U256(1)).value()).ok());
}

// Recorded from @scure/starknet (sign('0x2', '0x1234567890987654321')).
TEST(StarkEcdsaTest, SignatureVector) {
  const StarkSignature signature = Sign(kPrivateKey, Felt::FromUint64(2)).value();
  EXPECT_EQ(signature.r.ToHex(),
            "0x4cd6594e5da1d50679077898a8d5e872eb4aa8e3902c9f9740ee8d6f8568015");
  EXPECT_EQ(signature.s.ToHex(),
            "0x4d0918f14a93ad0ce66e66e2ff207164de57f147b387bc4015dc38ec97d555a");
}

// Recorded from @scure/starknet (sign('0x61', '0x1234567890987654321')). The first RFC 6979
// candidate for this key and hash starts with a zero byte, which @scure/starknet drops before
// truncating to 252 bits; starknet-crypto would give a different (equally valid) signature.
TEST(StarkEcdsaTest, SignatureVectorWithANonceStartingWithAZeroByte) {
  const StarkSignature signature = Sign(kPrivateKey, Felt::FromUint64(0x61)).value();
  EXPECT_EQ(signature.r.ToHex(),
            "0x13009bbf82867386676d8aba771953dc143c0ccacfb85e91d19b661e206b1d");
  EXPECT_EQ(signature.s.ToHex(),
            "0x1570853c9e029c6956d4d18b1fbca74b86cb931f1d068ee9ec0588623b2d261");
  EXPECT_TRUE(Verify(GetPublicKey(kPrivateKey).value(), Felt::FromUint64(0x61), signature).value());
}

TEST(StarkEcdsaTest, SignsAndVerifies) {
  std::mt19937_64 rng(0x5eedec05);
  for (int i = 0; i < 20; ++i) {
    const Felt key = Felt::FromU256(U256(U256::Limbs{rng(), rng(), rng(), rng() >> 6})).value();
    const Felt hash = Felt::FromU256(U256(U256::Limbs{rng(), rng(), rng(), rng() >> 6})).value();
    const AffinePoint public_key = GetPublicKey(key).value();
    const StarkSignature signature = Sign(key, hash).value();
    EXPECT_EQ(Sign(key, hash).value(), signature);  // deterministic
    EXPECT_TRUE(Verify(public_key, hash, signature).value());
    EXPECT_TRUE(VerifyWithStarkKey(public_key.x(), hash, signature).value());
    // The stark key alone cannot tell Q from -Q.
    EXPECT_TRUE(VerifyWithStarkKey(public_key.Negate().x(), hash, signature).value());
    EXPECT_FALSE(Verify(public_key.Negate(), hash, signature).value());

    EXPECT_FALSE(Verify(public_key, hash + Felt::One(), signature).value());
    EXPECT_FALSE(Verify(public_key, hash, {signature.r + Felt::One(), signature.s}).value());
    EXPECT_FALSE(Verify(public_key, hash, {signature.r, signature.s + Felt::One()}).value());
    EXPECT_FALSE(
        VerifyWithStarkKey(GetStarkKey(key + Felt::One()).value(), hash, signature).value());
  }
}

TEST(StarkEcdsaTest, RejectsOutOfRangeInputs) {
  const AffinePoint public_key = GetPublicKey(kPrivateKey).value();
  const Felt hash = Felt::FromUint64(2);
  const StarkSignature good = Sign(kPrivateKey, hash).value();
  const Felt bound = Felt::FromU256(U256(1) << 251).value();

  const auto big_hash = Sign(kPrivateKey, bound);
  ASSERT_FALSE(big_hash.ok());
  EXPECT_NE(big_hash.error().message().find("not below 2^251"), std::string::npos);
  EXPECT_TRUE(Sign(kPrivateKey, bound - Felt::One()).ok());
  EXPECT_FALSE(Verify(public_key, bound, good).ok());

  const auto zero_r = Verify(public_key, hash, {Felt(), good.s});
  ASSERT_FALSE(zero_r.ok());
  EXPECT_NE(zero_r.error().message().find("is not in [1, 2^251)"), std::string::npos);
  EXPECT_FALSE(Verify(public_key, hash, {bound, good.s}).ok());
  EXPECT_FALSE(Verify(public_key, hash, {good.r, Felt()}).ok());
  EXPECT_FALSE(Verify(public_key, hash, {good.r, Felt::FromU256(kStarkCurveOrder).value()}).ok());

  // A stark key with no curve point.
  for (std::uint64_t x = 0; x < 20; ++x) {
    if (!AffinePoint::FromX(Felt::FromUint64(x)).ok()) {
      EXPECT_FALSE(VerifyWithStarkKey(Felt::FromUint64(x), hash, good).ok());
      break;
    }
  }
}

}  // namespace
}  // namespace orch::crypto
