#include "orch/kzg/hex.h"

#include "orch/common/strings.h"

namespace orch::kzg {
namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

int DigitValue(char c) {
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

}  // namespace

std::string ToHex(std::span<const std::uint8_t> bytes) {
  std::string text = "0x";
  text.reserve(2 + 2 * bytes.size());
  for (const std::uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0xf]);
  }
  return text;
}

Result<void> ParseHexBytes(std::string_view text, std::span<std::uint8_t> out,
                           std::string_view what) {
  std::string_view digits = TrimWhitespace(text);
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
  }
  if (digits.size() != 2 * out.size()) {
    return Error::InvalidArgument("{} must be {} bytes ({} hex digits), got {} hex digits", what,
                                  out.size(), 2 * out.size(), digits.size());
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = DigitValue(digits[2 * i]);
    const int low = DigitValue(digits[2 * i + 1]);
    if (high < 0 || low < 0) {
      const std::size_t position = high < 0 ? 2 * i : 2 * i + 1;
      return Error::InvalidArgument("{} is not hexadecimal: '{}' at digit {}", what,
                                    digits[position], position);
    }
    out[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return Ok();
}

}  // namespace orch::kzg
