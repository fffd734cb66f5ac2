#include "orch/eth/abi.h"

#include <algorithm>
#include <utility>

#include "orch/common/check.h"
#include "orch/eth/keccak.h"

namespace orch::eth {
namespace {

constexpr std::size_t kWordSize = 32;

bool IsDynamic(AbiType type) {
  return type == AbiType::kBytes || type == AbiType::kUint256Array || type == AbiType::kBytesArray;
}

std::size_t PaddedSize(std::size_t size) { return (size + kWordSize - 1) / kWordSize * kWordSize; }

void AppendWord(Bytes& out, const Word& word) { out.insert(out.end(), word.begin(), word.end()); }

void AppendSize(Bytes& out, std::size_t size) { AppendWord(out, WordFromUint64(size)); }

// Length word, contents, zero padding to a whole word.
void AppendBytes(Bytes& out, const Bytes& bytes) {
  AppendSize(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
  out.resize(out.size() + PaddedSize(bytes.size()) - bytes.size(), 0);
}

std::size_t BytesEncodedSize(const Bytes& bytes) { return kWordSize + PaddedSize(bytes.size()); }

std::size_t TailSize(const AbiValue& value) {
  switch (value.type()) {
    case AbiType::kBytes:
      return BytesEncodedSize(value.bytes());
    case AbiType::kUint256Array:
      return kWordSize * (1 + value.words().size());
    case AbiType::kBytesArray: {
      std::size_t size = kWordSize * (1 + value.bytes_array().size());
      for (const Bytes& element : value.bytes_array()) {
        size += BytesEncodedSize(element);
      }
      return size;
    }
    default:
      return 0;
  }
}

void AppendTail(Bytes& out, const AbiValue& value) {
  switch (value.type()) {
    case AbiType::kBytes:
      AppendBytes(out, value.bytes());
      return;
    case AbiType::kUint256Array:
      AppendSize(out, value.words().size());
      for (const Word& word : value.words()) {
        AppendWord(out, word);
      }
      return;
    case AbiType::kBytesArray: {
      // Element offsets count from the first offset word, after the length.
      const std::vector<Bytes>& elements = value.bytes_array();
      AppendSize(out, elements.size());
      std::size_t offset = kWordSize * elements.size();
      for (const Bytes& element : elements) {
        AppendSize(out, offset);
        offset += BytesEncodedSize(element);
      }
      for (const Bytes& element : elements) {
        AppendBytes(out, element);
      }
      return;
    }
    default:
      return;
  }
}

// Reads a hostile tuple encoding. Every read is bounds-checked, and the contents decoded in
// total may not exceed the input's size: a standard encoding never shares tails, and
// without the budget a few kilobytes of offsets pointing at one long tail could ask for
// gigabytes.
class AbiReader {
 public:
  explicit AbiReader(std::span<const std::uint8_t> data) : data_(data), budget_(data.size()) {}

  Result<Word> WordAt(std::size_t offset) const {
    if (offset > data_.size() || data_.size() - offset < kWordSize) {
      return Error::InvalidArgument("word at offset {} runs past the end of the {} bytes", offset,
                                    data_.size());
    }
    Word word{};
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(offset), kWordSize, word.begin());
    return word;
  }

  // A length or offset word: must be an integer that can lie within the data.
  Result<std::size_t> SizeAt(std::size_t offset) const {
    ORCH_ASSIGN_OR_RETURN(const Word word, WordAt(offset));
    const Result<std::uint64_t> value = WordToUint64(word);
    if (!value.ok() || *value > data_.size()) {
      return Error::InvalidArgument("length or offset {} at offset {} exceeds the {} bytes",
                                    ToHex(TrimLeadingZeros(word)), offset, data_.size());
    }
    return static_cast<std::size_t>(*value);
  }

  Result<void> Spend(std::size_t size, std::size_t offset) {
    if (size > budget_) {
      return Error::InvalidArgument(
          "contents at offset {} exceed the input's size (overlapping or bogus offsets)", offset);
    }
    budget_ -= size;
    return Ok();
  }

  Result<Bytes> BytesAt(std::size_t offset) {
    ORCH_ASSIGN_OR_RETURN(const std::size_t size, SizeAt(offset));
    const std::size_t start = offset + kWordSize;
    if (size > data_.size() - start) {
      return Error::InvalidArgument("{} bytes at offset {} run past the end of the {} bytes", size,
                                    start, data_.size());
    }
    ORCH_RETURN_IF_ERROR(Spend(size, offset));
    const auto first = data_.begin() + static_cast<std::ptrdiff_t>(start);
    return Bytes(first, first + static_cast<std::ptrdiff_t>(size));
  }

  Result<std::vector<Word>> WordsAt(std::size_t offset) {
    ORCH_ASSIGN_OR_RETURN(const std::size_t count, SizeAt(offset));
    const std::size_t start = offset + kWordSize;
    if (count > (data_.size() - start) / kWordSize) {
      return Error::InvalidArgument("{} words at offset {} run past the end of the {} bytes", count,
                                    start, data_.size());
    }
    ORCH_RETURN_IF_ERROR(Spend(count * kWordSize, offset));
    std::vector<Word> words(count);
    for (std::size_t i = 0; i < count; ++i) {
      ORCH_ASSIGN_OR_RETURN(words[i], WordAt(start + i * kWordSize));
    }
    return words;
  }

  Result<std::vector<Bytes>> BytesArrayAt(std::size_t offset) {
    ORCH_ASSIGN_OR_RETURN(const std::size_t count, SizeAt(offset));
    const std::size_t base = offset + kWordSize;
    if (count > (data_.size() - base) / kWordSize) {
      return Error::InvalidArgument("{} offsets at offset {} run past the end of the {} bytes",
                                    count, base, data_.size());
    }
    ORCH_RETURN_IF_ERROR(Spend(count * kWordSize, offset));
    std::vector<Bytes> elements;
    elements.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      auto element = ElementAt(base, i);
      if (!element.ok()) {
        return element.error().WithContext(fmt::format("element {}", i));
      }
      elements.push_back(std::move(element).value());
    }
    return elements;
  }

