#include "orch/eth/abi.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace orch::eth {
namespace {

std::string SelectorHex(std::string_view signature) { return ToHex(FunctionSelector(signature)); }

// The 32-byte word at `index` of `data` after the 4-byte selector.
std::string WordAfterSelector(const Bytes& data, std::size_t index) {
  return ToHex(std::span(data).subspan(4 + 32 * index, 32));
}

std::string Padded(std::uint64_t value) { return ToHex(WordFromUint64(value)); }

TEST(AbiTest, SelectorsOfTheCoreContract) {
  // Spec §8.1 and Appendix A.3.
  EXPECT_EQ(SelectorHex("updateStateKzgDA(uint256[],bytes[])"), "0x507ee528");
  EXPECT_EQ(SelectorHex("updateState(uint256[],uint256,uint256)"), "0x77552641");
  EXPECT_EQ(SelectorHex("stateBlockNumber()"), "0x35befa5d");
  EXPECT_EQ(SelectorHex("stateRoot()"), "0x9588eca2");
  EXPECT_EQ(SelectorHex("stateBlockHash()"), "0x382d83e3");
  EXPECT_EQ(SelectorHex("isValid(bytes32)"), "0x6a938567");
  const AbiType types[] = {AbiType::kUint256Array, AbiType::kBytesArray};
  EXPECT_EQ(FunctionSignature("updateStateKzgDA", types), "updateStateKzgDA(uint256[],bytes[])");
}

// Spec §8.2: the layout the orchestrator hand-encodes for updateStateKzgDA.
TEST(AbiTest, UpdateStateKzgDaCalldataHasTheSpecLayout) {
  for (const auto& [n, m] :
       {std::pair<std::size_t, std::size_t>{112, 2}, {3, 1}, {0, 0}, {11, 6}}) {
    std::vector<Word> output;
    for (std::size_t i = 0; i < n; ++i) {
      output.push_back(WordFromUint64(1000 + i));
    }
    std::vector<Bytes> proofs;
    for (std::size_t i = 0; i < m; ++i) {
      proofs.push_back(Bytes(48, static_cast<std::uint8_t>(0xa0 + i)));
    }
    const AbiValue arguments[] = {AbiValue::Uint256Array(output), AbiValue::BytesArray(proofs)};
    const Bytes calldata = EncodeFunctionCall("updateStateKzgDA", arguments);

    EXPECT_EQ(ToHex(std::span(calldata).first(4)), "0x507ee528");
    ASSERT_EQ(calldata.size(), 4 + 32 * (2 + 1 + n + 1 + m + 3 * m));
    EXPECT_EQ(WordAfterSelector(calldata, 0), Padded(0x40));
    EXPECT_EQ(WordAfterSelector(calldata, 1), Padded(0x20 * (3 + n)));
    EXPECT_EQ(WordAfterSelector(calldata, 2), Padded(n));
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(WordAfterSelector(calldata, 3 + i), Padded(1000 + i));
    }
    const std::size_t proofs_start = 3 + n;
    EXPECT_EQ(WordAfterSelector(calldata, proofs_start), Padded(m));
    for (std::size_t i = 0; i < m; ++i) {
      EXPECT_EQ(WordAfterSelector(calldata, proofs_start + 1 + i), Padded(32 * m + 96 * i));
      const std::size_t element = proofs_start + 1 + m + 3 * i;
      EXPECT_EQ(WordAfterSelector(calldata, element), Padded(48));
      const auto contents = std::span(calldata).subspan(4 + 32 * (element + 1), 64);
      EXPECT_EQ(Bytes(contents.begin(), contents.begin() + 48), proofs[i]);
      EXPECT_EQ(Bytes(contents.begin() + 48, contents.end()), Bytes(16, 0));
    }
  }
}

