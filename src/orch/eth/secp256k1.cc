#include "orch/eth/secp256k1.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>

#include "orch/common/check.h"

namespace orch::eth {
namespace {

// One context for the process. libsecp256k1 documents that a context is safe to share
// between threads once created and randomized, and that creating one per call is slow. It is
// never destroyed: signing may still happen during static destruction.
const secp256k1_context* Context() {
  static const secp256k1_context* const context = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    // Randomization only blinds the signing computation against side channels; without
    // entropy the results are the same, just unblinded, so a failure is not fatal.
    std::array<unsigned char, 32> seed{};
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
      ORCH_CHECK(secp256k1_context_randomize(created, seed.data()) == 1,
                 "secp256k1_context_randomize failed");
    }
    OPENSSL_cleanse(seed.data(), seed.size());
    return created;
  }();
  return context;
}

PublicKey SerializePublicKey(const secp256k1_pubkey& key) {
  std::array<unsigned char, 65> serialized{};
  std::size_t size = serialized.size();
  ORCH_CHECK(secp256k1_ec_pubkey_serialize(Context(), serialized.data(), &size, &key,
                                           SECP256K1_EC_UNCOMPRESSED) == 1 &&
                 size == serialized.size(),
             "secp256k1_ec_pubkey_serialize failed");
  std::array<std::uint8_t, 64> xy{};
  std::copy(serialized.begin() + 1, serialized.end(), xy.begin());
  return PublicKey(xy);
}

}  // namespace

Result<PrivateKey> PrivateKey::FromBytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 32) {
    return Error::InvalidArgument("a private key is 32 bytes, got {}", bytes.size());
  }
  std::array<std::uint8_t, 32> secret{};
  std::copy(bytes.begin(), bytes.end(), secret.begin());
  if (secp256k1_ec_seckey_verify(Context(), secret.data()) != 1) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return Error::InvalidArgument("the private key is not a valid secp256k1 scalar");
  }
  PrivateKey key(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return key;
}

Result<PrivateKey> PrivateKey::FromHex(std::string_view text) {
  std::array<std::uint8_t, 32> secret{};
  // The parser's own message may quote a character of the key: replace it.
  if (!FromHexInto(text, secret).ok()) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return Error::InvalidArgument("a private key is 64 hex digits, with or without 0x");
  }
  auto key = FromBytes(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return key;
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

PublicKey PrivateKey::GetPublicKey() const {
  secp256k1_pubkey key;
  ORCH_CHECK(secp256k1_ec_pubkey_create(Context(), &key, secret_.data()) == 1,
             "secp256k1_ec_pubkey_create failed on a verified key");
  return SerializePublicKey(key);
}

Address PrivateKey::GetAddress() const { return GetPublicKey().ToAddress(); }

Signature PrivateKey::Sign(const Hash32& digest) const {
  secp256k1_ecdsa_recoverable_signature raw;
  // A null nonce function is libsecp256k1's default, RFC 6979 with HMAC-SHA256, and the
  // library always returns the low-s form.
  ORCH_CHECK(secp256k1_ecdsa_sign_recoverable(Context(), &raw, digest.data(), secret_.data(),
                                              /*noncefp=*/nullptr, /*ndata=*/nullptr) == 1,
             "secp256k1_ecdsa_sign_recoverable failed on a verified key");
  std::array<unsigned char, 64> compact{};
  int recovery_id = 0;
  ORCH_CHECK(secp256k1_ecdsa_recoverable_signature_serialize_compact(Context(), compact.data(),
                                                                     &recovery_id, &raw) == 1,
             "secp256k1 signature serialization failed");
  // Ids 2 and 3 need r ≥ n, with probability about 2^-127.
  ORCH_CHECK(recovery_id == 0 || recovery_id == 1, "unexpected recovery id {}", recovery_id);
  Signature signature;
  std::copy(compact.begin(), compact.begin() + 32, signature.r.begin());
  std::copy(compact.begin() + 32, compact.end(), signature.s.begin());
  signature.y_parity = static_cast<std::uint8_t>(recovery_id);
  return signature;
}

Result<PublicKey> RecoverPublicKey(const Hash32& digest, const Signature& signature) {
  if (signature.y_parity > 1) {
    return Error::InvalidArgument("signature y parity must be 0 or 1, got {}", signature.y_parity);
  }
  std::array<unsigned char, 64> compact{};
  std::copy(signature.r.begin(), signature.r.end(), compact.begin());
  std::copy(signature.s.begin(), signature.s.end(), compact.begin() + 32);
  const bool zero_r = std::all_of(signature.r.begin(), signature.r.end(),
                                  [](std::uint8_t byte) { return byte == 0; });
  const bool zero_s = std::all_of(signature.s.begin(), signature.s.end(),
                                  [](std::uint8_t byte) { return byte == 0; });
  secp256k1_ecdsa_recoverable_signature raw;
  if (zero_r || zero_s ||
      secp256k1_ecdsa_recoverable_signature_parse_compact(Context(), &raw, compact.data(),
                                                          signature.y_parity) != 1) {
    return Error::InvalidArgument("signature r and s must be in [1, n-1]");
  }
  secp256k1_ecdsa_signature plain;
  ORCH_CHECK(secp256k1_ecdsa_recoverable_signature_convert(Context(), &plain, &raw) == 1,
             "secp256k1 signature conversion failed");
  // With a null output, normalize only reports whether s was in the upper half.
  if (secp256k1_ecdsa_signature_normalize(Context(), nullptr, &plain) == 1) {
    return Error::InvalidArgument("signature s is in the upper half of the order (EIP-2)");
  }
  secp256k1_pubkey key;
  if (secp256k1_ecdsa_recover(Context(), &key, &raw, digest.data()) != 1) {
    return Error::InvalidArgument("no public key matches the signature");
  }
  return SerializePublicKey(key);
}

Result<Address> RecoverAddress(const Hash32& digest, const Signature& signature) {
  ORCH_ASSIGN_OR_RETURN(const PublicKey key, RecoverPublicKey(digest, signature));
  return key.ToAddress();
}

std::uint64_t Eip155V(std::uint8_t y_parity, std::uint64_t chain_id) {
  ORCH_CHECK(y_parity <= 1, "y parity must be 0 or 1, got {}", y_parity);
  ORCH_CHECK(chain_id <= kMaxEip155ChainId, "chain id {} too large for EIP-155", chain_id);
  return chain_id * 2 + 35 + y_parity;
}

Result<std::uint8_t> YParityFromV(std::uint64_t v, std::uint64_t chain_id) {
  if (v == 27 || v == 28) {
    return static_cast<std::uint8_t>(v - 27);
  }
  if (chain_id <= kMaxEip155ChainId && (v == chain_id * 2 + 35 || v == chain_id * 2 + 36)) {
    return static_cast<std::uint8_t>(v - chain_id * 2 - 35);
  }
  return Error::InvalidArgument("v = {} is neither 27/28 nor an EIP-155 value for chain {}", v,
                                chain_id);
}

}  // namespace orch::eth
