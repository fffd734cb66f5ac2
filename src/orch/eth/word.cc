#include "orch/eth/word.h"

#include <algorithm>

#include "orch/eth/bytes.h"

namespace orch::eth {

Word WordFromUint64(std::uint64_t value) {
  Word word{};
  for (std::size_t i = 0; i < 8; ++i) {
    word[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return word;
}

Word WordFromInt64(std::int64_t value) {
  Word word = WordFromUint64(static_cast<std::uint64_t>(value));
  if (value < 0) {
    std::fill(word.begin(), word.end() - 8, std::uint8_t{0xff});
  }
  return word;
}

Result<Word> WordFromHex(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
  }
  if (digits.empty()) {
    return Error::InvalidArgument("a hex quantity needs at least one digit");
  }
  if (digits.size() > 64) {
    return Error::InvalidArgument("hex quantity of {} digits does not fit in 256 bits",
                                  digits.size());
  }
  const std::size_t start = text.size() - digits.size();
  Word word{};
  // Digit i counted from the right is nibble i of the number.
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[digits.size() - 1 - i];
    const int value = HexDigitValue(c);
    if (value < 0) {
      return Error::InvalidArgument("non-hex character in quantity at position {}",
                                    start + digits.size() - 1 - i);
    }
    word[31 - i / 2] |= static_cast<std::uint8_t>(i % 2 == 0 ? value : value << 4);
  }
  return word;
}

Result<std::uint64_t> WordToUint64(const Word& word) {
  if (std::any_of(word.begin(), word.end() - 8, [](std::uint8_t byte) { return byte != 0; })) {
    return Error::InvalidArgument("value {} does not fit in 64 bits", ToHex(word));
  }
  std::uint64_t value = 0;
  for (std::size_t i = 24; i < 32; ++i) {
    value = value << 8 | word[i];
  }
  return value;
}

std::span<const std::uint8_t> TrimLeadingZeros(std::span<const std::uint8_t> value) {
  const auto first =
      std::find_if(value.begin(), value.end(), [](std::uint8_t byte) { return byte != 0; });
  return value.subspan(static_cast<std::size_t>(first - value.begin()));
}

}  // namespace orch::eth
