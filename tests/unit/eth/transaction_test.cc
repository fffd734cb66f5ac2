#include "orch/eth/transaction.h"

#include <gtest/gtest.h>

#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"
#include "orch/eth/rlp.h"

namespace orch::eth {
namespace {

constexpr std::string_view kAnvilKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kAnvilAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

PrivateKey AnvilKey() { return *PrivateKey::FromHex(kAnvilKey); }
Address AnvilAddress() { return *Address::Parse(kAnvilAddress); }

// The transactions behind the vectors below, which micro-eth-signer 0.20.1 produced
// (Transaction.signBy(key, false): RFC 6979 without extra entropy).
Eip1559Transaction VectorType2() {
  Eip1559Transaction transaction;
  transaction.chain_id = 1;
  transaction.nonce = 0;
  transaction.max_priority_fee_per_gas = WordFromUint64(1);
  transaction.max_fee_per_gas = WordFromUint64(2);
  transaction.gas_limit = 21000;
  transaction.to = AnvilAddress();
  transaction.access_list = {{AnvilAddress(), {Hash32{}}}};
  return transaction;
}

Eip4844Transaction VectorType3() {
  const Eip1559Transaction base = VectorType2();
  Eip4844Transaction transaction;
  transaction.chain_id = base.chain_id;
  transaction.max_priority_fee_per_gas = base.max_priority_fee_per_gas;
  transaction.max_fee_per_gas = base.max_fee_per_gas;
  transaction.gas_limit = base.gas_limit;
  transaction.to = *base.to;
  transaction.access_list = base.access_list;
  transaction.max_fee_per_blob_gas = WordFromUint64(5);
  Hash32 hash;
  hash.fill(0x22);
  hash[0] = 0x01;
  transaction.blob_versioned_hashes = {hash};
  return transaction;
}

TEST(TransactionTest, Type2MatchesTheReferenceVector) {
  const Eip1559Transaction transaction = VectorType2();
  EXPECT_EQ(ToHex(SigningHash(transaction)),
            "0x7509c069bdb9ffed645c8ef57dc6a6962b1c0e664ac58ddbf3529ce97c1026c6");
  const auto signed_transaction = SignTransaction(transaction, AnvilKey());
  EXPECT_EQ(ToHex(EncodeTransaction(signed_transaction)),
            "0x02f89b0180010282520894f39fd6e51aad88f6f4ce6ab8827279cfffb922668080f838f794f39fd6e5"
            "1aad88f6f4ce6ab8827279cfffb92266e1a000000000000000000000000000000000000000000000000000"
            "0000000000000080a06ab004f597d5a5a5379bcfe0d9f65a3ad1ef26945a7686ac380d267db4d7f0b8a00b"
            "14f7ef6239a1bf1786927298db0692bc910058160497f494fb62ce31196f81");
  EXPECT_EQ(ToHex(TransactionHash(signed_transaction)),
            "0xda9d2c72fa22916edbd8cde571460ebd71669021d2c8d602aa542fcf400cfa73");
  EXPECT_EQ(RecoverSender(signed_transaction)->ToChecksumHex(), kAnvilAddress);
}

TEST(TransactionTest, Type2ContractCreationHasAnEmptyDestination) {
  Eip1559Transaction transaction = VectorType2();
  transaction.to.reset();
  transaction.access_list.clear();
  const auto signed_transaction = SignTransaction(transaction, AnvilKey());
  EXPECT_EQ(ToHex(EncodeTransaction(signed_transaction)),
            "0x02f84e01800102825208808080c080a077088350c8e2df1db91b45d40c2b76fa300a5f38331697215f"
            "01114a8b37a5f3a01fb9c39d275b369f61e1313d4a3c9fc9c310fca849bbe2d63adb272cec04b668");
}

TEST(TransactionTest, Type3MatchesTheReferenceVector) {
  const auto signed_transaction = SignTransaction(VectorType3(), AnvilKey());
  EXPECT_EQ(ToHex(EncodeTransaction(signed_transaction)),
            "0x03f8be0180010282520894f39fd6e51aad88f6f4ce6ab8827279cfffb922668080f838f794f39fd6e5"
            "1aad88f6f4ce6ab8827279cfffb92266e1a000000000000000000000000000000000000000000000000000"
            "0000000000000005e1a0012222222222222222222222222222222222222222222222222222222222222201"
            "a092fe5ff9fb33806b70e0434982d88ae5cd6a66febc86fb2675a7cafc2e9e4b54a03890cc1f56275e3bde"
            "7cb03fd987591430b0a5b856007b9f8e9097827f7cd0ed");
  EXPECT_EQ(ToHex(TransactionHash(signed_transaction)),
            "0x00e2251f97c81dc8d0598e19d428a4be1bed54dfa8fef237241ac9643a50cd96");
  EXPECT_EQ(RecoverSender(signed_transaction)->ToChecksumHex(), kAnvilAddress);
}

TEST(TransactionTest, HashesAreKeccakOfTheTypedBytes) {
  const auto signed_transaction = SignTransaction(VectorType3(), AnvilKey());
  const Bytes raw = EncodeTransaction(signed_transaction);
  EXPECT_EQ(TransactionHash(signed_transaction), Keccak256(raw));
  ASSERT_EQ(raw[0], kEip4844TransactionType);
  const Result<RlpItem> fields = DecodeRlp(std::span(raw).subspan(1));
  ASSERT_TRUE(fields.ok()) << fields.error().ToString();
  ASSERT_EQ(fields->items().size(), 14u);
  EXPECT_EQ(*fields->items()[11].ToUint64(), signed_transaction.signature.y_parity);
  EXPECT_EQ(*fields->items()[12].ToWord(), signed_transaction.signature.r);
  EXPECT_EQ(*fields->items()[13].ToWord(), signed_transaction.signature.s);

  // The signing hash covers the 11 fields without the signature.
  std::vector<RlpItem> unsigned_fields(fields->items().begin(), fields->items().begin() + 11);
  Bytes unsigned_bytes{kEip4844TransactionType};
  AppendRlp(RlpItem::List(unsigned_fields), unsigned_bytes);
  EXPECT_EQ(SigningHash(signed_transaction.transaction), Keccak256(unsigned_bytes));
}

TEST(TransactionTest, SignatureDependsOnEveryField) {
  const Eip4844Transaction base = VectorType3();
  const Hash32 base_hash = SigningHash(base);
  Eip4844Transaction changed = base;
  changed.max_fee_per_blob_gas = WordFromUint64(6);
  EXPECT_NE(SigningHash(changed), base_hash);
  changed = base;
  changed.blob_versioned_hashes.push_back(base.blob_versioned_hashes[0]);
  EXPECT_NE(SigningHash(changed), base_hash);
  changed = base;
  changed.chain_id = 11155111;
  EXPECT_NE(SigningHash(changed), base_hash);
}

// A settlement-like blob transaction with a consistent sidecar.
struct BlobFixture {
  SignedTransaction<Eip4844Transaction> transaction;
  BlobSidecar sidecar;
};

BlobFixture MakeBlobFixture(SidecarVersion version, std::size_t blobs) {
  BlobFixture fixture;
  fixture.sidecar.version = version;
  std::vector<Bytes> proofs_arg;
  for (std::size_t i = 0; i < blobs; ++i) {
    fixture.sidecar.blobs.emplace_back(kBytesPerBlob, static_cast<std::uint8_t>(0x10 + i));
    KzgCommitment commitment;
    commitment.fill(static_cast<std::uint8_t>(0x80 + i));
    fixture.sidecar.commitments.push_back(commitment);
    proofs_arg.push_back(Bytes(48, 0x33));
  }
  const std::size_t proofs =
      version == SidecarVersion::kEip7594 ? blobs * kCellProofsPerBlob : blobs;
  for (std::size_t i = 0; i < proofs; ++i) {
    KzgProof proof;
    proof.fill(static_cast<std::uint8_t>(i));
    fixture.sidecar.proofs.push_back(proof);
  }
  Eip4844Transaction transaction;
  transaction.chain_id = 11155111;
  transaction.nonce = 42;
  transaction.max_priority_fee_per_gas = WordFromUint64(200'000'000);
  transaction.max_fee_per_gas = WordFromUint64(30'000'000'000);
  transaction.gas_limit = 1'500'000;
  transaction.to = *Address::Parse("0xE2Bb56ee936fd6433DC0F6e7e3b8365C906AA057");
  const AbiValue arguments[] = {AbiValue::Uint256Array({WordFromUint64(1), WordFromUint64(2)}),
                                AbiValue::BytesArray(proofs_arg)};
  transaction.data = EncodeFunctionCall("updateStateKzgDA", arguments);
  transaction.max_fee_per_blob_gas = WordFromUint64(1'000'000'000);
  transaction.blob_versioned_hashes = VersionedHashes(fixture.sidecar);
  fixture.transaction = SignTransaction(transaction, AnvilKey());
  return fixture;
}

// The RLP header of a list or string whose payload needs 1 to 3 length bytes (hand-written
// here rather than taken from the encoder under test).
Bytes LongHeader(std::uint8_t base, std::size_t payload) {
  if (payload < 56) {
    return {static_cast<std::uint8_t>(base + payload)};
  }
  if (payload < 0x100) {
    return {static_cast<std::uint8_t>(base + 56), static_cast<std::uint8_t>(payload)};
  }
  if (payload < 0x10000) {
    return {static_cast<std::uint8_t>(base + 57), static_cast<std::uint8_t>(payload >> 8),
            static_cast<std::uint8_t>(payload)};
  }
  return {static_cast<std::uint8_t>(base + 58), static_cast<std::uint8_t>(payload >> 16),
          static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload)};
}

void Append(Bytes& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// 0x03 ‖ list(body, [1,] list(blobs), list(commitments), list(proofs)), spelled out.
Bytes HandBuiltNetworkForm(const BlobFixture& fixture) {
  const Bytes raw = EncodeTransaction(fixture.transaction);
  const auto body = std::span(raw).subspan(1);
  Bytes blobs;
  for (const Bytes& blob : fixture.sidecar.blobs) {
    Append(blobs, Bytes{0xba, 0x02, 0x00, 0x00});  // a string of 131072 bytes
    Append(blobs, blob);
  }
  Bytes commitments;
  for (const KzgCommitment& commitment : fixture.sidecar.commitments) {
    commitments.push_back(0xb0);  // a string of 48 bytes
    Append(commitments, commitment);
  }
  Bytes proofs;
  for (const KzgProof& proof : fixture.sidecar.proofs) {
    proofs.push_back(0xb0);
    Append(proofs, proof);
  }
  Bytes payload(body.begin(), body.end());
  if (fixture.sidecar.version == SidecarVersion::kEip7594) {
    payload.push_back(0x01);
  }
  Append(payload, LongHeader(0xc0, blobs.size()));
  Append(payload, blobs);
  Append(payload, LongHeader(0xc0, commitments.size()));
  Append(payload, commitments);
  Append(payload, LongHeader(0xc0, proofs.size()));
  Append(payload, proofs);
  Bytes out{0x03};
  Append(out, LongHeader(0xc0, payload.size()));
  Append(out, payload);
  return out;
}

TEST(TransactionTest, NetworkFormEip4844) {
  for (std::size_t blobs : {1u, 2u, 6u}) {
    const BlobFixture fixture = MakeBlobFixture(SidecarVersion::kEip4844, blobs);
    const Result<Bytes> network = EncodeNetworkTransaction(fixture.transaction, fixture.sidecar);
    ASSERT_TRUE(network.ok()) << network.error().ToString();
    EXPECT_EQ(*network, HandBuiltNetworkForm(fixture));

    const Result<RlpItem> wrapper = DecodeRlp(std::span(*network).subspan(1));
    ASSERT_TRUE(wrapper.ok()) << wrapper.error().ToString();
    ASSERT_EQ(wrapper->items().size(), 4u);
    const Bytes raw = EncodeTransaction(fixture.transaction);
    EXPECT_EQ(EncodeRlp(wrapper->items()[0]), Bytes(raw.begin() + 1, raw.end()));
    EXPECT_EQ(wrapper->items()[1].items().size(), blobs);
    EXPECT_EQ(wrapper->items()[1].items()[0].bytes(), fixture.sidecar.blobs[0]);
    EXPECT_EQ(wrapper->items()[2].items().size(), blobs);
    EXPECT_EQ(wrapper->items()[3].items().size(), blobs);
  }
}

TEST(TransactionTest, NetworkFormEip7594) {
  for (std::size_t blobs : {1u, 3u}) {
    const BlobFixture fixture = MakeBlobFixture(SidecarVersion::kEip7594, blobs);
    const Result<Bytes> network = EncodeNetworkTransaction(fixture.transaction, fixture.sidecar);
    ASSERT_TRUE(network.ok()) << network.error().ToString();
    EXPECT_EQ(*network, HandBuiltNetworkForm(fixture));

    const Result<RlpItem> wrapper = DecodeRlp(std::span(*network).subspan(1));
    ASSERT_TRUE(wrapper.ok()) << wrapper.error().ToString();
    ASSERT_EQ(wrapper->items().size(), 5u);
    EXPECT_EQ(*wrapper->items()[1].ToUint64(), kEip7594WrapperVersion);
    EXPECT_EQ(wrapper->items()[2].items().size(), blobs);
    EXPECT_EQ(wrapper->items()[3].items().size(), blobs);
    EXPECT_EQ(wrapper->items()[4].items().size(), blobs * kCellProofsPerBlob);
    // The transaction hash covers only the body: nodes compute it from the first item.
    Bytes typed_body{kEip4844TransactionType};
    AppendRlp(wrapper->items()[0], typed_body);
    EXPECT_EQ(Keccak256(typed_body), TransactionHash(fixture.transaction));
  }
}

TEST(TransactionTest, NetworkFormRejectsAMismatchedSidecar) {
  BlobFixture fixture = MakeBlobFixture(SidecarVersion::kEip4844, 2);
  std::swap(fixture.sidecar.commitments[0], fixture.sidecar.commitments[1]);
  const Result<Bytes> swapped = EncodeNetworkTransaction(fixture.transaction, fixture.sidecar);
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.error().message().find("blob 0: the commitment's versioned hash"),
            std::string::npos);

  fixture = MakeBlobFixture(SidecarVersion::kEip4844, 2);
  fixture.transaction.transaction.blob_versioned_hashes.pop_back();
  const Result<Bytes> count = EncodeNetworkTransaction(fixture.transaction, fixture.sidecar);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.error().message(), "the transaction names 1 blobs, the sidecar carries 2");

  fixture = MakeBlobFixture(SidecarVersion::kEip7594, 1);
  fixture.sidecar.proofs.pop_back();
  EXPECT_FALSE(EncodeNetworkTransaction(fixture.transaction, fixture.sidecar).ok());
}

}  // namespace
}  // namespace orch::eth
