#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/eth/address.h"
#include "orch/eth/bytes.h"
#include "orch/eth/word.h"

namespace orch::eth {

/// The Solidity ABI types the core contract and the verifiers use.
enum class AbiType : std::uint8_t {
  kUint256,
  kInt256,
  kBytes32,
  kAddress,
  kBool,
  kBytes,
  kUint256Array,
  kBytesArray,
};

/// The canonical type name used in function signatures ("uint256[]", "bytes", ...).
std::string_view ToString(AbiType type);

/// One ABI value of one of the AbiType types. Value type; thread-compatible.
class AbiValue {
 public:
  static AbiValue Uint256(const Word& value);
  static AbiValue Uint256(std::uint64_t value) { return Uint256(WordFromUint64(value)); }
  /// `value` in two's complement (see WordFromInt64).
  static AbiValue Int256(const Word& value);
  static AbiValue Int256(std::int64_t value) { return Int256(WordFromInt64(value)); }
  static AbiValue Bytes32(const Hash32& value);
  static AbiValue OfAddress(const Address& value);
  static AbiValue Bool(bool value);
  static AbiValue DynamicBytes(Bytes value);
  static AbiValue Uint256Array(std::vector<Word> values);
  static AbiValue BytesArray(std::vector<Bytes> values);

  AbiType type() const { return type_; }

  /// The 32-byte word of a static value (uint256, int256, bytes32, address, bool) as the ABI
  /// encodes it. Calling the accessor of another type is a programmer error, for all of these.
  const Word& word() const;
  Address address() const;
  bool boolean() const;
  /// The contents of a `bytes` value.
  const Bytes& bytes() const;
  /// The elements of a `uint256[]` value.
  const std::vector<Word>& words() const;
  /// The elements of a `bytes[]` value.
  const std::vector<Bytes>& bytes_array() const;

  bool operator==(const AbiValue&) const = default;

 private:
  explicit AbiValue(AbiType type) : type_(type) {}

  AbiType type_;
  Word word_{};
  Bytes bytes_;
  std::vector<Word> words_;
  std::vector<Bytes> bytes_array_;
};

/// The standard ABI encoding of the tuple `values` (heads, then the tails of dynamic values;
/// offsets are relative to the start of the tuple).
Bytes AbiEncode(std::span<const AbiValue> values);

/// Decodes a tuple of `types` from `data` (e.g. the result of an eth_call). Every offset and
/// length is checked against the data before use; a bool must be 0 or 1 and an address must
/// have 12 zero bytes in front. Bytes after the tuple are ignored, as Solidity does.
/// Errors: kInvalidArgument naming the value and the byte offset that is wrong.
Result<std::vector<AbiValue>> AbiDecode(std::span<const AbiType> types,
                                        std::span<const std::uint8_t> data);

/// The signature of a function: "name(type1,type2)".
std::string FunctionSignature(std::string_view name, std::span<const AbiType> types);

/// The first 4 bytes of keccak(signature), e.g. 0x507ee528 for
/// "updateStateKzgDA(uint256[],bytes[])".
std::array<std::uint8_t, 4> FunctionSelector(std::string_view signature);

/// Calldata for calling `name` with `arguments`: the selector of the signature made from the
/// arguments' types, then their encoding.
Bytes EncodeFunctionCall(std::string_view name, std::span<const AbiValue> arguments);

}  // namespace orch::eth
