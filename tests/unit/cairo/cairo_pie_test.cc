#include "orch/cairo/cairo_pie.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/unit/cairo/zip_files.h"

#include "orch/cairo/fact.h"
#include "orch/cairo/program_hash.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using test_support::BuildZip;
using test_support::PatchDeclaredSize;
using test_support::ReadZip;
using test_support::TempDir;
using test_support::ZipEntry;

constexpr Felt kSepoliaConfigHash =
    Felt::FromHexLiteral("0x1b9900f77ff5923183a7795fcfbb54ed76917bc1ddd4160cc77fa96e36cf8c5");

std::filesystem::path PiePath(std::string_view name) {
  return orch::test_support::TestdataPath(std::string("pie/") + std::string(name));
}

CairoPie ReadOrDie(std::string_view name) {
  Result<CairoPie> pie = CairoPie::ReadFile(PiePath(name));
  EXPECT_TRUE(pie.ok()) << pie.error().ToString();
  return *std::move(pie);
}

std::vector<Felt> Felts(std::initializer_list<std::uint64_t> values) {
  std::vector<Felt> felts;
  for (const std::uint64_t value : values) {
    felts.push_back(Felt::FromUint64(value));
  }
  return felts;
}

// Checks that `result` failed with a message containing every one of `parts`.
template <typename T>
void ExpectError(const Result<T>& result, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning " << *parts.begin();
  const std::string& message = result.error().message();
  for (const std::string_view part : parts) {
    EXPECT_NE(message.find(part), std::string::npos)
        << "error \"" << message << "\" does not mention \"" << part << "\"";
  }
}

// --- The real PIEs of ../shared/testdata/pie. ---

TEST(CairoPieTest, ReadsRustFibonacci) {
  const CairoPie pie = ReadOrDie("fibonacci_rust.zip");
  EXPECT_EQ(pie.version(), "1.1");
  EXPECT_EQ(pie.metadata().program.main, 0u);
  EXPECT_EQ(pie.metadata().program.builtins, std::vector<std::string>{"output"});
  EXPECT_EQ(pie.metadata().program.data.size(), 27u);
  EXPECT_EQ(pie.memory().cells().size(), 90u);
  EXPECT_EQ(pie.execution_resources().n_steps, 72u);
  EXPECT_EQ(pie.execution_resources().builtin_instance_counter.at("output_builtin"), 1u);

  const Result<std::vector<Felt>> output = pie.ProgramOutput();
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_EQ(*output, Felts({89}));

  const Result<FactInfo> info = ComputeFactInfo(pie);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  const std::string program_hash = info->program_hash.ToHex();
  EXPECT_TRUE(program_hash.starts_with("0x147550d7")) << program_hash;
  EXPECT_TRUE(program_hash.ends_with("bc1c")) << program_hash;
  EXPECT_EQ(info->topology, DefaultFactTopology(1));
  EXPECT_EQ(info->fact.ToPaddedHex(),
            "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782");
}

TEST(CairoPieTest, ReadsPythonFibonacciWithSpacedJsonAndUnsortedMemory) {
  const CairoPie pie = ReadOrDie("fibonacci_python.zip");
  EXPECT_EQ(pie.version(), "1.1");
  EXPECT_EQ(pie.metadata().program.main, 6u);
  const Result<std::vector<Felt>> output = pie.ProgramOutput();
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  EXPECT_EQ(*output, Felts({10, 144}));
  // cairo-lang writes memory out of address order; the reader sorts it.
  const std::vector<MemoryCell>& cells = pie.memory().cells();
  EXPECT_TRUE(std::is_sorted(cells.begin(), cells.end(),
                             [](const auto& a, const auto& b) { return a.address < b.address; }));

  // Values from protocols spec §4.4 (recomputed there, not asserted upstream).
  const Result<FactInfo> info = ComputeFactInfo(pie);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->program_hash.ToHex(),
            "0x16701409cc8ea500943fe09fdc007d3f37035f78f7446073e4f4b9f5b17282f");
  EXPECT_EQ(info->fact.ToPaddedHex(),
            "0xe8ae214db4b06de7aaff5b51b2a329dd19bf3c38a4bc7d75e45395a4fcfb725d");
}

