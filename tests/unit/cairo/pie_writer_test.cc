#include "orch/cairo/pie_writer.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/testdata.h"
#include "tests/unit/cairo/zip_files.h"

#include "orch/cairo/fact.h"
#include "orch/cairo/program_hash.h"
#include "orch/cairo/zip_archive.h"
#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using crypto::U256;

std::span<const std::uint8_t> Bytes(const std::string& zip) {
  return {reinterpret_cast<const std::uint8_t*>(zip.data()), zip.size()};
}

CairoPie ReadTestPie(std::string_view name) {
  Result<CairoPie> pie =
      CairoPie::ReadFile(orch::test_support::TestdataPath(std::string("pie/") + std::string(name)));
  EXPECT_TRUE(pie.ok()) << pie.error().ToString();
  return *std::move(pie);
}

CairoPie ReadWritten(const Result<std::string>& zip) {
  EXPECT_TRUE(zip.ok()) << zip.error().ToString();
  Result<CairoPie> pie = CairoPie::ReadBytes(Bytes(*zip));
  EXPECT_TRUE(pie.ok()) << pie.error().ToString();
  return *std::move(pie);
}

std::vector<Felt> OutputOf(const CairoPie& pie) {
  Result<std::vector<Felt>> output = pie.ProgramOutput();
  EXPECT_TRUE(output.ok()) << output.error().ToString();
  return *std::move(output);
}

// The 23-word SNOS output of the settlement vector, one decimal felt per line (the last line,
// "0", has no newline, so wc -l counts 22).
std::vector<Felt> SettlementOutput() {
  const Result<std::string> text =
      orch::test_support::ReadTestdata("settlement/6806848/program_output.txt");
  EXPECT_TRUE(text.ok()) << text.error().ToString();
  std::vector<Felt> output;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    const Result<Felt> word = Felt::FromDecimal(line);
    EXPECT_TRUE(word.ok()) << line;
    output.push_back(*word);
  }
  return output;
}

PieContents ContentsOf(const CairoPie& pie) {
  return {.metadata = pie.metadata(),
          .memory = pie.memory().cells(),
          .output_builtin = pie.output_builtin(),
          .execution_resources = pie.execution_resources()};
}

template <typename T>
void ExpectInvalid(const Result<T>& result, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(result.ok()) << "expected an error mentioning " << *parts.begin();
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument) << result.error().ToString();
  for (const std::string_view part : parts) {
    EXPECT_NE(result.error().message().find(part), std::string::npos)
        << "error \"" << result.error().message() << "\" does not mention \"" << part << "\"";
  }
}

// keccak256(abi.encode(programHash, keccak256(abi.encodePacked(programOutput)))), as the core
// contract's updateStateKzgDA and _applyTransition compute the fact they ask the verifier about.
U256 CoreContractFact(const Felt& program_hash, std::span<const Felt> program_output) {
  std::vector<std::uint8_t> packed;
  for (const Felt& word : program_output) {
    const auto bytes = word.ToBytesBe();
    packed.insert(packed.end(), bytes.begin(), bytes.end());
  }
  const std::vector<eth::AbiValue> tuple = {eth::AbiValue::Uint256(program_hash.ToBytesBe()),
                                            eth::AbiValue::Bytes32(eth::Keccak256(packed))};
  return U256::FromWord(eth::Keccak256(eth::AbiEncode(tuple)));
}

// Writes a stand-in PIE for `output`, reads it back and checks everything the orchestrator
// takes from it.
void ExpectStandInRoundTrip(const std::vector<Felt>& output, std::uint64_t n_steps) {
  const CairoPie pie = ReadWritten(BuildStandInPie(output, n_steps));
  EXPECT_EQ(pie.version(), "1.1");
  EXPECT_EQ(OutputOf(pie), output);
  EXPECT_EQ(pie.execution_resources().n_steps, n_steps);
  EXPECT_EQ(pie.execution_resources().n_memory_holes, 0u);
  EXPECT_EQ(pie.execution_resources().builtin_instance_counter.at("output_builtin"), output.size());

  const Result<Felt> program_hash = ComputeProgramHash(pie.metadata().program);
  ASSERT_TRUE(program_hash.ok()) << program_hash.error().ToString();
  EXPECT_EQ(*program_hash, StandInProgramHash());

  const Result<FactInfo> info = ComputeFactInfo(pie);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->program_hash, StandInProgramHash());
  EXPECT_EQ(info->topology, DefaultFactTopology(output.size()));
  // fact = keccak(program_hash ‖ keccak(output words)), computed here from the bytes.
  std::vector<std::uint8_t> words;
  for (const Felt& word : output) {
    const auto bytes = word.ToBytesBe();
    words.insert(words.end(), bytes.begin(), bytes.end());
  }
  const eth::Hash32 output_hash = eth::Keccak256(words);
  std::vector<std::uint8_t> preimage;
  const auto hash_bytes = StandInProgramHash().ToBytesBe();
  preimage.insert(preimage.end(), hash_bytes.begin(), hash_bytes.end());
  preimage.insert(preimage.end(), output_hash.begin(), output_hash.end());
  EXPECT_EQ(info->fact, U256::FromWord(eth::Keccak256(preimage)));
  EXPECT_EQ(info->fact, CoreContractFact(StandInProgramHash(), output));
}

