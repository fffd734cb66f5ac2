#include "orch/crypto/stark_ecdsa.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "orch/common/check.h"
#include "orch/crypto/fixed_base_table.h"
#include "orch/crypto/montgomery.h"

namespace orch::crypto {
namespace {

struct StarkOrder {
  static constexpr internal::Limbs kValue = kStarkCurveOrder.limbs();
};
// Arithmetic modulo the curve order n, for the ECDSA scalars.
using ScalarField = internal::Montgomery<StarkOrder>;

constexpr unsigned kOrderBits = 252;
// StarkWare bounds message hashes, r and s^-1 by 2^251.
constexpr U256 kSignatureBound = U256(U256::Limbs{0, 0, 0, 1ULL << 59});
// Give up after this many nonce candidates, as @noble/curves does. About half of them are
// rejected (they have 252 bits and n is just above 2^251), so 1000 rejections in a row mean a
// broken HMAC.
constexpr int kMaxNonceCandidates = 1000;

using Digest = std::array<std::uint8_t, 32>;

const FixedBaseTable& GeneratorTable() {
  static const FixedBaseTable table(AffinePoint::Generator(), kOrderBits);
  return table;
}

internal::Limbs ToScalar(const U256& value) { return ScalarField::ToMontgomery(value.limbs()); }
U256 FromScalar(const internal::Limbs& scalar) { return U256(ScalarField::FromMontgomery(scalar)); }

Result<U256> CheckPrivateKey(const Felt& private_key) {
  const U256 key = private_key.ToU256();
  if (key.IsZero() || key >= kStarkCurveOrder) {
    return Error::InvalidArgument("a Stark private key must be in [1, n), the curve order");
  }
  return key;
}

Result<U256> CheckMessageHash(const Felt& message_hash) {
  const U256 hash = message_hash.ToU256();
  if (hash >= kSignatureBound) {
    return Error::InvalidArgument("message hash {} is not below 2^251", message_hash.ToHex());
  }
  return hash;
}

// HMAC-SHA256(key, concatenation of parts).
Digest Hmac(const Digest& key, std::initializer_list<std::span<const std::uint8_t>> parts) {
  std::vector<std::uint8_t> message;
  for (const auto& part : parts) {
    message.insert(message.end(), part.begin(), part.end());
  }
  Digest out{};
  unsigned int length = 0;
  const unsigned char* result = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                     message.data(), message.size(), out.data(), &length);
  ORCH_CHECK(result != nullptr && length == out.size(), "HMAC-SHA256 failed");
  return out;
}

// The HMAC-DRBG of RFC 6979 section 3.2 with SHA-256, producing 32-byte nonce candidates.
class NonceGenerator {
 public:
  explicit NonceGenerator(std::span<const std::uint8_t> seed) {
    v_.fill(0x01);
    k_.fill(0x00);
    Reseed(seed);
  }

  Digest Next() {
    if (!first_) {
      Reseed({});
    }
    first_ = false;
    v_ = Hmac(k_, {v_});
    return v_;
  }

 private:
  void Reseed(std::span<const std::uint8_t> seed) {
    static constexpr std::array<std::uint8_t, 1> kZero = {0x00};
    static constexpr std::array<std::uint8_t, 1> kOne = {0x01};
    k_ = Hmac(k_, {v_, kZero, seed});
    v_ = Hmac(k_, {v_});
    if (seed.empty()) {
      return;
    }
    k_ = Hmac(k_, {v_, kOne, seed});
    v_ = Hmac(k_, {v_});
  }

  Digest k_;
  Digest v_;
  bool first_ = true;
};

// The candidate as an integer the way @scure/starknet's bits2int reads it: leading zero bytes
// are dropped first, and only a full 32 bytes is shifted right to 252 bits. (starknet-crypto
// always shifts, so the two differ for the 1 in 256 candidates that start with a zero byte.)
U256 CandidateToInteger(const Digest& candidate) {
  const U256 value = U256::FromWord(candidate);
  return candidate[0] != 0 ? value >> 4 : value;
}

// x mod n for a curve x coordinate (x < P < 2n).
U256 ReduceByOrder(const Felt& x) {
  const U256 value = x.ToU256();
  return value >= kStarkCurveOrder ? value - kStarkCurveOrder : value;
}

struct VerificationScalars {
  U256 u1;  // hash / s
  U256 u2;  // r / s
  U256 r;
};

Result<VerificationScalars> PrepareVerification(const Felt& message_hash,
                                                const StarkSignature& signature) {
  ORCH_ASSIGN_OR_RETURN(const U256 hash, CheckMessageHash(message_hash));
  const U256 r = signature.r.ToU256();
  const U256 s = signature.s.ToU256();
  if (r.IsZero() || r >= kSignatureBound) {
    return Error::InvalidArgument("signature r = {} is not in [1, 2^251)", r.ToHex());
  }
  if (s.IsZero() || s >= kStarkCurveOrder) {
    return Error::InvalidArgument("signature s = {} is not in [1, n)", s.ToHex());
  }
  const internal::Limbs w = ScalarField::Inverse(ToScalar(s));
  if (FromScalar(w) >= kSignatureBound) {
    return Error::InvalidArgument("signature s = {} has an inverse modulo n of 2^251 or more",
                                  s.ToHex());
  }
  return VerificationScalars{FromScalar(ScalarField::Mul(ToScalar(hash), w)),
                             FromScalar(ScalarField::Mul(ToScalar(r), w)), r};
}

bool XMatches(const JacobianPoint& point, const U256& r) {
  const std::optional<AffinePoint> affine = point.ToAffine();
  return affine.has_value() && ReduceByOrder(affine->x()) == r;
}

}  // namespace