TEST(CairoPieTest, ReadsSepoliaSnosPie) {
  const CairoPie pie = ReadOrDie("sepolia_924016.zip");
  const PieMetadata& metadata = pie.metadata();
  EXPECT_EQ(metadata.program.data.size(), 15318u);
  EXPECT_EQ(metadata.program.main, 14948u);
  EXPECT_EQ(metadata.program.builtins.size(), 11u);
  // Word 2 is P - 1, far beyond 64 bits: the JSON number must come through exactly.
  EXPECT_EQ(metadata.program.data[2], Felt::Max());
  EXPECT_EQ(metadata.program_segment.size, 15318u);
  EXPECT_EQ(metadata.builtin_segments.at("output").index, 2u);
  EXPECT_EQ(metadata.builtin_segments.at("output").size, 23u);
  ASSERT_EQ(metadata.extra_segments.size(), 1u);
  EXPECT_EQ(metadata.extra_segments[0].index, 15u);
  EXPECT_EQ(metadata.extra_segments[0].size, 557u);

  EXPECT_EQ(pie.memory().cells().size(), 29858u);
  const auto pointers = std::ranges::count_if(pie.memory().cells(), [](const MemoryCell& cell) {
    return std::holds_alternative<Relocatable>(cell.value);
  });
  EXPECT_EQ(pointers, 7227);

  EXPECT_EQ(pie.execution_resources().n_steps, 15135u);
  EXPECT_EQ(pie.execution_resources().n_memory_holes, 508u);
  EXPECT_EQ(pie.execution_resources().builtin_instance_counter.at("pedersen_builtin"), 183u);
  ASSERT_EQ(pie.output_builtin().pages.size(), 1u);
  EXPECT_EQ(pie.output_builtin().pages.at(1).start, 12u);
  EXPECT_EQ(pie.output_builtin().pages.at(1).size, 11u);

  const Result<std::vector<Felt>> output = pie.ProgramOutput();
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  ASSERT_EQ(output->size(), 23u);
  EXPECT_EQ((*output)[7], kSepoliaConfigHash);

  const Result<FactInfo> info = ComputeFactInfo(pie);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->program_hash.ToHex(),
            "0x6228ae335151708cc9290c9940dc17f14f870056c1ae919af238e247d500ad4");
  EXPECT_EQ(info->topology.tree_structure, (std::vector<std::uint64_t>{2, 1, 0, 2}));
  EXPECT_EQ(info->topology.page_sizes, (std::vector<std::uint64_t>{12, 11}));
  EXPECT_EQ(info->fact.ToPaddedHex(),
            "0x033144ad6b132b1012f15e50aa53de1ed91b3b1af729014c3f1c00b702f972ea");
}

