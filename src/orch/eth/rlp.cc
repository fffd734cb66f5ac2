#include "orch/eth/rlp.h"

#include <algorithm>
#include <utility>

#include "orch/common/check.h"

namespace orch::eth {
namespace {

constexpr std::uint8_t kStringOffset = 0x80;
constexpr std::uint8_t kListOffset = 0xc0;
// Payloads shorter than this have their length in the prefix byte itself.
constexpr std::size_t kShortLimit = 56;

std::size_t LengthOfLength(std::size_t length) {
  std::size_t bytes = 0;
  for (; length > 0; length >>= 8) {
    ++bytes;
  }
  return bytes;
}

std::size_t HeaderSize(std::size_t payload) {
  return payload < kShortLimit ? 1 : 1 + LengthOfLength(payload);
}

bool IsSelfEncoding(std::span<const std::uint8_t> bytes) {
  return bytes.size() == 1 && bytes[0] < kStringOffset;
}

std::size_t EncodedSize(const RlpItem& item);

std::size_t ListPayloadSize(const RlpItem& item) {
  std::size_t payload = 0;
  for (const RlpItem& child : item.items()) {
    payload += EncodedSize(child);
  }
  return payload;
}

std::size_t EncodedSize(const RlpItem& item) {
  if (item.is_list()) {
    const std::size_t payload = ListPayloadSize(item);
    return HeaderSize(payload) + payload;
  }
  return RlpStringSize(item.bytes());
}

std::uint8_t* WriteHeader(std::uint8_t* out, std::uint8_t offset, std::size_t payload) {
  if (payload < kShortLimit) {
    *out++ = static_cast<std::uint8_t>(offset + payload);
    return out;
  }
  const std::size_t length_bytes = LengthOfLength(payload);
  *out++ = static_cast<std::uint8_t>(offset + kShortLimit - 1 + length_bytes);
  for (std::size_t i = length_bytes; i > 0; --i) {
    *out++ = static_cast<std::uint8_t>(payload >> (8 * (i - 1)));
  }
  return out;
}

std::uint8_t* WriteString(std::span<const std::uint8_t> bytes, std::uint8_t* out) {
  if (!IsSelfEncoding(bytes)) {
    out = WriteHeader(out, kStringOffset, bytes.size());
  }
  return std::copy(bytes.begin(), bytes.end(), out);
}

std::uint8_t* Write(const RlpItem& item, std::uint8_t* out) {
  if (item.is_list()) {
    out = WriteHeader(out, kListOffset, ListPayloadSize(item));
    for (const RlpItem& child : item.items()) {
      out = Write(child, out);
    }
    return out;
  }
  return WriteString(item.bytes(), out);
}

}  // namespace

// Walks the input once; every length is checked against the end of the enclosing item before
// anything is read or allocated.
class RlpDecoder {
 public:
  explicit RlpDecoder(std::span<const std::uint8_t> input) : input_(input) {}

  Result<RlpItem> Decode() {
    std::size_t position = 0;
    if (input_.empty()) {
      return Error::InvalidArgument("RLP: empty input");
    }
    ORCH_ASSIGN_OR_RETURN(RlpItem item, DecodeItem(position, input_.size(), /*depth=*/0));
    if (position != input_.size()) {
      return Error::InvalidArgument("RLP: {} trailing bytes after the item at offset {}",
                                    input_.size() - position, position);
    }
    return item;
  }

 private:
  struct Header {
    bool is_list;
    std::size_t payload_start;
    std::size_t payload_size;
  };

  // Reads the prefix at `position`; the payload must end by `end`.
  Result<Header> ReadHeader(std::size_t position, std::size_t end) const {
    const std::uint8_t prefix = input_[position];
    if (prefix < kStringOffset) {
      return Header{false, position, 1};
    }
    const bool is_list = prefix >= kListOffset;
    const std::size_t short_form = prefix - (is_list ? kListOffset : kStringOffset);
    const char* kind = is_list ? "list" : "string";
    std::size_t payload_start = position + 1;
    std::size_t payload_size = short_form;
    if (short_form >= kShortLimit) {
      const std::size_t length_bytes = short_form - (kShortLimit - 1);
      if (length_bytes > end - payload_start) {
        return Error::InvalidArgument("RLP: {} length at offset {} runs past the end", kind,
                                      position);
      }
      if (input_[payload_start] == 0) {
        return Error::InvalidArgument("RLP: {} length at offset {} has a leading zero byte", kind,
                                      position);
      }
      payload_size = 0;
      for (std::size_t i = 0; i < length_bytes; ++i) {
        payload_size = payload_size << 8 | input_[payload_start + i];
      }
      if (payload_size < kShortLimit) {
        return Error::InvalidArgument(
            "RLP: {} of {} bytes at offset {} uses the long form (non-canonical)", kind,
            payload_size, position);
      }
      payload_start += length_bytes;
    }
    if (payload_size > end - payload_start) {
      return Error::InvalidArgument(
          "RLP: {} of {} bytes at offset {} runs past the end of its input or enclosing list", kind,
          payload_size, position);
    }
    if (!is_list && payload_size == 1 && input_[payload_start] < kStringOffset) {
      return Error::InvalidArgument(
          "RLP: single byte 0x{:02x} at offset {} must be encoded as itself (non-canonical)",
          input_[payload_start], position);
    }
    return Header{is_list, payload_start, payload_size};
  }

