#include "orch/eth/secp256k1.h"

#include <gtest/gtest.h>

#include <string>

#include "orch/eth/keccak.h"

namespace orch::eth {
namespace {

// Anvil's first default account.
constexpr std::string_view kAnvilKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kAnvilAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// The group order n.
constexpr std::string_view kOrder =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

PrivateKey AnvilKey() { return *PrivateKey::FromHex(kAnvilKey); }

TEST(PrivateKeyTest, DerivesTheAddress) {
  EXPECT_EQ(AnvilKey().GetAddress().ToChecksumHex(), kAnvilAddress);
  EXPECT_EQ(PrivateKey::FromHex(kAnvilKey.substr(2))->GetAddress().ToChecksumHex(), kAnvilAddress);
  EXPECT_EQ(AnvilKey().GetPublicKey().ToAddress(), AnvilKey().GetAddress());
}

TEST(PrivateKeyTest, RejectsInvalidKeysWithoutShowingThem) {
  const std::string zero(64, '0');
  const std::string order(kOrder);
  const std::string above_order =
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
  const std::string not_hex = "zz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  const std::string too_short = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff";
  for (const std::string& text : {zero, order, above_order, not_hex, too_short}) {
    const Result<PrivateKey> key = PrivateKey::FromHex(text);
    ASSERT_FALSE(key.ok()) << "a key was accepted";
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(key.error().message().find(text.substr(2, 10)), std::string::npos)
        << "the message shows the key: " << key.error().message();
  }
  EXPECT_FALSE(PrivateKey::FromBytes(Bytes(31, 1)).ok());
  EXPECT_FALSE(PrivateKey::FromBytes(Bytes(33, 1)).ok());
  EXPECT_TRUE(PrivateKey::FromBytes(Bytes(32, 1)).ok());
}

TEST(SignatureTest, IsDeterministicRfc6979) {
  // Computed with micro-eth-signer (noble-curves, RFC 6979 without extra entropy).
  const Hash32 digest = Keccak256(Bytes{});
  const Signature signature = AnvilKey().Sign(digest);
  EXPECT_EQ(ToHex(signature.r),
            "0xf9a45c11d904141226963b371ccbc2128a29d146ce3c0d43326414711e3e153d");
  EXPECT_EQ(ToHex(signature.s),
            "0x536804917f10c70c5d0cd7b730b559d95eb812d1d783f6dd534e5854f01b3e55");
  EXPECT_EQ(signature.y_parity, 0);
  EXPECT_EQ(AnvilKey().Sign(digest), signature);
}

TEST(SignatureTest, RecoversTheSigner) {
  for (std::uint8_t i = 0; i < 32; ++i) {
    const Hash32 digest = Keccak256(Bytes{i});
    const Signature signature = AnvilKey().Sign(digest);
    EXPECT_LE(signature.y_parity, 1);
    EXPECT_LT(signature.s[0], 0x80) << "s is not low";
    const Result<Address> signer = RecoverAddress(digest, signature);
    ASSERT_TRUE(signer.ok()) << signer.error().ToString();
    EXPECT_EQ(signer->ToChecksumHex(), kAnvilAddress);
    EXPECT_EQ(*RecoverPublicKey(digest, signature), AnvilKey().GetPublicKey());
  }
}

TEST(SignatureTest, ADifferentDigestRecoversAnotherAddress) {
  const Signature signature = AnvilKey().Sign(Keccak256(Bytes{1}));
  const Result<Address> other = RecoverAddress(Keccak256(Bytes{2}), signature);
  if (other.ok()) {
    EXPECT_NE(other->ToChecksumHex(), kAnvilAddress);
  }
}

TEST(SignatureTest, RejectsMalformedSignatures) {
  const Hash32 digest = Keccak256(Bytes{});
  const Signature good = AnvilKey().Sign(digest);

  Signature zero_r = good;
  zero_r.r = {};
  EXPECT_FALSE(RecoverAddress(digest, zero_r).ok());

  Signature zero_s = good;
  zero_s.s = {};
  EXPECT_FALSE(RecoverAddress(digest, zero_s).ok());

  Signature r_at_order = good;
  r_at_order.r = *FromHexFixed<32>(kOrder);
  EXPECT_FALSE(RecoverAddress(digest, r_at_order).ok());

  Signature bad_parity = good;
  bad_parity.y_parity = 2;
  const Result<Address> parity = RecoverAddress(digest, bad_parity);
  ASSERT_FALSE(parity.ok());
  EXPECT_EQ(parity.error().message(), "signature y parity must be 0 or 1, got 2");

  // n - s is the same signature with a high s, which EIP-2 forbids.
  Signature high_s = good;
  const Hash32 order = *FromHexFixed<32>(kOrder);
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int difference = order[i] - good.s[i] - borrow;
    high_s.s[i] = static_cast<std::uint8_t>(difference & 0xff);
    borrow = difference < 0 ? 1 : 0;
  }
  high_s.y_parity = good.y_parity ^ 1;
  const Result<Address> high = RecoverAddress(digest, high_s);
  ASSERT_FALSE(high.ok());
  EXPECT_NE(high.error().message().find("EIP-2"), std::string::npos);
}

TEST(Eip155Test, ComputesAndInvertsV) {
  EXPECT_EQ(Eip155V(0, 1), 37u);
  EXPECT_EQ(Eip155V(1, 1), 38u);
  EXPECT_EQ(Eip155V(1, 11155111), 22310258u);
  EXPECT_EQ(*YParityFromV(37, 1), 0);
  EXPECT_EQ(*YParityFromV(22310258, 11155111), 1);
  EXPECT_EQ(*YParityFromV(27, 5), 0);
  EXPECT_EQ(*YParityFromV(28, 5), 1);
  EXPECT_FALSE(YParityFromV(37, 2).ok());
  EXPECT_FALSE(YParityFromV(0, 0).ok());
  EXPECT_EQ(Eip155V(1, kMaxEip155ChainId), UINT64_MAX - 1);
}

}  // namespace
}  // namespace orch::eth