TEST(StandInPieTest, CarriesTheSepoliaOutput) {
  const std::vector<Felt> output = OutputOf(ReadTestPie("sepolia_924016.zip"));
  ASSERT_EQ(output.size(), 23u);
  ExpectStandInRoundTrip(output, 15135);
}

TEST(StandInPieTest, CarriesTheSettlementVectorOutput) {
  const std::vector<Felt> output = SettlementOutput();
  ASSERT_EQ(output.size(), 23u);
  ExpectStandInRoundTrip(output, 1);
}

TEST(StandInPieTest, ProgramHashIsTheStandInProgramsHash) {
  const CairoPie pie = ReadWritten(BuildStandInPie(std::vector{Felt::FromUint64(7)}, 3));
  const StrippedProgram& program = pie.metadata().program;
  EXPECT_EQ(program.builtins, std::vector<std::string>{"output"});
  EXPECT_EQ(program.main, 0u);
  EXPECT_EQ(program.data.size(), 4u);
  // Not any other program's: the hash covers the data.
  EXPECT_NE(StandInProgramHash(),
            ComputeProgramHash(ReadTestPie("fibonacci_rust.zip").metadata().program).value());
}

TEST(StandInPieTest, MemoryIsTheProgramsRun) {
  const std::vector<Felt> output = {Felt::FromUint64(10), Felt::FromUint64(144), Felt::Max()};
  const CairoPie pie = ReadWritten(BuildStandInPie(output, 3));
  const PieMetadata& metadata = pie.metadata();
  // The program segment holds the program, as in every PIE.
  const std::span<const MemoryCell> program = pie.memory().SegmentCells(0);
  ASSERT_EQ(program.size(), metadata.program.data.size());
  for (std::size_t i = 0; i < program.size(); ++i) {
    EXPECT_EQ(std::get<Felt>(program[i].value), metadata.program.data[i]) << i;
  }
  // main's frame: output_ptr, return fp, return pc, n, and the returned end of the output.
  const std::span<const MemoryCell> frame = pie.memory().SegmentCells(1);
  ASSERT_EQ(frame.size(), 5u);
  const std::uint32_t output_segment = metadata.builtin_segments.at("output").index;
  EXPECT_EQ(std::get<Relocatable>(frame[0].value), (Relocatable{output_segment, 0}));
  EXPECT_EQ(std::get<Relocatable>(frame[1].value), (Relocatable{metadata.ret_fp_segment.index, 0}));
  EXPECT_EQ(std::get<Relocatable>(frame[2].value), (Relocatable{metadata.ret_pc_segment.index, 0}));
  EXPECT_EQ(std::get<Felt>(frame[3].value), Felt::FromUint64(output.size()));
  EXPECT_EQ(std::get<Relocatable>(frame[4].value), (Relocatable{output_segment, output.size()}));
  EXPECT_EQ(pie.memory().cells().size(), 4 + 5 + output.size());
}

TEST(StandInPieTest, ZipIsDeterministicDeflatedAndInCairoVmOrder) {
  const std::vector<Felt> output = SettlementOutput();
  const Result<std::string> first = BuildStandInPie(output, 100);
  const Result<std::string> second = BuildStandInPie(output, 100);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(*first, *second);

  const test_support::TempDir dir;
  const std::filesystem::path path = dir.Write("stand_in.zip", *first);
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  ASSERT_NE(archive, nullptr) << code;
  const std::vector<std::string> expected = {"version.json", "metadata.json", "memory.bin",
                                             "additional_data.json", "execution_resources.json"};
  ASSERT_EQ(zip_get_num_entries(archive, 0), static_cast<zip_int64_t>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    zip_stat_t stat;
    ASSERT_EQ(zip_stat_index(archive, i, 0, &stat), 0);
    EXPECT_EQ(stat.name, expected[i]);
    // SHARP's verifier accepts only deflated entries.
    EXPECT_EQ(stat.comp_method, ZIP_CM_DEFLATE) << stat.name;
  }
  zip_discard(archive);

  const std::vector<test_support::ZipEntry> entries = test_support::ReadZip(path);
  ASSERT_EQ(entries.size(), expected.size());
  EXPECT_EQ(entries[0].content, R"({"cairo_pie":"1.1"})");
  EXPECT_EQ(entries[2].content.size(), (4 + 5 + output.size()) * kMemoryCellBytes);
  EXPECT_EQ(entries[3].content, R"({"output_builtin":{"pages":{},"attributes":{}}})");
  EXPECT_EQ(
      entries[4].content,
      R"({"n_steps":100,"n_memory_holes":0,"builtin_instance_counter":{"output_builtin":23}})");
}

