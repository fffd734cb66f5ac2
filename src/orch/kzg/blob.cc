#include "orch/kzg/blob.h"

#include <algorithm>

#include "orch/common/check.h"
#include "orch/common/strings.h"
#include "orch/kzg/hex.h"

namespace orch::kzg {
namespace {

// r, the order of the BLS12-381 groups, big-endian.
constexpr FieldBytes kModulus = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                 0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

bool IsCanonicalAt(const std::uint8_t* big_endian) {
  return std::lexicographical_compare(big_endian, big_endian + kBytesPerFieldElement,
                                      kModulus.begin(), kModulus.end());
}

}  // namespace

bool IsCanonical(const FieldBytes& value) { return IsCanonicalAt(value.data()); }

Result<FieldBytes> ParseFieldHex(std::string_view text, std::string_view what) {
  std::string_view digits = TrimWhitespace(text);
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
  }
  if (digits.empty() || digits.size() > 2 * kBytesPerFieldElement) {
    return Error::InvalidArgument("{} must have 1 to 64 hex digits, got {}", what, digits.size());
  }
  // Left-pad to whole bytes so that "0x5" and "0x05" mean the same number.
  const std::string padded =
      std::string(2 * kBytesPerFieldElement - digits.size(), '0') + std::string(digits);
  FieldBytes value;
  ORCH_RETURN_IF_ERROR(ParseHexBytes(padded, value, what));
  if (!IsCanonical(value)) {
    return Error::InvalidArgument("{} {} is not below the BLS12-381 modulus r", what,
                                  kzg::ToHex(value));
  }
  return value;
}

Result<Blob> Blob::FromBytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kBytesPerBlob) {
    return Error::InvalidArgument("a blob has {} bytes, got {}", kBytesPerBlob, bytes.size());
  }
  Blob blob;
  std::ranges::copy(bytes, blob.bytes.begin());
  ORCH_RETURN_IF_ERROR(CheckBlobWords(blob));
  return blob;
}

Result<Blob> Blob::FromHex(std::string_view text) {
  Blob blob;
  ORCH_RETURN_IF_ERROR(ParseHexBytes(text, blob.bytes, "blob"));
  ORCH_RETURN_IF_ERROR(CheckBlobWords(blob));
  return blob;
}

FieldBytes Blob::Word(std::size_t index) const {
  ORCH_CHECK(index < kFieldElementsPerBlob, "blob word {} out of range", index);
  FieldBytes word;
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(index * kBytesPerFieldElement),
              kBytesPerFieldElement, word.begin());
  return word;
}

void Blob::SetWord(std::size_t index, const FieldBytes& value) {
  ORCH_CHECK(index < kFieldElementsPerBlob, "blob word {} out of range", index);
  std::ranges::copy(value,
                    bytes.begin() + static_cast<std::ptrdiff_t>(index * kBytesPerFieldElement));
}

std::string Blob::ToHex() const { return kzg::ToHex(bytes); }

Result<void> CheckBlobWords(const Blob& blob) {
  for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
    if (!IsCanonicalAt(blob.bytes.data() + i * kBytesPerFieldElement)) {
      return Error::InvalidArgument("blob word {} ({}) is not below the BLS12-381 modulus r", i,
                                    kzg::ToHex(blob.Word(i)));
    }
  }
  return Ok();
}

}  // namespace orch::kzg
