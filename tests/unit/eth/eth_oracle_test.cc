// Differential tests against micro-eth-signer, an independent JavaScript implementation,
// through tests/oracles/eth_oracle.mjs. Each primitive gets at least 1,000 inputs from a fixed
// seed plus edge cases, sent in one batch (one node process per primitive). A missing node or
// npm package fails the test: it never skips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/support/node_oracle.h"

#include "orch/eth/abi.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/keccak.h"
#include "orch/eth/rlp.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/sha256.h"
#include "orch/eth/transaction.h"

namespace orch::eth {
namespace {

using nlohmann::json;

constexpr std::size_t kCases = 1000;
constexpr std::uint64_t kSeed = 0x5eed'e7e4'0000'0004;

// The answers to `requests`, failing the test (not skipping) if the oracle cannot run.
std::vector<json> Ask(std::string_view op, const std::vector<json>& requests) {
  Result<std::vector<json>> answers =
      testing::RunNodeOracle("eth_oracle.mjs", {std::string(op)}, requests);
  if (!answers.ok()) {
    ADD_FAILURE() << answers.error().ToString();
    return {};
  }
  return std::move(answers).value();
}

// The answer's `field` as a string, or a failure naming the oracle's error.
std::string Field(const json& answer, const char* field) {
  if (answer.contains("error")) {
    return "oracle error: " + answer["error"].get<std::string>();
  }
  return answer.at(field).get<std::string>();
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  std::uint64_t Below(std::uint64_t bound) { return random_() % bound; }
  bool OneIn(std::uint64_t n) { return Below(n) == 0; }

  Bytes RandomBytes(std::size_t size) {
    Bytes bytes(size);
    for (std::uint8_t& byte : bytes) {
      byte = static_cast<std::uint8_t>(random_());
    }
    return bytes;
  }

  // A value below 2^bits, uniformly random in its low bytes.
  Word RandomWord(std::size_t bits) {
    Word word{};
    for (std::size_t i = 0; i < bits / 8; ++i) {
      word[31 - i] = static_cast<std::uint8_t>(random_());
    }
    return word;
  }

  // A word of a random width: 0, tiny, 64-bit, or up to `max_bits`.
  Word RandomQuantity(std::size_t max_bits) {
    static constexpr std::size_t kWidths[] = {0, 8, 16, 64, 128, 256};
    std::size_t bits = kWidths[Below(std::size(kWidths))];
    return RandomWord(std::min(bits, max_bits));
  }

  std::uint64_t RandomUint64() {
    switch (Below(4)) {
      case 0:
        return Below(256);
      case 1:
        return Below(1'000'000'000);
      default:
        return random_();
    }
  }

  PrivateKey RandomKey(Bytes* secret) {
    while (true) {
      *secret = RandomBytes(32);
      auto key = PrivateKey::FromBytes(*secret);
      if (key.ok()) {
        return std::move(key).value();
      }
    }
  }

 private:
  std::mt19937_64 random_;
};

json ItemToJson(const RlpItem& item) {
  if (!item.is_list()) {
    return ToHex(item.bytes());
  }
  json list = json::array();
  for (const RlpItem& child : item.items()) {
    list.push_back(ItemToJson(child));
  }
  return list;
}

RlpItem RandomItem(Generator& generator, int depth) {
  if (depth < 4 && generator.OneIn(3)) {
    std::vector<RlpItem> items(generator.Below(depth == 0 ? 12 : 5));
    for (RlpItem& item : items) {
      item = RandomItem(generator, depth + 1);
    }
    return RlpItem::List(std::move(items));
  }
  static constexpr std::size_t kSizes[] = {0, 1, 1, 1, 2, 20, 32, 54, 55, 56, 57, 255, 256};
  std::size_t size = kSizes[generator.Below(std::size(kSizes))];
  if (generator.OneIn(5)) {
    size = generator.Below(100);
  } else if (generator.OneIn(40)) {
    size = 1024 + generator.Below(70'000);
  }
  Bytes bytes = generator.RandomBytes(size);
  if (size == 1 && generator.OneIn(2)) {
    bytes[0] &= 0x7f;  // a byte that encodes as itself
  }
  return RlpItem::String(std::move(bytes));
}

TEST(EthOracleTest, Keccak) {
  Generator generator(kSeed);
  std::vector<Bytes> inputs;
  for (std::size_t size = 0; size <= 300; ++size) {
    inputs.push_back(generator.RandomBytes(size));
  }
  for (std::size_t size : {135, 136, 137, 271, 272, 273}) {
    for (int i = 0; i < 10; ++i) {
      inputs.push_back(generator.RandomBytes(size));
    }
  }
  for (std::size_t size : {1024, 131072}) {
    inputs.push_back(generator.RandomBytes(size));
  }
  while (inputs.size() < kCases + 100) {
    inputs.push_back(generator.RandomBytes(generator.Below(301)));
  }
  std::vector<json> requests;
  for (const Bytes& input : inputs) {
    requests.push_back({{"data", ToHex(input)}});
  }
  const std::vector<json> answers = Ask("keccak", requests);
  ASSERT_EQ(answers.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_EQ(ToHex(Keccak256(inputs[i])), Field(answers[i], "hash"))
        << "input of " << inputs[i].size() << " bytes";
  }
}

TEST(EthOracleTest, Sha256AndVersionedHashes) {
  Generator generator(kSeed + 1);
  std::vector<Bytes> inputs;
  for (std::size_t i = 0; i < kCases; ++i) {
    inputs.push_back(
        generator.RandomBytes(i % 2 == 0 ? kBytesPerCommitment : generator.Below(300)));
  }
  std::vector<json> requests;
  for (const Bytes& input : inputs) {
    requests.push_back({{"data", ToHex(input)}});
  }
  const std::vector<json> answers = Ask("sha256", requests);
  ASSERT_EQ(answers.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string expected = Field(answers[i], "hash");
    ASSERT_EQ(ToHex(Sha256(inputs[i])), expected);
    if (inputs[i].size() == kBytesPerCommitment) {
      KzgCommitment commitment;
      std::copy(inputs[i].begin(), inputs[i].end(), commitment.begin());
      ASSERT_EQ(ToHex(VersionedHash(commitment)), "0x01" + expected.substr(4));
    }
  }
}

TEST(EthOracleTest, Rlp) {
  Generator generator(kSeed + 2);
  std::vector<RlpItem> items = {
      RlpItem(),
      RlpItem::List({}),
      RlpItem::List({RlpItem::List({}), RlpItem::List({RlpItem::List({})})}),
      RlpItem::String(Bytes{0x00}),
      RlpItem::String(Bytes{0x7f}),
      RlpItem::String(Bytes{0x80}),
      RlpItem::String(Bytes(55, 0xaa)),
      RlpItem::String(Bytes(56, 0xaa)),
      RlpItem::String(Bytes(255, 0xaa)),
      RlpItem::String(Bytes(256, 0xaa)),
      RlpItem::String(Bytes(65536, 0xaa)),
      RlpItem::List({RlpItem::String(Bytes(53, 1))}),  // 54-byte payload
      RlpItem::List({RlpItem::String(Bytes(54, 1))}),  // 55
      RlpItem::List({RlpItem::String(Bytes(55, 1))}),  // 56: long form
      RlpItem::List({RlpItem::String(Bytes(kBytesPerBlob, 1))}),
  };
  while (items.size() < kCases + 200) {
    items.push_back(RandomItem(generator, 0));
  }
  std::vector<json> requests;
  for (const RlpItem& item : items) {
    requests.push_back({{"item", ItemToJson(item)}});
  }
  const std::vector<json> answers = Ask("rlp", requests);
  ASSERT_EQ(answers.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Bytes encoded = EncodeRlp(items[i]);
    ASSERT_EQ(ToHex(encoded), Field(answers[i], "encoded")) << "item " << i;
    const Result<RlpItem> decoded = DecodeRlp(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    ASSERT_EQ(*decoded, items[i]);
  }
}

TEST(EthOracleTest, AddressesFromKeys) {
  Generator generator(kSeed + 3);
  std::vector<Bytes> secrets(kCases);
  std::vector<Address> addresses;
  std::vector<json> requests;
  for (Bytes& secret : secrets) {
    addresses.push_back(generator.RandomKey(&secret).GetAddress());
    requests.push_back({{"key", ToHex(secret)}});
  }
  const std::vector<json> answers = Ask("address", requests);
  ASSERT_EQ(answers.size(), secrets.size());
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    const std::string expected = Field(answers[i], "address");
    ASSERT_EQ(addresses[i].ToChecksumHex(), expected);
    ASSERT_EQ(*Address::Parse(expected), addresses[i]);
  }
}

TEST(EthOracleTest, Signatures) {
  Generator generator(kSeed + 4);
  std::vector<Signature> signatures;
  std::vector<Hash32> digests;
  std::vector<Address> signers;
  std::vector<json> requests;
  for (std::size_t i = 0; i < kCases; ++i) {
    Bytes secret;
    const PrivateKey key = generator.RandomKey(&secret);
    Hash32 digest;
    const Bytes digest_bytes = generator.RandomBytes(32);
    std::copy(digest_bytes.begin(), digest_bytes.end(), digest.begin());
    digests.push_back(digest);
    signatures.push_back(key.Sign(digest));
    signers.push_back(key.GetAddress());
    requests.push_back({{"key", ToHex(secret)}, {"hash", ToHex(digest)}});
  }
  const std::vector<json> answers = Ask("sign", requests);
  ASSERT_EQ(answers.size(), signatures.size());
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    ASSERT_EQ(ToHex(signatures[i].r), Field(answers[i], "r"));
    ASSERT_EQ(ToHex(signatures[i].s), Field(answers[i], "s"));
    ASSERT_EQ(signatures[i].y_parity, answers[i].at("y_parity").get<int>());
    ASSERT_EQ(*RecoverAddress(digests[i], signatures[i]), signers[i]);
  }
}

json AbiValueToJson(const AbiValue& value) {
  switch (value.type()) {
    case AbiType::kBool:
      return value.boolean();
    case AbiType::kAddress:
      return value.address().ToChecksumHex();
    case AbiType::kBytes:
      return ToHex(value.bytes());
    case AbiType::kUint256Array: {
      json list = json::array();
      for (const Word& word : value.words()) {
        list.push_back(ToHex(word));
      }
      return list;
    }
    case AbiType::kBytesArray: {
      json list = json::array();
      for (const Bytes& bytes : value.bytes_array()) {
        list.push_back(ToHex(bytes));
      }
      return list;
    }
    default:
      return ToHex(value.word());
  }
}

AbiValue RandomAbiValue(Generator& generator) {
  const auto random_size = [&generator] {
    return generator.OneIn(10) ? generator.Below(2000) : generator.Below(100);
  };
  switch (static_cast<AbiType>(generator.Below(8))) {
    case AbiType::kUint256:
      return AbiValue::Uint256(generator.RandomQuantity(256));
    case AbiType::kInt256: {
      Word word = generator.RandomQuantity(256);
      if (generator.OneIn(2)) {  // negative: sign-extend
        std::fill(word.begin(), word.begin() + generator.Below(32), std::uint8_t{0xff});
        word[0] |= 0x80;
      }
      return AbiValue::Int256(word);
    }
    case AbiType::kBytes32:
      return AbiValue::Bytes32(generator.RandomWord(256));
    case AbiType::kAddress: {
      std::array<std::uint8_t, Address::kSize> bytes{};
      const Bytes random = generator.RandomBytes(Address::kSize);
      std::copy(random.begin(), random.end(), bytes.begin());
      return AbiValue::OfAddress(Address(bytes));
    }
    case AbiType::kBool:
      return AbiValue::Bool(generator.OneIn(2));
    case AbiType::kBytes:
      return AbiValue::DynamicBytes(generator.RandomBytes(random_size()));
    case AbiType::kUint256Array: {
      std::vector<Word> words(generator.Below(20));
      for (Word& word : words) {
        word = generator.RandomQuantity(256);
      }
      return AbiValue::Uint256Array(std::move(words));
    }
    case AbiType::kBytesArray: {
      std::vector<Bytes> elements(generator.Below(6));
      for (Bytes& element : elements) {
        element = generator.RandomBytes(generator.OneIn(2) ? kBytesPerProof : random_size());
      }
      return AbiValue::BytesArray(std::move(elements));
    }
  }
  return AbiValue::Bool(false);
}

TEST(EthOracleTest, AbiCalldata) {
  Generator generator(kSeed + 5);
  std::vector<std::vector<AbiValue>> tuples;
  for (std::size_t i = 0; i < kCases; ++i) {
    std::vector<AbiValue> values(1 + generator.Below(6), AbiValue::Bool(false));
    for (AbiValue& value : values) {
      value = RandomAbiValue(generator);
    }
    tuples.push_back(std::move(values));
  }
  std::vector<json> requests;
  for (const std::vector<AbiValue>& values : tuples) {
    json types = json::array();
    json encoded_values = json::array();
    for (const AbiValue& value : values) {
      types.push_back(std::string(ToString(value.type())));
      encoded_values.push_back(AbiValueToJson(value));
    }
    requests.push_back({{"types", types}, {"values", encoded_values}});
  }
  const std::vector<json> answers = Ask("abi", requests);
  ASSERT_EQ(answers.size(), tuples.size());
  for (std::size_t i = 0; i < tuples.size(); ++i) {
    const std::string expected = Field(answers[i], "calldata");
    ASSERT_EQ(ToHex(EncodeFunctionCall("f", tuples[i])), expected) << requests[i].dump();
    // Their encoding decodes to our values.
    std::vector<AbiType> types;
    for (const AbiValue& value : tuples[i]) {
      types.push_back(value.type());
    }
    const Bytes calldata = *FromHex(expected);
    const auto decoded = AbiDecode(types, std::span(calldata).subspan(4));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    ASSERT_EQ(*decoded, tuples[i]);
  }
}

json AccessListToJson(const std::vector<AccessListEntry>& access_list) {
  json entries = json::array();
  for (const AccessListEntry& entry : access_list) {
    json keys = json::array();
    for (const Hash32& key : entry.storage_keys) {
      keys.push_back(ToHex(key));
    }
    entries.push_back({{"address", entry.address.ToChecksumHex()}, {"storageKeys", keys}});
  }
  return entries;
}

// The fields shared by both types, filled at random; max_priority_fee_per_gas never exceeds
// max_fee_per_gas (micro-eth-signer enforces it even in non-strict mode).
template <typename Transaction>
void FillCommonFields(Generator& generator, Transaction& transaction) {
  static constexpr std::uint64_t kChainIds[] = {1, 11155111, 31337, 17000};
  transaction.chain_id = generator.OneIn(2) ? kChainIds[generator.Below(std::size(kChainIds))]
                                            : generator.RandomUint64();
  transaction.nonce = std::min<std::uint64_t>(generator.RandomUint64(), UINT64_MAX - 1);
  transaction.max_fee_per_gas = generator.RandomQuantity(128);
  const std::size_t shift = generator.Below(17);
  Word priority{};
  std::copy(transaction.max_fee_per_gas.begin(), transaction.max_fee_per_gas.end() - shift,
            priority.begin() + shift);
  transaction.max_priority_fee_per_gas = priority;
  transaction.gas_limit = generator.RandomUint64();
  transaction.value = generator.RandomQuantity(256);
  transaction.data =
      generator.RandomBytes(generator.OneIn(20) ? generator.Below(20000) : generator.Below(300));
  transaction.access_list.resize(generator.OneIn(2) ? 0 : generator.Below(4));
  for (AccessListEntry& entry : transaction.access_list) {
    const Bytes address = generator.RandomBytes(Address::kSize);
    std::array<std::uint8_t, Address::kSize> bytes{};
    std::copy(address.begin(), address.end(), bytes.begin());
    entry.address = Address(bytes);
    entry.storage_keys.resize(generator.Below(4));
    for (Hash32& key : entry.storage_keys) {
      key = generator.RandomWord(256);
    }
  }
}

template <typename Transaction>
json CommonFieldsToJson(const Transaction& transaction) {
  return {
      {"chainId", ToHex(WordFromUint64(transaction.chain_id))},
      {"nonce", ToHex(WordFromUint64(transaction.nonce))},
      {"maxPriorityFeePerGas", ToHex(transaction.max_priority_fee_per_gas)},
      {"maxFeePerGas", ToHex(transaction.max_fee_per_gas)},
      {"gasLimit", ToHex(WordFromUint64(transaction.gas_limit))},
      {"value", ToHex(transaction.value)},
      {"data", ToHex(transaction.data)},
      {"accessList", AccessListToJson(transaction.access_list)},
  };
}

// Compares our signing hash, signature, raw bytes and hash with the oracle's answer.
template <typename Transaction>
void ExpectSameTransaction(const Transaction& transaction, const PrivateKey& key,
                           const json& answer, std::size_t index) {
  const auto signed_transaction = SignTransaction(transaction, key);
  ASSERT_EQ(ToHex(SigningHash(transaction)), Field(answer, "signing_hash")) << "tx " << index;
  ASSERT_EQ(ToHex(signed_transaction.signature.r), Field(answer, "r")) << "tx " << index;
  ASSERT_EQ(ToHex(signed_transaction.signature.s), Field(answer, "s")) << "tx " << index;
  ASSERT_EQ(signed_transaction.signature.y_parity, answer.at("y_parity").get<int>());
  ASSERT_EQ(ToHex(EncodeTransaction(signed_transaction)), Field(answer, "raw")) << "tx " << index;
  ASSERT_EQ(ToHex(TransactionHash(signed_transaction)), Field(answer, "hash")) << "tx " << index;
  ASSERT_EQ(*RecoverSender(signed_transaction), key.GetAddress());
}

TEST(EthOracleTest, Eip1559Transactions) {
  Generator generator(kSeed + 6);
  std::vector<Eip1559Transaction> transactions(kCases);
  std::vector<PrivateKey> keys;
  std::vector<json> requests;
  for (Eip1559Transaction& transaction : transactions) {
    FillCommonFields(generator, transaction);
    if (!generator.OneIn(10)) {
      const Bytes address = generator.RandomBytes(Address::kSize);
      std::array<std::uint8_t, Address::kSize> bytes{};
      std::copy(address.begin(), address.end(), bytes.begin());
      transaction.to = Address(bytes);
    }
    Bytes secret;
    keys.push_back(generator.RandomKey(&secret));
    json fields = CommonFieldsToJson(transaction);
    fields["to"] = transaction.to ? transaction.to->ToChecksumHex() : "0x";
    requests.push_back({{"type", "eip1559"}, {"key", ToHex(secret)}, {"fields", fields}});
  }
  const std::vector<json> answers = Ask("tx", requests);
  ASSERT_EQ(answers.size(), transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    ExpectSameTransaction(transactions[i], keys[i], answers[i], i);
  }
}

TEST(EthOracleTest, Eip4844Transactions) {
  Generator generator(kSeed + 7);
  std::vector<Eip4844Transaction> transactions(kCases);
  std::vector<PrivateKey> keys;
  std::vector<json> requests;
  for (Eip4844Transaction& transaction : transactions) {
    FillCommonFields(generator, transaction);
    const Bytes address = generator.RandomBytes(Address::kSize);
    std::array<std::uint8_t, Address::kSize> bytes{};
    std::copy(address.begin(), address.end(), bytes.begin());
    transaction.to = Address(bytes);
    transaction.max_fee_per_blob_gas = generator.RandomQuantity(128);
    transaction.blob_versioned_hashes.resize(generator.Below(7));
    for (Hash32& hash : transaction.blob_versioned_hashes) {
      KzgCommitment commitment;
      const Bytes random = generator.RandomBytes(kBytesPerCommitment);
      std::copy(random.begin(), random.end(), commitment.begin());
      hash = VersionedHash(commitment);
    }
    Bytes secret;
    keys.push_back(generator.RandomKey(&secret));
    json fields = CommonFieldsToJson(transaction);
    fields["to"] = transaction.to.ToChecksumHex();
    fields["maxFeePerBlobGas"] = ToHex(transaction.max_fee_per_blob_gas);
    json hashes = json::array();
    for (const Hash32& hash : transaction.blob_versioned_hashes) {
      hashes.push_back(ToHex(hash));
    }
    fields["blobVersionedHashes"] = hashes;
    requests.push_back({{"type", "eip4844"}, {"key", ToHex(secret)}, {"fields", fields}});
  }
  const std::vector<json> answers = Ask("tx", requests);
  ASSERT_EQ(answers.size(), transactions.size());
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    ExpectSameTransaction(transactions[i], keys[i], answers[i], i);
  }
}

}  // namespace
}  // namespace orch::eth
