#pragma once

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/stark_curve.h"

namespace orch::crypto {

// ECDSA on the Stark curve, as Starknet accounts use it (protocols spec A.4). Message hashes
// are felts below 2^251; private keys are integers in [1, n). The generator's lookup table is
// built on first use (about 0.9 MB, some 15 ms); every function is thread-safe. Not constant-time:
// the timing of Sign depends on the key and nonce, so sign only on a machine whose other tenants
// are trusted.

/// A signature (r, s), sent to Starknet as the two felts [r, s].
struct StarkSignature {
  Felt r;
  Felt s;

  friend bool operator==(const StarkSignature& a, const StarkSignature& b) = default;
};

/// private_key·G. Fails unless the key is in [1, n).
Result<AffinePoint> GetPublicKey(const Felt& private_key);

/// The x coordinate of the public key: the "stark key" that accounts store as their signer.
Result<Felt> GetStarkKey(const Felt& private_key);

/// Signs with the deterministic nonce of RFC 6979 (HMAC-SHA256 over the 32-byte big-endian key
/// and hash), turning the nonce candidates into scalars exactly as @scure/starknet does, so
/// both produce the same (r, s). A candidate giving r = 0, s = 0, r >= 2^251 or s^-1 >= 2^251
/// is skipped for the next one. Fails for a key outside [1, n) or a hash >= 2^251.
Result<StarkSignature> Sign(const Felt& private_key, const Felt& message_hash);

/// Standard ECDSA verification. Malformed inputs are errors: a hash >= 2^251, r outside
/// [1, 2^251), s outside [1, n) or s^-1 >= 2^251 (StarkWare's bounds). A well-formed signature
/// that does not match gives false.
Result<bool> Verify(const AffinePoint& public_key, const Felt& message_hash,
                    const StarkSignature& signature);

/// Verify with only the stark key: accepts a signature by either curve point with this x, as
/// Starknet's check_ecdsa_signature does. Also fails when no curve point has this x. Costs a
/// square root more than Verify.
Result<bool> VerifyWithStarkKey(const Felt& stark_key, const Felt& message_hash,
                                const StarkSignature& signature);

}  // namespace orch::crypto
