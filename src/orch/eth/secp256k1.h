#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "orch/common/result.h"
#include "orch/eth/address.h"
#include "orch/eth/bytes.h"

namespace orch::eth {

/// An ECDSA signature over secp256k1 with the recovery bit, as typed transactions carry it.
/// `r` and `s` are 32-byte big-endian integers; `y_parity` is 0 or 1.
struct Signature {
  Hash32 r{};
  Hash32 s{};
  std::uint8_t y_parity = 0;

  bool operator==(const Signature&) const = default;
};

/// An uncompressed secp256k1 public key as its 64 bytes x ‖ y (without the 0x04 tag).
/// Value type; immutable.
class PublicKey {
 public:
  explicit PublicKey(const std::array<std::uint8_t, 64>& xy) : xy_(xy) {}

  const std::array<std::uint8_t, 64>& bytes() const { return xy_; }
  Address ToAddress() const { return Address::FromPublicKey(xy_); }

  bool operator==(const PublicKey&) const = default;

 private:
  std::array<std::uint8_t, 64> xy_;
};

/// A secp256k1 private key. It is a secret: it has no accessor, no formatter and no stream
/// operator, error messages about it never show it, and its memory is wiped when it goes
/// away. Only a valid scalar (0 < k < n) can be constructed. Immutable; safe to use from
/// several threads.
class PrivateKey {
 public:
  /// Errors: kInvalidArgument when `bytes` is not 32 bytes or not a valid scalar.
  static Result<PrivateKey> FromBytes(std::span<const std::uint8_t> bytes);
  /// 64 hex digits, with or without "0x". Errors: kInvalidArgument, as FromBytes.
  static Result<PrivateKey> FromHex(std::string_view text);

  PrivateKey(const PrivateKey& other) = default;
  PrivateKey& operator=(const PrivateKey& other) = default;
  ~PrivateKey();

  PublicKey GetPublicKey() const;
  Address GetAddress() const;

  /// Signs a 32-byte digest: deterministic (RFC 6979) and with a low `s` (EIP-2), so the same
  /// key and digest always give the same signature.
  Signature Sign(const Hash32& digest) const;

 private:
  explicit PrivateKey(const std::array<std::uint8_t, 32>& secret) : secret_(secret) {}

  std::array<std::uint8_t, 32> secret_;
};

/// The public key that made `signature` over `digest`.
/// Errors: kInvalidArgument when r or s is zero or not below the group order, when s is in
/// the upper half (EIP-2 forbids it for transactions), when y_parity is not 0 or 1, or when no
/// key matches.
Result<PublicKey> RecoverPublicKey(const Hash32& digest, const Signature& signature);

/// The address of RecoverPublicKey. Errors: as RecoverPublicKey.
Result<Address> RecoverAddress(const Hash32& digest, const Signature& signature);

/// The largest chain id for which an EIP-155 `v` fits in 64 bits.
inline constexpr std::uint64_t kMaxEip155ChainId = (UINT64_MAX - 36) / 2;

/// The `v` of a legacy transaction signed with EIP-155 replay protection:
/// chain_id·2 + 35 + y_parity. `chain_id` must be at most kMaxEip155ChainId.
std::uint64_t Eip155V(std::uint8_t y_parity, std::uint64_t chain_id);

/// The y parity of a legacy `v`: 27/28 (before EIP-155) or chain_id·2 + 35/36.
/// Errors: kInvalidArgument for any other `v` (including one made for another chain).
Result<std::uint8_t> YParityFromV(std::uint64_t v, std::uint64_t chain_id);

}  // namespace orch::eth
