#include "orch/cairo/pie_memory.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace orch::cairo {
namespace {

using crypto::Felt;
using Record = std::array<std::uint8_t, kMemoryCellBytes>;

Record MakeRecord(std::uint64_t address, const std::array<std::uint8_t, 32>& value) {
  Record record{};
  for (std::size_t i = 0; i < 8; ++i) {
    record[i] = static_cast<std::uint8_t>(address >> (8 * i));
  }
  std::copy(value.begin(), value.end(), record.begin() + 8);
  return record;
}

constexpr std::uint64_t Address(std::uint64_t segment, std::uint64_t offset) {
  return (std::uint64_t{1} << 63) | (segment << 47) | offset;
}

std::array<std::uint8_t, 32> LittleEndian(const Felt& felt) {
  const std::array<std::uint8_t, 32> big_endian = felt.ToBytesBe();
  std::array<std::uint8_t, 32> little_endian;
  std::reverse_copy(big_endian.begin(), big_endian.end(), little_endian.begin());
  return little_endian;
}

std::array<std::uint8_t, 32> Pointer(std::uint64_t segment, std::uint64_t offset) {
  std::array<std::uint8_t, 32> value{};
  const std::uint64_t low = (segment << 47) | offset;
  for (std::size_t i = 0; i < 8; ++i) {
    value[i] = static_cast<std::uint8_t>(low >> (8 * i));
  }
  value[31] = 0x80;
  return value;
}

TEST(PieMemoryTest, DecodesFeltCells) {
  const Felt value = Felt::Max();
  const Result<MemoryCell> cell = DecodeMemoryCell(MakeRecord(Address(2, 7), LittleEndian(value)));
  ASSERT_TRUE(cell.ok()) << cell.error().ToString();
  EXPECT_EQ(cell->address, (Relocatable{.segment = 2, .offset = 7}));
  EXPECT_EQ(std::get<Felt>(cell->value), value);
}

TEST(PieMemoryTest, DecodesPointerCellsAtTheFieldLimits) {
  const Result<MemoryCell> cell =
      DecodeMemoryCell(MakeRecord(Address(65535, kMaxSegmentSize - 1), Pointer(65535, 12345)));
  ASSERT_TRUE(cell.ok()) << cell.error().ToString();
  EXPECT_EQ(cell->address, (Relocatable{.segment = 65535, .offset = kMaxSegmentSize - 1}));
  EXPECT_EQ(std::get<Relocatable>(cell->value), (Relocatable{.segment = 65535, .offset = 12345}));
}

TEST(PieMemoryTest, RejectsMalformedCells) {
  const Result<MemoryCell> no_flag = DecodeMemoryCell(MakeRecord(5, LittleEndian(Felt())));
  ASSERT_FALSE(no_flag.ok());
  EXPECT_NE(no_flag.error().message().find("lacks the relocatable flag"), std::string::npos);

  std::array<std::uint8_t, 32> dirty_pointer = Pointer(1, 2);
  dirty_pointer[20] = 1;
  const Result<MemoryCell> dirty = DecodeMemoryCell(MakeRecord(Address(1, 0), dirty_pointer));
  ASSERT_FALSE(dirty.ok());
  EXPECT_NE(dirty.error().message().find("bits set outside"), std::string::npos);

  std::array<std::uint8_t, 32> p = LittleEndian(Felt::Max());
  p[0] += 1;  // P itself
  const Result<MemoryCell> not_felt = DecodeMemoryCell(MakeRecord(Address(1, 0), p));
  ASSERT_FALSE(not_felt.ok());
  EXPECT_NE(not_felt.error().message().find("not a field element"), std::string::npos);
}

TEST(PieMemoryTest, SortsCellsAndFindsSegments) {
  std::vector<MemoryCell> cells;
  for (const auto& [segment, offset] : std::vector<std::pair<std::uint32_t, std::uint64_t>>{
           {2, 1}, {0, 0}, {2, 0}, {4, 3}, {1, 5}}) {
    cells.push_back(
        {.address = {.segment = segment, .offset = offset}, .value = Felt::FromUint64(offset)});
  }
  const Result<PieMemory> memory = PieMemory::FromCells(cells);
  ASSERT_TRUE(memory.ok()) << memory.error().ToString();
  const std::span<const MemoryCell> two = memory->SegmentCells(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].address.offset, 0u);
  EXPECT_EQ(two[1].address.offset, 1u);
  EXPECT_TRUE(memory->SegmentCells(3).empty());
  EXPECT_TRUE(memory->SegmentCells(9).empty());

  cells.push_back({.address = {.segment = 4, .offset = 3}, .value = Felt()});
  const Result<PieMemory> duplicate = PieMemory::FromCells(cells);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().message().find("address 4:3 appears twice"), std::string::npos);
}

}  // namespace
}  // namespace orch::cairo