TEST(CairoPieTest, ReadsFromMemoryLikeFromFile) {
  const Result<std::string> bytes = orch::test_support::ReadTestdata("pie/sepolia_924016.zip");
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  const Result<CairoPie> pie = CairoPie::ReadBytes(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  const CairoPie from_file = ReadOrDie("sepolia_924016.zip");
  EXPECT_EQ(*pie->ProgramOutput(), *from_file.ProgramOutput());
  EXPECT_EQ(pie->metadata().program.data, from_file.metadata().program.data);
  EXPECT_EQ(pie->memory().cells().size(), from_file.memory().cells().size());
}

// --- Variations of a real PIE, rebuilt in a temp dir. ---

class ModifiedPieTest : public ::testing::Test {
 protected:
  // The Rust fibonacci PIE: compact JSON, segments 0..4, output segment 2 of size 1.
  void SetUp() override { entries_ = ReadZip(PiePath("fibonacci_rust.zip")); }

  std::string& Entry(std::string_view name) {
    const auto it = std::ranges::find(entries_, name, &ZipEntry::name);
    EXPECT_NE(it, entries_.end()) << name;
    return it->content;
  }

  void Remove(std::string_view name) {
    std::erase_if(entries_, [&](const ZipEntry& entry) { return entry.name == name; });
  }

  void Replace(std::string_view name, std::string_view from, std::string_view to) {
    std::string& content = Entry(name);
    const std::size_t at = content.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << name;
    content.replace(at, from.size(), to);
  }

  Result<CairoPie> Read(const PieLimits& limits = {}) const {
    return CairoPie::ReadFile(dir_.Write("pie.zip", BuildZip(entries_)), limits);
  }
  Result<CairoPie> ReadZipBytes(const std::string& zip) const {
    return CairoPie::ReadFile(dir_.Write("pie.zip", zip));
  }

  TempDir dir_;
  std::vector<ZipEntry> entries_;
};

// memory.bin records.
std::string Record(std::uint64_t address, std::array<std::uint8_t, 32> value) {
  std::string record(kMemoryCellBytes, '\0');
  for (std::size_t i = 0; i < 8; ++i) {
    record[i] = static_cast<char>(address >> (8 * i));
  }
  std::copy(value.begin(), value.end(), record.begin() + 8);
  return record;
}
std::uint64_t Address(std::uint64_t segment, std::uint64_t offset) {
  return (std::uint64_t{1} << 63) | (segment << 47) | offset;
}
std::array<std::uint8_t, 32> IntValue(std::uint64_t value) {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return bytes;
}
std::array<std::uint8_t, 32> PointerValue(std::uint64_t segment, std::uint64_t offset) {
  std::array<std::uint8_t, 32> bytes = IntValue((segment << 47) | offset);
  bytes[31] = 0x80;
  return bytes;
}

// Removes the memory.bin record at `address`, returning whether it was there.
bool RemoveRecord(std::string& memory, std::uint64_t address) {
  for (std::size_t at = 0; at + kMemoryCellBytes <= memory.size(); at += kMemoryCellBytes) {
    if (Record(address, {}).substr(0, 8) == memory.substr(at, 8)) {
      memory.erase(at, kMemoryCellBytes);
      return true;
    }
  }
  return false;
}

TEST_F(ModifiedPieTest, RebuiltPieStillReads) {
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  EXPECT_EQ(*pie->ProgramOutput(), Felts({89}));
}

TEST_F(ModifiedPieTest, ReadsStoredEntries) {
  for (ZipEntry& entry : entries_) {
    entry.stored = true;
  }
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  EXPECT_EQ(*pie->ProgramOutput(), Felts({89}));
}

TEST_F(ModifiedPieTest, ReadsFilesInOneDirectory) {
  for (ZipEntry& entry : entries_) {
    entry.name = "fibonacci/" + entry.name;
  }
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  EXPECT_EQ(*pie->ProgramOutput(), Felts({89}));
}

TEST_F(ModifiedPieTest, RejectsTwoPieDirectories) {
  std::vector<ZipEntry> doubled;
  for (const char* directory : {"a/", "b/"}) {
    for (const ZipEntry& entry : entries_) {
      doubled.push_back({.name = directory + entry.name, .content = entry.content});
    }
  }
  entries_ = doubled;
  ExpectError(Read(), {"metadata.json", "several directories"});
}

TEST_F(ModifiedPieTest, VersionFileIsOptional) {
  Remove("version.json");
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  EXPECT_EQ(pie->version(), "1.1");
}

TEST_F(ModifiedPieTest, RejectsMissingFiles) {
  for (const char* name :
       {"metadata.json", "memory.bin", "additional_data.json", "execution_resources.json"}) {
    SCOPED_TRACE(name);
    SetUp();
    Remove(name);
    const Result<CairoPie> pie = Read();
    ExpectError(pie, {name, "missing"});
    ExpectError(pie, {"pie.zip"});
  }
}

TEST_F(ModifiedPieTest, RejectsNonZipAndTruncatedZip) {
  ExpectError(ReadZipBytes("this is not a zip file"), {"pie.zip", "not a readable zip"});
  const std::string zip = BuildZip(entries_);
  ExpectError(ReadZipBytes(zip.substr(0, zip.size() / 2)), {"pie.zip", "not a readable zip"});
  // Cut inside the end-of-central-directory record.
  ExpectError(ReadZipBytes(zip.substr(0, zip.size() - 5)), {"pie.zip", "not a readable zip"});
  const std::filesystem::path missing = dir_.path() / "absent.zip";
  const Result<CairoPie> pie = CairoPie::ReadFile(missing);
  ExpectError(pie, {"cairo PIE", "absent.zip: no such file"});
  EXPECT_EQ(pie.error().code(), ErrorCode::kNotFound);
}

TEST_F(ModifiedPieTest, RejectsCorruptCompressedData) {
  std::string zip = BuildZip(entries_);
  // The first occurrence of the name is in memory.bin's local header: 30 fixed bytes, the name,
  // the extra field, then the compressed data. Flip bytes in the middle of the data.
  const std::size_t name = zip.find("memory.bin");
  ASSERT_NE(name, std::string::npos);
  const auto load16 = [&](std::size_t at) {
    return static_cast<std::size_t>(static_cast<std::uint8_t>(zip[at]) |
                                    (static_cast<std::uint8_t>(zip[at + 1]) << 8));
  };
  const std::size_t header = name - 30;
  const std::size_t compressed_size = load16(header + 18);
  const std::size_t data = name + load16(header + 26) + load16(header + 28);
  for (std::size_t i = data + compressed_size / 2; i < data + compressed_size / 2 + 8; ++i) {
    zip[i] = static_cast<char>(~zip[i]);
  }
  ExpectError(ReadZipBytes(zip), {"pie.zip", "memory.bin"});
}

TEST_F(ModifiedPieTest, RejectsDuplicateEntryNames) {
  entries_.push_back({.name = "metadatX.json", .content = Entry("metadata.json")});
  std::string zip = BuildZip(entries_);
  for (std::size_t at = zip.find("metadatX.json"); at != std::string::npos;
       at = zip.find("metadatX.json")) {
    zip[at + 7] = 'a';
  }
  ExpectError(ReadZipBytes(zip), {"pie.zip", "metadata.json", "two entries"});
}

TEST_F(ModifiedPieTest, RejectsUnsupportedCompression) {
  if (zip_compression_method_supported(ZIP_CM_BZIP2, /*compress=*/1) == 0) {
    GTEST_SKIP() << "this libzip cannot write bzip2";
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  zip_source_keep(target);
  for (const ZipEntry& entry : entries_) {
    const zip_int64_t index =
        zip_file_add(archive, entry.name.c_str(),
                     zip_source_buffer(archive, entry.content.data(), entry.content.size(), 0), 0);
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                             entry.name == "memory.bin" ? ZIP_CM_BZIP2 : ZIP_CM_DEFLATE, 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
  zip_stat_t stat;
  zip_source_stat(target, &stat);
  std::string zip(stat.size, '\0');
  zip_source_open(target);
  zip_source_read(target, zip.data(), zip.size());
  zip_source_close(target);
  zip_source_free(target);
  ExpectError(ReadZipBytes(zip), {"memory.bin", "compression method 12 is not supported"});
}

// --- Zip bombs. ---

TEST_F(ModifiedPieTest, RejectsJsonLargerThanTheDefaultLimit) {
  // 64 MiB + 1 of JSON whitespace: valid JSON once the object follows, but over the limit.
  Entry("metadata.json").insert(0, std::string((std::uint64_t{64} << 20) + 1, ' '));
  ExpectError(Read(),
              {"metadata.json", "uncompressed size 67109685 bytes exceeds the limit of 67108864"});
}

TEST_F(ModifiedPieTest, RejectsHighlyCompressedEntry) {
  Entry("memory.bin") = std::string(10 * 1024 * 1024, '\0');
  ExpectError(Read(), {"memory.bin", "ratio above 200:1", "zip bomb"});
}

TEST_F(ModifiedPieTest, RejectsMemoryDeclaredLargerThanTheDefaultLimit) {
  // libzip writes honest sizes, so the directory is patched to claim 4 GiB - 40 bytes.
  std::string zip = BuildZip(entries_);
  PatchDeclaredSize(zip, "memory.bin", 0xFFFFFFD8u);
  ExpectError(ReadZipBytes(zip),
              {"memory.bin", "uncompressed size 4294967256 bytes exceeds the limit of 1073741824"});
}

TEST_F(ModifiedPieTest, StopsDecompressingPastTheDeclaredSize) {
  // 8 MiB of zeros whose directory entry claims 4000 bytes: the ratio looks harmless, and
  // reading must stop once the data outgrows the claim.
  Entry("memory.bin") = std::string(8 * 1024 * 1024, '\0');
  std::string zip = BuildZip(entries_);
  PatchDeclaredSize(zip, "memory.bin", 4000);
  ExpectError(ReadZipBytes(zip), {"memory.bin", "more than the 4000 bytes"});
}

TEST_F(ModifiedPieTest, RejectsEntryShorterThanDeclared) {
  std::string zip = BuildZip(entries_);
  PatchDeclaredSize(zip, "memory.bin", 3640);
  ExpectError(ReadZipBytes(zip), {"pie.zip", "memory.bin", "decompresses to 3600 bytes"});
}

TEST_F(ModifiedPieTest, RejectsCrcMismatch) {
  for (ZipEntry& entry : entries_) {
    entry.stored = true;
  }
  std::string zip = BuildZip(entries_);
  // Stored data is the content itself: change one byte of the first memory.bin record's value.
  const std::string& memory = Entry("memory.bin");
  const std::size_t at = zip.find(memory.substr(0, kMemoryCellBytes));
  ASSERT_NE(at, std::string::npos);
  zip[at + 20] = static_cast<char>(zip[at + 20] ^ 1);
  ExpectError(ReadZipBytes(zip), {"pie.zip", "memory.bin", "CRC"});
}

TEST_F(ModifiedPieTest, EntryLimitsAreConfigurable) {
  ExpectError(Read(PieLimits{.max_memory_bytes = 3599}),
              {"memory.bin", "exceeds the limit of 3599 bytes"});
  ExpectError(Read(PieLimits{.max_json_bytes = 100}), {"metadata.json", "exceeds the limit"});
  ExpectError(Read(PieLimits{.max_entries = 4}), {"5 entries, more than the 4"});
}

// --- memory.bin content. ---

TEST_F(ModifiedPieTest, RejectsMemoryOfWrongLength) {
  Entry("memory.bin") += '\0';
  ExpectError(Read(), {"memory.bin", "length 3601 bytes is not a multiple of the 40-byte cell"});
}

TEST_F(ModifiedPieTest, RejectsMissingOutputCell) {
  ASSERT_TRUE(RemoveRecord(Entry("memory.bin"), Address(2, 0)));
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  ExpectError(pie->ProgramOutput(), {"memory.bin", "output segment 2 has no cell at offset 0"});
}

TEST_F(ModifiedPieTest, RejectsOutputSizeBeyondItsCells) {
  // An absurd output size is caught from the cells present, before anything is allocated.
  Replace("metadata.json", R"("output":{"index":2,"size":1})",
          R"("output":{"index":2,"size":100000000000})");
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  ExpectError(pie->ProgramOutput(),
              {"memory.bin", "no cell at offset 1", "its size is 100000000000"});
}

TEST_F(ModifiedPieTest, RejectsPointerInOutput) {
  std::string& memory = Entry("memory.bin");
  ASSERT_TRUE(RemoveRecord(memory, Address(2, 0)));
  memory += Record(Address(2, 0), PointerValue(1, 3));
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  ExpectError(pie->ProgramOutput(), {"memory.bin", "output cell 2:0 holds a pointer"});
}

TEST_F(ModifiedPieTest, RejectsCellInUnknownSegment) {
  Entry("memory.bin") += Record(Address(9, 0), IntValue(1));
  ExpectError(Read(),
              {"memory.bin", "cell 90", "address 9:0 is in segment 9", "segments 0 to 4 only"});
}

TEST_F(ModifiedPieTest, RejectsCellBeyondItsSegment) {
  Entry("memory.bin") += Record(Address(2, 1), IntValue(1));
  ExpectError(Read(), {"memory.bin", "address 2:1 is beyond the size 1"});
}

TEST_F(ModifiedPieTest, RejectsPointerToUnknownSegment) {
  std::string& memory = Entry("memory.bin");
  ASSERT_TRUE(RemoveRecord(memory, Address(1, 0)));
  memory += Record(Address(1, 0), PointerValue(7, 0));
  ExpectError(Read(), {"memory.bin", "value 7:0 points to segment 7"});
}

TEST_F(ModifiedPieTest, RejectsDuplicateAddress) {
  Entry("memory.bin") += Record(Address(1, 0), IntValue(5));
  ExpectError(Read(), {"memory.bin", "address 1:0 appears twice"});
}

TEST_F(ModifiedPieTest, RejectsMalformedCell) {
  std::array<std::uint8_t, 32> too_big{};
  too_big.fill(0xff);
  too_big[31] = 0x7f;  // below 2^255 but far above P
  Entry("memory.bin") += Record(Address(1, 61), too_big);
  ExpectError(Read(), {"memory.bin", "cell 90", "value at 1:61 is not a field element"});
}

// --- metadata.json. ---

TEST_F(ModifiedPieTest, KeepsBigIntegersExact) {
  // 2^64 and P - 1 (already in the program) must not go through a double.
  Replace("metadata.json", "[1226245742482522112,6,", "[18446744073709551616,6,");
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  EXPECT_EQ(pie->metadata().program.data[0].ToHex(), "0x10000000000000000");
  EXPECT_EQ(pie->metadata().program.data[24], Felt::Max() - Felt::FromUint64(7));
}

TEST_F(ModifiedPieTest, RejectsProgramWordsThatAreNotFelts) {
  const std::string p = Felt::Modulus().ToDecimal();
  for (const std::string& word : {p, std::string("1.5"), std::string("-3"), std::string("1e3"),
                                  std::string("\"5\""), std::string("null")}) {
    SCOPED_TRACE(word);
    SetUp();
    Replace("metadata.json", "[1226245742482522112,6,", "[" + word + ",6,");
    ExpectError(Read(), {"metadata.json", "program.data[0]", "expected a field element"});
  }
}

TEST_F(ModifiedPieTest, RejectsAnotherPrime) {
  Replace(
      "metadata.json",
      R"("prime":3618502788666131213697322783095070105623107215331596699973092056135872020481)",
      R"("prime":3618502788666131213697322783095070105623107215331596699973092056135872020479)");
  ExpectError(Read(), {"metadata.json", "program.prime", "not the Stark prime"});
}

TEST_F(ModifiedPieTest, RejectsAbsurdSegmentSizes) {
  Replace("metadata.json", R"("execution_segment":{"index":1,"size":62})",
          R"("execution_segment":{"index":1,"size":1000000000000000000})");
  ExpectError(Read(), {"metadata.json", "execution_segment.size", "beyond the 2^47"});

  SetUp();
  Replace("metadata.json", R"("execution_segment":{"index":1,"size":62})",
          R"("execution_segment":{"index":1,"size":100000000000000000000000})");
  ExpectError(Read(), {"metadata.json", "execution_segment.size",
                       "expected an unsigned 64-bit integer, found 100000000000000000000000"});

  SetUp();
  Replace("metadata.json", R"("ret_fp_segment":{"index":3,"size":0})",
          R"("ret_fp_segment":{"index":70000,"size":0})");
  ExpectError(Read(), {"metadata.json", "ret_fp_segment.index", "70000"});

  SetUp();
  Replace("metadata.json", R"("main":0)", R"("main":27)");
  ExpectError(Read(), {"metadata.json", "program.main", "outside the program's 27 words"});
}

TEST_F(ModifiedPieTest, RejectsSegmentIndicesThatAreNotContiguous) {
  Replace("metadata.json", R"("ret_pc_segment":{"index":4,"size":0})",
          R"("ret_pc_segment":{"index":7,"size":0})");
  ExpectError(Read(), {"metadata.json", "ret_pc_segment.index", "7 leaves a gap"});

  SetUp();
  Replace("metadata.json", R"("ret_pc_segment":{"index":4,"size":0})",
          R"("ret_pc_segment":{"index":3,"size":0})");
  ExpectError(Read(), {"metadata.json", "index: 3 is also the index of"});
}

TEST_F(ModifiedPieTest, RejectsMalformedJson) {
  Replace("metadata.json", R"("main":0,)", R"("main":0,,)");
  ExpectError(Read(), {"metadata.json", "invalid JSON at byte"});

  SetUp();
  Replace("metadata.json", R"("builtins":["output"],)", "");
  ExpectError(Read(), {"metadata.json", "program.builtins: missing"});

  SetUp();
  Entry("execution_resources.json") =
      R"({"n_steps":-72,"n_memory_holes":0,"builtin_instance_counter":{}})";
  ExpectError(Read(), {"execution_resources.json", "n_steps", "expected an unsigned"});

  SetUp();
  Entry("version.json") = R"({"cairo_pie":1.1})";
  ExpectError(Read(), {"version.json", "cairo_pie: expected a string, found 1.1"});

  SetUp();
  Entry("additional_data.json") = std::string(100, '[') + std::string(100, ']');
  ExpectError(Read(), {"additional_data.json", "nested deeper than 64"});
}

// --- additional_data.json. ---

TEST_F(ModifiedPieTest, ReadsOutputPagesAndTopology) {
  Entry("additional_data.json") =
      R"({"output_builtin":{"pages":{"1":[12,11],"2":[23,3]},)"
      R"("attributes":{"gps_fact_topology":[3,2,0,2],"other":"ignored"}},"pedersen_builtin":[]})";
  const Result<CairoPie> pie = Read();
  ASSERT_TRUE(pie.ok()) << pie.error().ToString();
  ASSERT_EQ(pie->output_builtin().pages.size(), 2u);
  EXPECT_EQ(pie->output_builtin().pages.at(2).start, 23u);
  EXPECT_EQ(pie->output_builtin().pages.at(2).size, 3u);
  EXPECT_EQ(pie->output_builtin().gps_fact_topology, (std::vector<std::uint64_t>{3, 2, 0, 2}));
}

TEST_F(ModifiedPieTest, RejectsMalformedOutputPages) {
  Entry("additional_data.json") = R"({"output_builtin":{"pages":{"x":[1,2]},"attributes":{}}})";
  ExpectError(Read(), {"additional_data.json", "output_builtin.pages.x", "page id"});

  SetUp();
  Entry("additional_data.json") = R"({"output_builtin":{"pages":{"1":[1,2,3]},"attributes":{}}})";
  ExpectError(Read(), {"additional_data.json", "output_builtin.pages.1", "[start, size]"});
}

}  // namespace
}  // namespace orch::cairo