TEST(AbiTest, EncodesStaticTypes) {
  const Address address = *Address::Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  const AbiValue values[] = {AbiValue::Uint256(5), AbiValue::Int256(std::int64_t{-1}),
                             AbiValue::Bytes32(Hash32{0x07}), AbiValue::OfAddress(address),
                             AbiValue::Bool(true)};
  const Bytes encoded = AbiEncode(values);
  ASSERT_EQ(encoded.size(), 5 * 32u);
  EXPECT_EQ(ToHex(std::span(encoded).subspan(0, 32)), Padded(5));
  EXPECT_EQ(ToHex(std::span(encoded).subspan(32, 32)), "0x" + std::string(64, 'f'));
  EXPECT_EQ(ToHex(std::span(encoded).subspan(64, 32)), "0x07" + std::string(62, '0'));
  EXPECT_EQ(ToHex(std::span(encoded).subspan(96, 32)),
            "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  EXPECT_EQ(ToHex(std::span(encoded).subspan(128, 32)), Padded(1));
}

TEST(AbiTest, RoundTripsEveryType) {
  const AbiValue values[] = {
      AbiValue::Uint256(WordFromInt64(-5)),
      AbiValue::Int256(std::int64_t{-5}),
      AbiValue::Bytes32(Hash32{1, 2, 3}),
      AbiValue::OfAddress(*Address::Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")),
      AbiValue::Bool(false),
      AbiValue::DynamicBytes(Bytes(33, 9)),
      AbiValue::Uint256Array({WordFromUint64(1), WordFromUint64(2)}),
      AbiValue::BytesArray({Bytes{}, Bytes(1, 1), Bytes(64, 2), Bytes(65, 3)}),
      AbiValue::DynamicBytes(Bytes{}),
      AbiValue::Uint256Array({}),
      AbiValue::BytesArray({}),
  };
  std::vector<AbiType> types;
  for (const AbiValue& value : values) {
    types.push_back(value.type());
  }
  const Result<std::vector<AbiValue>> decoded = AbiDecode(types, AbiEncode(values));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  ASSERT_EQ(decoded->size(), std::size(values));
  for (std::size_t i = 0; i < decoded->size(); ++i) {
    EXPECT_EQ((*decoded)[i], values[i]) << "value " << i;
  }
  EXPECT_EQ((*decoded)[3].address().ToChecksumHex(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_FALSE((*decoded)[4].boolean());
}

TEST(AbiTest, RejectsDirtyStaticWords) {
  const AbiType address_type[] = {AbiType::kAddress};
  Bytes dirty(32, 0);
  dirty[0] = 1;
  const auto address = AbiDecode(address_type, dirty);
  ASSERT_FALSE(address.ok());
  EXPECT_EQ(address.error().message(),
            "ABI value 0 (address): address word at offset 0 has non-zero high bytes");
  const AbiType bool_type[] = {AbiType::kBool};
  Bytes two(32, 0);
  two[31] = 2;
  EXPECT_FALSE(AbiDecode(bool_type, two).ok());
}

TEST(AbiTest, RejectsOutOfBoundsOffsetsAndLengths) {
  const AbiType bytes_type[] = {AbiType::kBytes};
  const AbiType array_type[] = {AbiType::kUint256Array};
  const AbiType bytes_array_type[] = {AbiType::kBytesArray};

  EXPECT_FALSE(AbiDecode(bytes_type, Bytes(31, 0)).ok());
  // Offset beyond the data.
  Bytes far = AbiEncode(std::vector{AbiValue::DynamicBytes(Bytes(3, 1))});
  far[31] = 0xff;
  EXPECT_FALSE(AbiDecode(bytes_type, far).ok());
  // Offset of 2^256 - 1.
  Bytes huge_offset = far;
  std::fill(huge_offset.begin(), huge_offset.begin() + 32, 0xff);
  const auto huge = AbiDecode(bytes_type, huge_offset);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message().find("exceeds the"), std::string::npos);
  // Length beyond the data.
  Bytes long_length = AbiEncode(std::vector{AbiValue::DynamicBytes(Bytes(3, 1))});
  long_length[63] = 0x40;
  EXPECT_FALSE(AbiDecode(bytes_type, long_length).ok());
  // A word count that would need more data than there is.
  Bytes many_words = AbiEncode(std::vector{AbiValue::Uint256Array({WordFromUint64(1)})});
  many_words[62] = 0x01;
  EXPECT_FALSE(AbiDecode(array_type, many_words).ok());
  // An element offset pointing outside.
  Bytes bad_element = AbiEncode(std::vector{AbiValue::BytesArray({Bytes(5, 1)})});
  bad_element[95] = 0xf0;
  const auto element = AbiDecode(bytes_array_type, bad_element);
  ASSERT_FALSE(element.ok());
  EXPECT_NE(element.error().message().find("element 0"), std::string::npos);
}

TEST(AbiTest, RefusesToAmplifySharedTails) {
  // 1000 elements whose offsets all point at one 10,000-byte tail: a standard encoding never
  // shares tails, and decoding this would allocate 10 MB from 42 KB.
  const std::size_t count = 1000;
  Bytes data = AbiEncode(std::vector{AbiValue::Uint256(0x20)});
  auto append = [&data](std::uint64_t value) {
    const Word word = WordFromUint64(value);
    data.insert(data.end(), word.begin(), word.end());
  };
  append(count);
  for (std::size_t i = 0; i < count; ++i) {
    append(32 * count);
  }
  append(10000);
  data.resize(data.size() + 10016, 0x55);
  const AbiType bytes_array_type[] = {AbiType::kBytesArray};
  const auto decoded = AbiDecode(bytes_array_type, data);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("exceed the input's size"), std::string::npos);
}

TEST(AbiTest, SurvivesRandomMutations) {
  const AbiValue values[] = {
      AbiValue::Uint256Array({WordFromUint64(1), WordFromUint64(2)}),
      AbiValue::BytesArray({Bytes(48, 1), Bytes(48, 2)}),
      AbiValue::DynamicBytes(Bytes(40, 3)),
      AbiValue::Bool(true),
  };
  const AbiType types[] = {AbiType::kUint256Array, AbiType::kBytesArray, AbiType::kBytes,
                           AbiType::kBool};
  const Bytes valid = AbiEncode(values);
  std::mt19937_64 random(/*seed=*/11);
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes input = valid;
    for (int j = 0; j < 1 + static_cast<int>(random() % 3); ++j) {
      input[random() % input.size()] = static_cast<std::uint8_t>(random());
    }
    if (random() % 4 == 0) {
      input.resize(random() % input.size());
    }
    accepted += AbiDecode(types, input).ok() ? 1 : 0;
  }
  EXPECT_GT(accepted, 0u);  // Mutated contents (not offsets) still decode.
}

}  // namespace
}  // namespace orch::eth
