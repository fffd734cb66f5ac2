#include "orch/cairo/pie_memory.h"

#include <algorithm>
#include <array>
#include <utility>

namespace orch::cairo {
namespace {

constexpr std::uint64_t kFlagBit = std::uint64_t{1} << 63;
constexpr unsigned kOffsetBits = 47;
constexpr std::uint64_t kOffsetMask = kMaxSegmentSize - 1;
constexpr std::uint64_t kSegmentMask = kMaxSegments - 1;

std::uint64_t LoadLittleEndian64(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 8; i-- > 0;) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

Relocatable SplitAddress(std::uint64_t word) {
  return {.segment = static_cast<std::uint32_t>((word >> kOffsetBits) & kSegmentMask),
          .offset = word & kOffsetMask};
}

}  // namespace

Result<MemoryCell> DecodeMemoryCell(std::span<const std::uint8_t, kMemoryCellBytes> record) {
  const std::uint64_t address = LoadLittleEndian64(record.subspan<0, 8>());
  if ((address & kFlagBit) == 0) {
    return Error::InvalidArgument("address 0x{:016x} lacks the relocatable flag (bit 63)", address);
  }
  MemoryCell cell{.address = SplitAddress(address), .value = crypto::Felt()};

  const std::span<const std::uint8_t, 32> value = record.subspan<8, 32>();
  if ((value[31] & 0x80) != 0) {
    // A pointer: 2^255 + segment·2^47 + offset, so only byte 31's top bit and the low 63 bits
    // may be set.
    const std::uint64_t low = LoadLittleEndian64(value.first<8>());
    const bool clean = (low & kFlagBit) == 0 && value[31] == 0x80 &&
                       std::all_of(value.begin() + 8, value.begin() + 31,
                                   [](std::uint8_t byte) { return byte == 0; });
    if (!clean) {
      return Error::InvalidArgument(
          "pointer value at {}:{} has bits set outside its segment and offset fields",
          cell.address.segment, cell.address.offset);
    }
    cell.value = SplitAddress(low);
    return cell;
  }
  std::array<std::uint8_t, 32> big_endian;
  std::reverse_copy(value.begin(), value.end(), big_endian.begin());
  Result<crypto::Felt> felt = crypto::Felt::FromBytesBe(big_endian);
  if (!felt.ok()) {
    return Error::InvalidArgument("value at {}:{} is not a field element (not below P)",
                                  cell.address.segment, cell.address.offset);
  }
  cell.value = *felt;
  return cell;
}

Result<PieMemory> PieMemory::FromCells(std::vector<MemoryCell> cells) {
  const auto by_address = [](const MemoryCell& a, const MemoryCell& b) {
    return a.address < b.address;
  };
  // Writers usually emit cells in address order already (cairo-vm does, cairo-lang does not).
  if (!std::is_sorted(cells.begin(), cells.end(), by_address)) {
    std::sort(cells.begin(), cells.end(), by_address);
  }
  const auto duplicate = std::adjacent_find(
      cells.begin(), cells.end(),
      [](const MemoryCell& a, const MemoryCell& b) { return a.address == b.address; });
  if (duplicate != cells.end()) {
    return Error::InvalidArgument("address {}:{} appears twice", duplicate->address.segment,
                                  duplicate->address.offset);
  }
  return PieMemory(std::move(cells));
}

std::span<const MemoryCell> PieMemory::SegmentCells(std::uint32_t segment) const {
  const auto first = std::lower_bound(
      cells_.begin(), cells_.end(), segment,
      [](const MemoryCell& cell, std::uint32_t wanted) { return cell.address.segment < wanted; });
  const auto last = std::upper_bound(
      first, cells_.end(), segment,
      [](std::uint32_t wanted, const MemoryCell& cell) { return wanted < cell.address.segment; });
  return {first, last};
}

}  // namespace orch::cairo
