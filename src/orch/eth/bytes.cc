#include "orch/eth/bytes.h"

namespace orch::eth {
namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

// The position of the digits in `text`: after the prefix, if there is one.
std::size_t DigitsStart(std::string_view text) {
  return text.starts_with("0x") || text.starts_with("0X") ? 2 : 0;
}

// Checks the digits of `text` and writes them into `out`, which has the right size.
Result<void> DecodeDigits(std::string_view text, std::size_t start, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t position = start + 2 * i;
    const int high = HexDigitValue(text[position]);
    const int low = HexDigitValue(text[position + 1]);
    if (high < 0 || low < 0) {
      const std::size_t bad = high < 0 ? position : position + 1;
      // Printable characters are shown; others only by their code, so that binary garbage
      // cannot break a log line.
      const auto byte = static_cast<unsigned char>(text[bad]);
      if (byte >= 0x20 && byte < 0x7f) {
        return Error::InvalidArgument("non-hex character '{}' at position {}", text[bad], bad);
      }
      return Error::InvalidArgument("non-hex byte 0x{:02x} at position {}", byte, bad);
    }
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return Ok();
}

}  // namespace

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string ToHex(std::span<const std::uint8_t> bytes) {
  std::string text(2 + 2 * bytes.size(), '0');
  text[1] = 'x';
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    text[2 + 2 * i] = kDigits[bytes[i] >> 4];
    text[3 + 2 * i] = kDigits[bytes[i] & 0x0f];
  }
  return text;
}

Result<Bytes> FromHex(std::string_view text) {
  const std::size_t start = DigitsStart(text);
  const std::size_t digits = text.size() - start;
  if (digits % 2 != 0) {
    return Error::InvalidArgument("odd number of hex digits ({})", digits);
  }
  Bytes bytes(digits / 2);
  ORCH_RETURN_IF_ERROR(DecodeDigits(text, start, bytes));
  return bytes;
}

Result<void> FromHexInto(std::string_view text, std::span<std::uint8_t> out) {
  const std::size_t start = DigitsStart(text);
  const std::size_t digits = text.size() - start;
  if (digits % 2 != 0) {
    return Error::InvalidArgument("odd number of hex digits ({})", digits);
  }
  if (digits != 2 * out.size()) {
    return Error::InvalidArgument("expected {} bytes ({} hex digits), got {} hex digits",
                                  out.size(), 2 * out.size(), digits);
  }
  return DecodeDigits(text, start, out);
}

}  // namespace orch::eth
