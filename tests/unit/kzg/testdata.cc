#include "tests/unit/kzg/testdata.h"

#include <algorithm>
#include <vector>

#include "tests/support/testdata.h"

#include "orch/common/strings.h"

namespace orch::kzg::test_support {
namespace {

// A decimal number of at most 256 bits as 32 big-endian bytes.
Result<FieldBytes> FromDecimal(std::string_view digits) {
  FieldBytes value{};
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') {
      return Error::InvalidArgument("not a decimal number: {}", digits);
    }
    unsigned carry = static_cast<unsigned>(digit - '0');
    for (auto byte = value.rbegin(); byte != value.rend(); ++byte) {
      const unsigned product = *byte * 10u + carry;
      *byte = static_cast<std::uint8_t>(product);
      carry = product >> 8;
    }
  }
  return value;
}

}  // namespace

Result<SettlementVector> ReadSettlementVector() {
  ORCH_ASSIGN_OR_RETURN(const std::string output,
                        orch::test_support::ReadTestdata("settlement/6806848/program_output.txt"));
  ORCH_ASSIGN_OR_RETURN(const std::string blob_hex,
                        orch::test_support::ReadTestdata("settlement/6806848/blob.hex"));
  std::vector<FieldBytes> words;
  for (const std::string_view line : SplitString(output, '\n')) {
    if (!TrimWhitespace(line).empty()) {
      ORCH_ASSIGN_OR_RETURN(FieldBytes word, FromDecimal(TrimWhitespace(line)));
      words.push_back(word);
    }
  }
  if (words.size() < 16) {
    return Error::InvalidArgument("settlement program output has {} words, expected >= 16",
                                  words.size());
  }
  SettlementVector vector;
  ORCH_ASSIGN_OR_RETURN(vector.blob, Blob::FromHex(blob_hex));
  vector.z = words[10];
  // Big-endian halves: the high limb's low bytes first, then the low limb's low bytes.
  std::copy(words[15].begin() + 16, words[15].end(), vector.y.begin());
  std::copy(words[14].begin() + 16, words[14].end(), vector.y.begin() + 16);
  std::copy(words[13].begin() + 8, words[13].end(), vector.commitment.begin());
  std::copy(words[12].begin() + 8, words[12].end(), vector.commitment.begin() + 24);
  return vector;
}

}  // namespace orch::kzg::test_support
