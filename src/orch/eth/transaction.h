#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "orch/common/result.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/bytes.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/word.h"

namespace orch::eth {

/// The EIP-2718 type bytes.
inline constexpr std::uint8_t kEip1559TransactionType = 0x02;
inline constexpr std::uint8_t kEip4844TransactionType = 0x03;

/// One entry of an EIP-2930 access list.
struct AccessListEntry {
  Address address;
  std::vector<Hash32> storage_keys;

  bool operator==(const AccessListEntry&) const = default;
};

/// The fields of an EIP-1559 (type 2) transaction, in RLP order. Fees and value are in wei.
/// Plain data; thread-compatible.
struct Eip1559Transaction {
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  Word max_priority_fee_per_gas{};
  Word max_fee_per_gas{};
  std::uint64_t gas_limit = 0;
  /// Unset for a contract creation.
  std::optional<Address> to;
  Word value{};
  Bytes data;
  std::vector<AccessListEntry> access_list;

  bool operator==(const Eip1559Transaction&) const = default;
};

/// The fields of an EIP-4844 (type 3, blob) transaction, in RLP order; spec §7.7. Unlike type
/// 2 it cannot create a contract. Plain data; thread-compatible.
struct Eip4844Transaction {
  std::uint64_t chain_id = 0;
  std::uint64_t nonce = 0;
  Word max_priority_fee_per_gas{};
  Word max_fee_per_gas{};
  std::uint64_t gas_limit = 0;
  Address to;
  Word value{};
  Bytes data;
  std::vector<AccessListEntry> access_list;
  Word max_fee_per_blob_gas{};
  /// One per blob, in blob order (see VersionedHash).
  std::vector<Hash32> blob_versioned_hashes;

  bool operator==(const Eip4844Transaction&) const = default;
};

/// A transaction and the signature over its SigningHash.
template <typename Transaction>
struct SignedTransaction {
  Transaction transaction;
  Signature signature;

  bool operator==(const SignedTransaction&) const = default;
};

/// keccak(type ‖ rlp(fields)): the digest the sender signs.
Hash32 SigningHash(const Eip1559Transaction& transaction);
Hash32 SigningHash(const Eip4844Transaction& transaction);

/// Signs with `key` (deterministic, low s; see PrivateKey::Sign).
SignedTransaction<Eip1559Transaction> SignTransaction(const Eip1559Transaction& transaction,
                                                      const PrivateKey& key);
SignedTransaction<Eip4844Transaction> SignTransaction(const Eip4844Transaction& transaction,
                                                      const PrivateKey& key);

/// type ‖ rlp([fields…, y_parity, r, s]): the canonical bytes that blocks contain and that
/// the transaction hash covers. For a type-3 transaction these bytes do not carry the blobs;
/// nodes accept it only in the network form (EncodeNetworkTransaction).
Bytes EncodeTransaction(const SignedTransaction<Eip1559Transaction>& transaction);
Bytes EncodeTransaction(const SignedTransaction<Eip4844Transaction>& transaction);

/// keccak(EncodeTransaction(transaction)), the hash by which nodes know the transaction.
Hash32 TransactionHash(const SignedTransaction<Eip1559Transaction>& transaction);
Hash32 TransactionHash(const SignedTransaction<Eip4844Transaction>& transaction);

/// The address that signed the transaction.
/// Errors: kInvalidArgument for an invalid signature (see RecoverPublicKey).
Result<Address> RecoverSender(const SignedTransaction<Eip1559Transaction>& transaction);
Result<Address> RecoverSender(const SignedTransaction<Eip4844Transaction>& transaction);

/// The network ("pooled") form of a blob transaction for eth_sendRawTransaction:
///  - EIP-4844: 0x03 ‖ rlp([[fields…, y_parity, r, s], blobs, commitments, proofs]);
///  - EIP-7594: 0x03 ‖ rlp([[fields…, y_parity, r, s], 1, blobs, commitments, cell_proofs]).
/// Errors: kInvalidArgument when the sidecar's shape is wrong (ValidateSidecar) or its
/// commitments do not hash to the transaction's blob_versioned_hashes, in order.
Result<Bytes> EncodeNetworkTransaction(const SignedTransaction<Eip4844Transaction>& transaction,
                                       const BlobSidecar& sidecar);

}  // namespace orch::eth
