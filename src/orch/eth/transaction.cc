#include "orch/eth/transaction.h"

#include <utility>

#include "orch/eth/keccak.h"
#include "orch/eth/rlp.h"

namespace orch::eth {
namespace {

RlpItem AccessListItem(const std::vector<AccessListEntry>& access_list) {
  std::vector<RlpItem> entries;
  entries.reserve(access_list.size());
  for (const AccessListEntry& entry : access_list) {
    std::vector<RlpItem> keys;
    keys.reserve(entry.storage_keys.size());
    for (const Hash32& key : entry.storage_keys) {
      keys.push_back(RlpItem::String(key));
    }
    entries.push_back(
        RlpItem::List({RlpItem::String(entry.address.bytes()), RlpItem::List(std::move(keys))}));
  }
  return RlpItem::List(std::move(entries));
}

std::vector<RlpItem> Fields(const Eip1559Transaction& transaction) {
  return {
      RlpItem::Uint(transaction.chain_id),
      RlpItem::Uint(transaction.nonce),
      RlpItem::Uint(transaction.max_priority_fee_per_gas),
      RlpItem::Uint(transaction.max_fee_per_gas),
      RlpItem::Uint(transaction.gas_limit),
      // A creation has an empty destination.
      transaction.to ? RlpItem::String(transaction.to->bytes()) : RlpItem(),
      RlpItem::Uint(transaction.value),
      RlpItem::String(transaction.data),
      AccessListItem(transaction.access_list),
  };
}

std::vector<RlpItem> Fields(const Eip4844Transaction& transaction) {
  std::vector<RlpItem> hashes;
  hashes.reserve(transaction.blob_versioned_hashes.size());
  for (const Hash32& hash : transaction.blob_versioned_hashes) {
    hashes.push_back(RlpItem::String(hash));
  }
  return {
      RlpItem::Uint(transaction.chain_id),
      RlpItem::Uint(transaction.nonce),
      RlpItem::Uint(transaction.max_priority_fee_per_gas),
      RlpItem::Uint(transaction.max_fee_per_gas),
      RlpItem::Uint(transaction.gas_limit),
      RlpItem::String(transaction.to.bytes()),
      RlpItem::Uint(transaction.value),
      RlpItem::String(transaction.data),
      AccessListItem(transaction.access_list),
      RlpItem::Uint(transaction.max_fee_per_blob_gas),
      RlpItem::List(std::move(hashes)),
  };
}

std::uint8_t TypeOf(const Eip1559Transaction&) { return kEip1559TransactionType; }
std::uint8_t TypeOf(const Eip4844Transaction&) { return kEip4844TransactionType; }

template <typename Transaction>
RlpItem SignedBody(const SignedTransaction<Transaction>& signed_transaction) {
  std::vector<RlpItem> fields = Fields(signed_transaction.transaction);
  fields.push_back(RlpItem::Uint(signed_transaction.signature.y_parity));
  fields.push_back(RlpItem::Uint(signed_transaction.signature.r));
  fields.push_back(RlpItem::Uint(signed_transaction.signature.s));
  return RlpItem::List(std::move(fields));
}

Bytes Typed(std::uint8_t type, const RlpItem& payload) {
  Bytes out{type};
  AppendRlp(payload, out);
  return out;
}

template <typename Transaction>
Hash32 SigningHashOf(const Transaction& transaction) {
  return Keccak256(Typed(TypeOf(transaction), RlpItem::List(Fields(transaction))));
}

template <typename Transaction>
SignedTransaction<Transaction> Sign(const Transaction& transaction, const PrivateKey& key) {
  return {transaction, key.Sign(SigningHashOf(transaction))};
}

template <typename Transaction>
Bytes Encode(const SignedTransaction<Transaction>& transaction) {
  return Typed(TypeOf(transaction.transaction), SignedBody(transaction));
}

}  // namespace

Hash32 SigningHash(const Eip1559Transaction& transaction) { return SigningHashOf(transaction); }
Hash32 SigningHash(const Eip4844Transaction& transaction) { return SigningHashOf(transaction); }

SignedTransaction<Eip1559Transaction> SignTransaction(const Eip1559Transaction& transaction,
                                                      const PrivateKey& key) {
  return Sign(transaction, key);
}

SignedTransaction<Eip4844Transaction> SignTransaction(const Eip4844Transaction& transaction,
                                                      const PrivateKey& key) {
  return Sign(transaction, key);
}

Bytes EncodeTransaction(const SignedTransaction<Eip1559Transaction>& transaction) {
  return Encode(transaction);
}

Bytes EncodeTransaction(const SignedTransaction<Eip4844Transaction>& transaction) {
  return Encode(transaction);
}

Hash32 TransactionHash(const SignedTransaction<Eip1559Transaction>& transaction) {
  return Keccak256(Encode(transaction));
}

Hash32 TransactionHash(const SignedTransaction<Eip4844Transaction>& transaction) {
  return Keccak256(Encode(transaction));
}

Result<Address> RecoverSender(const SignedTransaction<Eip1559Transaction>& transaction) {
  return RecoverAddress(SigningHash(transaction.transaction), transaction.signature);
}

Result<Address> RecoverSender(const SignedTransaction<Eip4844Transaction>& transaction) {
  return RecoverAddress(SigningHash(transaction.transaction), transaction.signature);
}

Result<Bytes> EncodeNetworkTransaction(const SignedTransaction<Eip4844Transaction>& transaction,
                                       const BlobSidecar& sidecar) {
  ORCH_RETURN_IF_ERROR(ValidateSidecar(sidecar));
  const std::vector<Hash32>& expected = transaction.transaction.blob_versioned_hashes;
  if (expected.size() != sidecar.commitments.size()) {
    return Error::InvalidArgument("the transaction names {} blobs, the sidecar carries {}",
                                  expected.size(), sidecar.commitments.size());
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Hash32 actual = VersionedHash(sidecar.commitments[i]);
    if (actual != expected[i]) {
      return Error::InvalidArgument(
          "blob {}: the commitment's versioned hash {} is not the transaction's {}", i,
          ToHex(actual), ToHex(expected[i]));
    }
  }
  // Blobs are streamed into the output rather than copied into RlpItems first: the network
  // form is mostly blob bytes.
  const Bytes body = EncodeRlp(SignedBody(transaction));
  const Bytes version = sidecar.version == SidecarVersion::kEip7594
                            ? EncodeRlp(RlpItem::Uint(kEip7594WrapperVersion))
                            : Bytes{};
  const auto strings_size = [](const auto& strings) {
    std::size_t size = 0;
    for (const auto& string : strings) {
      size += RlpStringSize(string);
    }
    return size;
  };
  const std::size_t blobs_size = strings_size(sidecar.blobs);
  const std::size_t commitments_size = strings_size(sidecar.commitments);
  const std::size_t proofs_size = strings_size(sidecar.proofs);
  Bytes lists;  // the three list headers, measured once to size the payload
  AppendRlpListHeader(blobs_size, lists);
  AppendRlpListHeader(commitments_size, lists);
  AppendRlpListHeader(proofs_size, lists);
  const std::size_t payload_size =
      body.size() + version.size() + lists.size() + blobs_size + commitments_size + proofs_size;

  Bytes out{kEip4844TransactionType};
  out.reserve(1 + 9 + payload_size);
  AppendRlpListHeader(payload_size, out);
  out.insert(out.end(), body.begin(), body.end());
  out.insert(out.end(), version.begin(), version.end());
  const auto append_list = [&out](std::size_t size, const auto& strings) {
    AppendRlpListHeader(size, out);
    for (const auto& string : strings) {
      AppendRlpString(string, out);
    }
  };
  append_list(blobs_size, sidecar.blobs);
  append_list(commitments_size, sidecar.commitments);
  append_list(proofs_size, sidecar.proofs);
  return out;
}

}  // namespace orch::eth
