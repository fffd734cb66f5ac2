#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::kzg {

inline constexpr std::size_t kBytesPerFieldElement = 32;
inline constexpr std::size_t kFieldElementsPerBlob = 4096;
inline constexpr std::size_t kBytesPerBlob = kFieldElementsPerBlob * kBytesPerFieldElement;

/// An element of the BLS12-381 scalar field F_r as 32 big-endian bytes. Canonical when the
/// number is below r = 0x73eda753...00000001; only canonical values are field elements, and
/// every function here rejects the others rather than reducing them.
using FieldBytes = std::array<std::uint8_t, kBytesPerFieldElement>;

/// Whether `value` is below the modulus r.
bool IsCanonical(const FieldBytes& value);

/// Parses a field element from hexadecimal as a number: optional "0x", surrounding whitespace
/// ignored, 1 to 64 digits (leading zeros may be left out). `what` names the value in errors.
/// Errors: kInvalidArgument (not hex, too long, not below r).
Result<FieldBytes> ParseFieldHex(std::string_view text, std::string_view what);

/// An EIP-4844 blob: 4096 field elements of 32 big-endian bytes each (131072 bytes), the
/// evaluations of a polynomial at the 4096th roots of unity in bit-reversed order. A valid blob
/// has only canonical words; FromBytes and FromHex check that, a Blob filled by hand is checked
/// by the functions that take it. Plain value, 128 KiB: pass it by reference.
struct Blob {
  std::array<std::uint8_t, kBytesPerBlob> bytes{};

  /// Copies a blob from exactly kBytesPerBlob bytes.
  /// Errors: kInvalidArgument (wrong size, a word not below r; the message names the word).
  static Result<Blob> FromBytes(std::span<const std::uint8_t> bytes);
  /// Parses a blob from 262144 hex digits, with or without "0x", surrounding whitespace
  /// ignored (the form of blob files and JSON-RPC). Errors as FromBytes, and non-hex input.
  static Result<Blob> FromHex(std::string_view text);

  /// Word `index` (< kFieldElementsPerBlob).
  FieldBytes Word(std::size_t index) const;
  void SetWord(std::size_t index, const FieldBytes& value);
  /// "0x" and 262144 lower-case hex digits.
  std::string ToHex() const;

  friend bool operator==(const Blob&, const Blob&) = default;
};

/// Checks that every word of `blob` is canonical.
/// Errors: kInvalidArgument naming the first word that is not below r.
Result<void> CheckBlobWords(const Blob& blob);

}  // namespace orch::kzg
