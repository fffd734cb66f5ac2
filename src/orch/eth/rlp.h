#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/eth/bytes.h"
#include "orch/eth/word.h"

namespace orch::eth {

/// Items nested deeper than this are rejected when decoding, so that hostile input cannot
/// exhaust the stack. Ethereum structures nest a handful of levels.
inline constexpr std::size_t kMaxRlpDepth = 1024;

/// One RLP item: a byte string or a list of items. Integers are byte strings holding the
/// minimal big-endian form (zero is the empty string). Value type; thread-compatible.
class RlpItem {
 public:
  /// The empty byte string.
  RlpItem() = default;

  static RlpItem String(Bytes bytes);
  static RlpItem String(std::span<const std::uint8_t> bytes);
  static RlpItem List(std::vector<RlpItem> items);
  /// An unsigned integer in its minimal big-endian form.
  static RlpItem Uint(std::uint64_t value);
  /// A 256-bit unsigned integer in its minimal big-endian form.
  static RlpItem Uint(const Word& value);

  bool is_list() const { return is_list_; }
  /// The bytes of a string item. Calling it on a list is a programmer error.
  const Bytes& bytes() const;
  /// The items of a list. Calling it on a string is a programmer error.
  const std::vector<RlpItem>& items() const;
  /// Where a decoded item starts in the decoder's input (0 for items built in code); error
  /// messages about the item's contents cite it.
  std::size_t offset() const { return offset_; }

  /// The string item as an integer of at most 64 bits.
  /// Errors: kInvalidArgument for a list, a leading zero byte, or more than 8 bytes.
  Result<std::uint64_t> ToUint64() const;
  /// The string item as a 256-bit integer.
  /// Errors: kInvalidArgument for a list, a leading zero byte, or more than 32 bytes.
  Result<Word> ToWord() const;

  /// Compares kind and contents, not offsets.
  bool operator==(const RlpItem& other) const;

 private:
  bool is_list_ = false;
  Bytes bytes_;
  std::vector<RlpItem> items_;
  std::size_t offset_ = 0;

  friend class RlpDecoder;
};

/// The RLP encoding of `item`.
Bytes EncodeRlp(const RlpItem& item);

/// Appends the RLP encoding of `item` to `out` (e.g. after a transaction type byte).
void AppendRlp(const RlpItem& item, Bytes& out);

/// Streaming pieces for large payloads (blobs), which an RlpItem would have to copy first:
/// the size of a byte string's encoding, the encoding itself, and a list header for items
/// whose encodings take `payload_size` bytes in total (the caller appends the items after it).
std::size_t RlpStringSize(std::span<const std::uint8_t> bytes);
void AppendRlpString(std::span<const std::uint8_t> bytes, Bytes& out);
void AppendRlpListHeader(std::size_t payload_size, Bytes& out);

/// Decodes exactly one item that spans all of `input`. Rejects every non-canonical form: a
/// single byte below 0x80 wrapped in a prefix, the long form for a length below 56, a length
/// with leading zero bytes, lengths running past the end, list contents that do not add up,
/// nesting deeper than kMaxRlpDepth, and bytes after the item.
/// Errors: kInvalidArgument naming the problem and its byte offset.
Result<RlpItem> DecodeRlp(std::span<const std::uint8_t> input);

}  // namespace orch::eth