TEST(StandInPieTest, RejectsAnEmptyOutputAndZeroSteps) {
  ExpectInvalid(BuildStandInPie({}, 10), {"needs a program output"});
  ExpectInvalid(BuildStandInPie(std::vector{Felt::One()}, 0), {"n_steps is 0"});
}

TEST(WriteZipTest, WritesWhatZipArchiveReadsAndRefusesDuplicateNames) {
  const std::vector<ZipEntryToWrite> entries = {{.name = "a.json", .content = "{}"},
                                                {.name = "empty", .content = ""}};
  const Result<std::string> zip = WriteZip(entries);
  ASSERT_TRUE(zip.ok()) << zip.error().ToString();
  const Result<ZipArchive> archive = ZipArchive::OpenBytes(Bytes(*zip));
  ASSERT_TRUE(archive.ok()) << archive.error().ToString();
  EXPECT_EQ(archive->names(), (std::vector<std::string>{"a.json", "empty"}));
  EXPECT_EQ(archive->ReadEntryToString("a.json", {.max_size = 10}).value(), "{}");
  EXPECT_EQ(archive->ReadEntryToString("empty", {.max_size = 10}).value(), "");

  const std::vector<ZipEntryToWrite> twice = {{.name = "a", .content = "1"},
                                              {.name = "a", .content = "2"}};
  ExpectInvalid(WriteZip(twice), {"a: cannot add the entry"});
}

// --- WriteCairoPie on real PIEs and hand-made contents. ---

// Rewriting cairo-vm's own PIE gives its entries byte for byte: same JSON, same memory order.
TEST(WriteCairoPieTest, RewritesCairoVmsFibonacciEntriesExactly) {
  const CairoPie original = ReadTestPie("fibonacci_rust.zip");
  const Result<std::string> zip = WriteCairoPie(ContentsOf(original));
  ASSERT_TRUE(zip.ok()) << zip.error().ToString();
  const test_support::TempDir dir;
  const std::vector<test_support::ZipEntry> written =
      test_support::ReadZip(dir.Write("written.zip", *zip));
  const std::vector<test_support::ZipEntry> upstream =
      test_support::ReadZip(orch::test_support::TestdataPath("pie/fibonacci_rust.zip"));
  ASSERT_EQ(written.size(), upstream.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(written[i].name, upstream[i].name);
    EXPECT_EQ(written[i].content, upstream[i].content) << upstream[i].name;
  }
  const Result<FactInfo> info = ComputeFactInfo(ReadWritten(zip));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->fact.ToPaddedHex(),
            "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782");
}

// cairo-lang's PIE (cells out of address order, JSON with spaces) reads back the same, and
// writing what was read back gives the same bytes again.
TEST(WriteCairoPieTest, RoundTripsCairoLangsFibonacci) {
  const CairoPie original = ReadTestPie("fibonacci_python.zip");
  const Result<std::string> zip = WriteCairoPie(ContentsOf(original));
  const CairoPie reread = ReadWritten(zip);
  EXPECT_EQ(OutputOf(reread), OutputOf(original));
  ASSERT_EQ(reread.memory().cells().size(), original.memory().cells().size());
  for (std::size_t i = 0; i < original.memory().cells().size(); ++i) {
    EXPECT_EQ(reread.memory().cells()[i].address, original.memory().cells()[i].address) << i;
    EXPECT_EQ(reread.memory().cells()[i].value, original.memory().cells()[i].value) << i;
  }
  EXPECT_EQ(ComputeProgramHash(reread.metadata().program).value(),
            ComputeProgramHash(original.metadata().program).value());
  EXPECT_EQ(ComputeFactInfo(reread).value().fact, ComputeFactInfo(original).value().fact);
  EXPECT_EQ(WriteCairoPie(ContentsOf(reread)).value(), *zip);
}