Result<AffinePoint> GetPublicKey(const Felt& private_key) {
  ORCH_ASSIGN_OR_RETURN(const U256 key, CheckPrivateKey(private_key));
  const std::optional<AffinePoint> point = GeneratorTable().MultiplyAdd({}, key).ToAffine();
  ORCH_CHECK(point.has_value(), "k·G at infinity for k in [1, n)");
  return *point;
}

Result<Felt> GetStarkKey(const Felt& private_key) {
  ORCH_ASSIGN_OR_RETURN(const AffinePoint public_key, GetPublicKey(private_key));
  return public_key.x();
}

Result<StarkSignature> Sign(const Felt& private_key, const Felt& message_hash) {
  ORCH_ASSIGN_OR_RETURN(const U256 key, CheckPrivateKey(private_key));
  ORCH_ASSIGN_OR_RETURN(const U256 hash, CheckMessageHash(message_hash));
  // RFC 6979 seed: int2octets(key) ‖ bits2octets(hash); the hash is below n, so bits2octets is
  // its plain 32-byte encoding.
  std::array<std::uint8_t, 64> seed{};
  const auto key_bytes = key.ToBytesBe();
  const auto hash_bytes = hash.ToBytesBe();
  std::copy(key_bytes.begin(), key_bytes.end(), seed.begin());
  std::copy(hash_bytes.begin(), hash_bytes.end(), seed.begin() + 32);

  const internal::Limbs d = ToScalar(key);
  const internal::Limbs z = ToScalar(hash);
  NonceGenerator nonces(seed);
  for (int attempt = 0; attempt < kMaxNonceCandidates; ++attempt) {
    const U256 k = CandidateToInteger(nonces.Next());
    if (k.IsZero() || k >= kStarkCurveOrder) {
      continue;
    }
    const std::optional<AffinePoint> point = GeneratorTable().MultiplyAdd({}, k).ToAffine();
    ORCH_CHECK(point.has_value(), "k·G at infinity for k in [1, n)");
    const U256 r = ReduceByOrder(point->x());
    if (r.IsZero() || r >= kSignatureBound) {
      continue;
    }
    const internal::Limbs r_scalar = ToScalar(r);
    const internal::Limbs s_scalar = ScalarField::Mul(
        ScalarField::Inverse(ToScalar(k)), ScalarField::Add(z, ScalarField::Mul(r_scalar, d)));
    const U256 s = FromScalar(s_scalar);
    if (s.IsZero() || FromScalar(ScalarField::Inverse(s_scalar)) >= kSignatureBound) {
      continue;
    }
    // r and s are below n < P, so they are felts.
    return StarkSignature{*Felt::FromU256(r), *Felt::FromU256(s)};
  }
  return Error::Internal("RFC 6979 produced no usable nonce in {} candidates", kMaxNonceCandidates);
}

Result<bool> Verify(const AffinePoint& public_key, const Felt& message_hash,
                    const StarkSignature& signature) {
  ORCH_ASSIGN_OR_RETURN(const VerificationScalars scalars,
                        PrepareVerification(message_hash, signature));
  const JacobianPoint sum =
      GeneratorTable().MultiplyAdd(Multiply(public_key, scalars.u2), scalars.u1);
  return XMatches(sum, scalars.r);
}

Result<bool> VerifyWithStarkKey(const Felt& stark_key, const Felt& message_hash,
                                const StarkSignature& signature) {
  ORCH_ASSIGN_OR_RETURN(const VerificationScalars scalars,
                        PrepareVerification(message_hash, signature));
  ORCH_ASSIGN_OR_RETURN(const AffinePoint public_key, AffinePoint::FromX(stark_key));
  // u1·G + u2·(±Q): the two candidates share both products.
  const JacobianPoint from_generator = GeneratorTable().MultiplyAdd({}, scalars.u1);
  const JacobianPoint from_key = Multiply(public_key, scalars.u2);
  return XMatches(from_generator.Add(from_key), scalars.r) ||
         XMatches(from_generator.Add(from_key.Negate()), scalars.r);
}

}  // namespace orch::crypto