  Result<RlpItem> DecodeItem(std::size_t& position, std::size_t end, std::size_t depth) {
    const std::size_t start = position;
    ORCH_ASSIGN_OR_RETURN(const Header header, ReadHeader(position, end));
    const std::size_t payload_end = header.payload_start + header.payload_size;
    RlpItem item;
    item.offset_ = start;
    if (!header.is_list) {
      const auto first = input_.begin() + static_cast<std::ptrdiff_t>(header.payload_start);
      item.bytes_.assign(first, first + static_cast<std::ptrdiff_t>(header.payload_size));
      position = payload_end;
      return item;
    }
    if (depth >= kMaxRlpDepth) {
      return Error::InvalidArgument("RLP: list at offset {} is nested deeper than {}", start,
                                    kMaxRlpDepth);
    }
    item.is_list_ = true;
    position = header.payload_start;
    while (position < payload_end) {
      ORCH_ASSIGN_OR_RETURN(RlpItem child, DecodeItem(position, payload_end, depth + 1));
      item.items_.push_back(std::move(child));
    }
    return item;
  }

  std::span<const std::uint8_t> input_;
};

RlpItem RlpItem::String(Bytes bytes) {
  RlpItem item;
  item.bytes_ = std::move(bytes);
  return item;
}

RlpItem RlpItem::String(std::span<const std::uint8_t> bytes) {
  return String(Bytes(bytes.begin(), bytes.end()));
}

RlpItem RlpItem::List(std::vector<RlpItem> items) {
  RlpItem item;
  item.is_list_ = true;
  item.items_ = std::move(items);
  return item;
}

RlpItem RlpItem::Uint(std::uint64_t value) { return Uint(WordFromUint64(value)); }

RlpItem RlpItem::Uint(const Word& value) { return String(TrimLeadingZeros(value)); }

const Bytes& RlpItem::bytes() const {
  ORCH_CHECK(!is_list_, "bytes() on an RLP list");
  return bytes_;
}

const std::vector<RlpItem>& RlpItem::items() const {
  ORCH_CHECK(is_list_, "items() on an RLP string");
  return items_;
}

Result<Word> RlpItem::ToWord() const {
  if (is_list_) {
    return Error::InvalidArgument("RLP: expected an integer at offset {}, got a list", offset_);
  }
  if (bytes_.size() > 32) {
    return Error::InvalidArgument("RLP: integer of {} bytes at offset {} exceeds 256 bits",
                                  bytes_.size(), offset_);
  }
  if (!bytes_.empty() && bytes_[0] == 0) {
    return Error::InvalidArgument("RLP: integer at offset {} has a leading zero byte", offset_);
  }
  Word word{};
  std::copy(bytes_.begin(), bytes_.end(), word.end() - static_cast<std::ptrdiff_t>(bytes_.size()));
  return word;
}

Result<std::uint64_t> RlpItem::ToUint64() const {
  ORCH_ASSIGN_OR_RETURN(const Word word, ToWord());
  if (bytes_.size() > 8) {
    return Error::InvalidArgument("RLP: integer of {} bytes at offset {} exceeds 64 bits",
                                  bytes_.size(), offset_);
  }
  return WordToUint64(word);
}

bool RlpItem::operator==(const RlpItem& other) const {
  return is_list_ == other.is_list_ && bytes_ == other.bytes_ && items_ == other.items_;
}

Bytes EncodeRlp(const RlpItem& item) {
  Bytes out;
  AppendRlp(item, out);
  return out;
}

void AppendRlp(const RlpItem& item, Bytes& out) {
  const std::size_t start = out.size();
  out.resize(start + EncodedSize(item));
  const std::uint8_t* end = Write(item, out.data() + start);
  ORCH_CHECK(end == out.data() + out.size(), "RLP size mismatch");
}

Result<RlpItem> DecodeRlp(std::span<const std::uint8_t> input) {
  return RlpDecoder(input).Decode();
}

std::size_t RlpStringSize(std::span<const std::uint8_t> bytes) {
  return IsSelfEncoding(bytes) ? 1 : HeaderSize(bytes.size()) + bytes.size();
}

void AppendRlpString(std::span<const std::uint8_t> bytes, Bytes& out) {
  const std::size_t start = out.size();
  out.resize(start + RlpStringSize(bytes));
  WriteString(bytes, out.data() + start);
}

void AppendRlpListHeader(std::size_t payload_size, Bytes& out) {
  const std::size_t start = out.size();
  out.resize(start + HeaderSize(payload_size));
  WriteHeader(out.data() + start, kListOffset, payload_size);
}

}  // namespace orch::eth