// Pages and a fact topology are written where the reader finds them: the upstream Merkle vector.
TEST(WriteCairoPieTest, WritesPagesAndTheirFactTopology) {
  std::vector<Felt> output;
  for (std::uint64_t i = 1; i <= 12; ++i) {
    output.push_back(Felt::FromUint64(i));
  }
  PieContents contents = ContentsOf(ReadWritten(BuildStandInPie(output, 3)));
  contents.output_builtin = {
      .pages = {{1, {.start = 4, .size = 4}}, {2, {.start = 8, .size = 4}}},
      .gps_fact_topology = std::vector<std::uint64_t>{1, 0, 1, 0, 0, 2, 1, 1, 0, 2}};
  const CairoPie pie = ReadWritten(WriteCairoPie(contents));
  ASSERT_EQ(pie.output_builtin().pages.size(), 2u);
  EXPECT_EQ(pie.output_builtin().gps_fact_topology, contents.output_builtin.gps_fact_topology);
  const Result<FactInfo> info = ComputeFactInfo(pie);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->topology.page_sizes, (std::vector<std::uint64_t>{4, 4, 4}));
  EXPECT_EQ(info->output_root.ToPaddedHex(),
            "0x17f41ba1db11e3a164b23b72b52190fb0da6184b4b80cf74e0882fde7438e47f");
}

TEST(WriteCairoPieTest, RejectsBuiltinsOtherThanOutput) {
  // The real SNOS PIE uses pedersen and ten more, whose additional data is not kept.
  ExpectInvalid(WriteCairoPie(ContentsOf(ReadTestPie("sepolia_924016.zip"))),
                {"program builtin \"pedersen\"", "only the output builtin"});

  const PieContents stand_in =
      ContentsOf(ReadWritten(BuildStandInPie(std::vector{Felt::One()}, 3)));
  PieContents no_builtin = stand_in;
  no_builtin.metadata.program.builtins.clear();
  ExpectInvalid(WriteCairoPie(no_builtin), {"uses it 0 times"});
  PieContents extra_segment = stand_in;
  extra_segment.metadata.builtin_segments["pedersen"] = {.index = 5, .size = 0};
  ExpectInvalid(WriteCairoPie(extra_segment), {"\"pedersen\" is not a builtin of the program"});
}

TEST(WriteCairoPieTest, RejectsContentsTheReaderWouldRefuse) {
  const std::vector<Felt> output = {Felt::FromUint64(1), Felt::FromUint64(2)};
  const PieContents stand_in = ContentsOf(ReadWritten(BuildStandInPie(output, 3)));

  PieContents zero_steps = stand_in;
  zero_steps.execution_resources.n_steps = 0;
  ExpectInvalid(WriteCairoPie(zero_steps), {"n_steps is 0"});

  PieContents missing_cell = stand_in;
  missing_cell.memory.pop_back();  // output offset 1
  ExpectInvalid(WriteCairoPie(missing_cell),
                {"inconsistent", "output segment 2 has no cell at offset 1"});

  PieContents outside = stand_in;
  outside.memory.push_back({.address = {.segment = 2, .offset = 2}, .value = Felt::One()});
  ExpectInvalid(WriteCairoPie(outside), {"memory.bin", "beyond the size 2"});

  PieContents twice = stand_in;
  twice.memory.push_back(twice.memory.front());
  ExpectInvalid(WriteCairoPie(twice), {"address 0:0 appears twice"});

  PieContents gap = stand_in;
  gap.metadata.ret_pc_segment.index = 7;
  ExpectInvalid(WriteCairoPie(gap), {"ret_pc_segment.index: 7 leaves a gap"});

  PieContents bad_pages = stand_in;
  bad_pages.output_builtin.pages[1] = {.start = 1, .size = 1};
  ExpectInvalid(WriteCairoPie(bad_pages), {"gps_fact_topology"});

  // Addresses memory.bin cannot encode would silently become other addresses.
  PieContents wide_segment = stand_in;
  wide_segment.memory.push_back(
      {.address = {.segment = 1 << 16, .offset = 0}, .value = Felt::One()});
  ExpectInvalid(WriteCairoPie(wide_segment), {"address 65536:0 does not fit"});
  PieContents wide_pointer = stand_in;
  std::get<Relocatable>(wide_pointer.memory[4].value).offset = kMaxSegmentSize;
  ExpectInvalid(WriteCairoPie(wide_pointer), {"pointer value 2:140737488355328 does not fit"});
}

}  // namespace
}  // namespace orch::cairo