  // Element `index` of a bytes[] whose offsets start at `base` (and count from there).
  Result<Bytes> ElementAt(std::size_t base, std::size_t index) {
    ORCH_ASSIGN_OR_RETURN(const std::size_t offset, SizeAt(base + index * kWordSize));
    return BytesAt(base + offset);
  }

  Result<AbiValue> ValueAt(AbiType type, std::size_t head) {
    ORCH_ASSIGN_OR_RETURN(const Word word, WordAt(head));
    const auto zero = [](std::uint8_t byte) { return byte == 0; };
    switch (type) {
      case AbiType::kUint256:
        return AbiValue::Uint256(word);
      case AbiType::kInt256:
        return AbiValue::Int256(word);
      case AbiType::kBytes32:
        return AbiValue::Bytes32(word);
      case AbiType::kAddress: {
        if (!std::all_of(word.begin(), word.end() - Address::kSize, zero)) {
          return Error::InvalidArgument("address word at offset {} has non-zero high bytes", head);
        }
        std::array<std::uint8_t, Address::kSize> bytes{};
        std::copy(word.end() - Address::kSize, word.end(), bytes.begin());
        return AbiValue::OfAddress(Address(bytes));
      }
      case AbiType::kBool:
        if (!std::all_of(word.begin(), word.end() - 1, zero) || word[31] > 1) {
          return Error::InvalidArgument("bool word at offset {} is neither 0 nor 1", head);
        }
        return AbiValue::Bool(word[31] == 1);
      case AbiType::kBytes: {
        ORCH_ASSIGN_OR_RETURN(const std::size_t offset, SizeAt(head));
        ORCH_ASSIGN_OR_RETURN(Bytes bytes, BytesAt(offset));
        return AbiValue::DynamicBytes(std::move(bytes));
      }
      case AbiType::kUint256Array: {
        ORCH_ASSIGN_OR_RETURN(const std::size_t offset, SizeAt(head));
        ORCH_ASSIGN_OR_RETURN(std::vector<Word> words, WordsAt(offset));
        return AbiValue::Uint256Array(std::move(words));
      }
      case AbiType::kBytesArray: {
        ORCH_ASSIGN_OR_RETURN(const std::size_t offset, SizeAt(head));
        ORCH_ASSIGN_OR_RETURN(std::vector<Bytes> elements, BytesArrayAt(offset));
        return AbiValue::BytesArray(std::move(elements));
      }
    }
    return Error::Internal("unknown ABI type {}", static_cast<int>(type));
  }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t budget_;
};

}  // namespace

std::string_view ToString(AbiType type) {
  switch (type) {
    case AbiType::kUint256:
      return "uint256";
    case AbiType::kInt256:
      return "int256";
    case AbiType::kBytes32:
      return "bytes32";
    case AbiType::kAddress:
      return "address";
    case AbiType::kBool:
      return "bool";
    case AbiType::kBytes:
      return "bytes";
    case AbiType::kUint256Array:
      return "uint256[]";
    case AbiType::kBytesArray:
      return "bytes[]";
  }
  return "unknown";
}

AbiValue AbiValue::Uint256(const Word& value) {
  AbiValue result(AbiType::kUint256);
  result.word_ = value;
  return result;
}

