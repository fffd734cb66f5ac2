#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"

namespace orch::cairo {

/// A Cairo VM address: an offset inside a memory segment.
struct Relocatable {
  std::uint32_t segment = 0;
  std::uint64_t offset = 0;

  friend auto operator<=>(const Relocatable&, const Relocatable&) = default;
};

/// The value of a memory cell: a field element or a pointer.
using MaybeRelocatable = std::variant<crypto::Felt, Relocatable>;

struct MemoryCell {
  Relocatable address;
  MaybeRelocatable value;
};

/// memory.bin is a concatenation of records of this size (protocols spec §5.4): an 8-byte
/// little-endian address and a 32-byte little-endian value.
inline constexpr std::size_t kMemoryCellBytes = 40;
/// Segment indices take 16 bits and offsets 47 bits in both fields.
inline constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 16;
inline constexpr std::uint64_t kMaxSegmentSize = std::uint64_t{1} << 47;

/// Decodes one memory.bin record. The address must carry the relocatable flag (bit 63); a value
/// with bit 255 set is a pointer whose bits other than segment and offset must be zero, any
/// other value is a felt and must be below P.
/// Errors: kInvalidArgument saying which field is malformed.
Result<MemoryCell> DecodeMemoryCell(std::span<const std::uint8_t, kMemoryCellBytes> record);

/// The memory of a PIE: cells sorted by address, each address once (holes are absent).
/// Immutable after construction.
class PieMemory {
 public:
  PieMemory() = default;

  /// Sorts `cells` by address. Errors: kInvalidArgument naming an address present twice.
  static Result<PieMemory> FromCells(std::vector<MemoryCell> cells);

  const std::vector<MemoryCell>& cells() const { return cells_; }

  /// The cells of segment `segment`, by increasing offset.
  std::span<const MemoryCell> SegmentCells(std::uint32_t segment) const;

 private:
  explicit PieMemory(std::vector<MemoryCell> cells) : cells_(std::move(cells)) {}

  std::vector<MemoryCell> cells_;
};

}  // namespace orch::cairo