AbiValue AbiValue::Int256(const Word& value) {
  AbiValue result(AbiType::kInt256);
  result.word_ = value;
  return result;
}

AbiValue AbiValue::Bytes32(const Hash32& value) {
  AbiValue result(AbiType::kBytes32);
  result.word_ = value;
  return result;
}

AbiValue AbiValue::OfAddress(const Address& value) {
  AbiValue result(AbiType::kAddress);
  std::copy(value.bytes().begin(), value.bytes().end(), result.word_.end() - Address::kSize);
  return result;
}

AbiValue AbiValue::Bool(bool value) {
  AbiValue result(AbiType::kBool);
  result.word_[31] = value ? 1 : 0;
  return result;
}

AbiValue AbiValue::DynamicBytes(Bytes value) {
  AbiValue result(AbiType::kBytes);
  result.bytes_ = std::move(value);
  return result;
}

AbiValue AbiValue::Uint256Array(std::vector<Word> values) {
  AbiValue result(AbiType::kUint256Array);
  result.words_ = std::move(values);
  return result;
}

AbiValue AbiValue::BytesArray(std::vector<Bytes> values) {
  AbiValue result(AbiType::kBytesArray);
  result.bytes_array_ = std::move(values);
  return result;
}

const Word& AbiValue::word() const {
  ORCH_CHECK(!IsDynamic(type_), "word() on an ABI {}", ToString(type_));
  return word_;
}

Address AbiValue::address() const {
  ORCH_CHECK(type_ == AbiType::kAddress, "address() on an ABI {}", ToString(type_));
  std::array<std::uint8_t, Address::kSize> bytes{};
  std::copy(word_.end() - Address::kSize, word_.end(), bytes.begin());
  return Address(bytes);
}

bool AbiValue::boolean() const {
  ORCH_CHECK(type_ == AbiType::kBool, "boolean() on an ABI {}", ToString(type_));
  return word_[31] == 1;
}

const Bytes& AbiValue::bytes() const {
  ORCH_CHECK(type_ == AbiType::kBytes, "bytes() on an ABI {}", ToString(type_));
  return bytes_;
}

const std::vector<Word>& AbiValue::words() const {
  ORCH_CHECK(type_ == AbiType::kUint256Array, "words() on an ABI {}", ToString(type_));
  return words_;
}

const std::vector<Bytes>& AbiValue::bytes_array() const {
  ORCH_CHECK(type_ == AbiType::kBytesArray, "bytes_array() on an ABI {}", ToString(type_));
  return bytes_array_;
}

Bytes AbiEncode(std::span<const AbiValue> values) {
  std::size_t size = kWordSize * values.size();
  for (const AbiValue& value : values) {
    size += TailSize(value);
  }
  Bytes out;
  out.reserve(size);
  std::size_t tail_offset = kWordSize * values.size();
  for (const AbiValue& value : values) {
    if (IsDynamic(value.type())) {
      AppendSize(out, tail_offset);
      tail_offset += TailSize(value);
    } else {
      AppendWord(out, value.word());
    }
  }
  for (const AbiValue& value : values) {
    AppendTail(out, value);
  }
  ORCH_CHECK(out.size() == size, "ABI size mismatch");
  return out;
}

Result<std::vector<AbiValue>> AbiDecode(std::span<const AbiType> types,
                                        std::span<const std::uint8_t> data) {
  AbiReader reader(data);
  std::vector<AbiValue> values;
  values.reserve(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    auto value = reader.ValueAt(types[i], i * kWordSize);
    if (!value.ok()) {
      return value.error().WithContext(fmt::format("ABI value {} ({})", i, ToString(types[i])));
    }
    values.push_back(std::move(value).value());
  }
  return values;
}

std::string FunctionSignature(std::string_view name, std::span<const AbiType> types) {
  std::string signature(name);
  signature += '(';
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) {
      signature += ',';
    }
    signature += ToString(types[i]);
  }
  signature += ')';
  return signature;
}

std::array<std::uint8_t, 4> FunctionSelector(std::string_view signature) {
  const Hash32 hash = Keccak256(signature);
  return {hash[0], hash[1], hash[2], hash[3]};
}

Bytes EncodeFunctionCall(std::string_view name, std::span<const AbiValue> arguments) {
  std::vector<AbiType> types;
  types.reserve(arguments.size());
  for (const AbiValue& argument : arguments) {
    types.push_back(argument.type());
  }
  const std::array<std::uint8_t, 4> selector = FunctionSelector(FunctionSignature(name, types));
  Bytes calldata(selector.begin(), selector.end());
  const Bytes encoded = AbiEncode(arguments);
  calldata.insert(calldata.end(), encoded.begin(), encoded.end());
  return calldata;
}

}  // namespace orch::eth
