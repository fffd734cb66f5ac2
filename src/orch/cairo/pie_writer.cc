#include "orch/cairo/pie_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "orch/cairo/fact_topology.h"
#include "orch/cairo/program_hash.h"
#include "orch/cairo/zip_archive.h"
#include "orch/common/check.h"

namespace orch::cairo {
namespace {

using crypto::Felt;

constexpr std::string_view kVersion = "1.1";
constexpr std::uint64_t kRelocatableFlag = std::uint64_t{1} << 63;

// The stand-in program: this Cairo 0 function, assembled by hand (no Cairo compiler is at hand)
// into the words cairo-lang emits, e.g. `ap += 1` and `ret` as in the fibonacci test PIEs.
//
//   %builtins output
//   func main(output_ptr: felt*) -> (output_ptr: felt*) {
//       alloc_locals;
//       local n;
//       %{ Writes the output words from ids.output_ptr on, and their number to ids.n. %}
//       return (output_ptr=output_ptr + n);
//   }
//
// Instruction words: 16-bit biased offsets dst, op0, op1 from the low bits, then the flags.
constexpr std::array<std::uint64_t, 4> kStandInProgram = {
    0x040780017fff7fff, 1,  // ap += 1 (room for the local n at [fp])
    0x482a80007ffd8000,     // [ap] = [fp - 3] + [fp]; ap++ (the returned output_ptr + n)
    0x208b7fff7fff7ffe,     // ret
};
constexpr std::uint64_t kStandInMain = 0;
// The segments cairo-vm gives a main entry point with the output builtin.
constexpr std::uint32_t kProgramSegment = 0;
constexpr std::uint32_t kExecutionSegment = 1;
constexpr std::uint32_t kOutputSegment = 2;
constexpr std::uint32_t kReturnFpSegment = 3;
constexpr std::uint32_t kReturnPcSegment = 4;

StrippedProgram StandInProgram() {
  StrippedProgram program{.builtins = {std::string(kOutputBuiltin)}, .main = kStandInMain};
  for (const std::uint64_t word : kStandInProgram) {
    program.data.push_back(Felt::FromUint64(word));
  }
  return program;
}

// The builtins must be exactly the output builtin, in the program and in the segments (a
// missing output segment is left to the read-back check).
Result<void> CheckBuiltins(const PieMetadata& metadata) {
  const std::vector<std::string>& builtins = metadata.program.builtins;
  const auto other = std::ranges::find_if(
      builtins, [](const std::string& name) { return name != kOutputBuiltin; });
  if (other != builtins.end()) {
    return Error::InvalidArgument(
        "program builtin \"{}\": only the output builtin can be written, the additional data of "
        "the others is not known",
        *other);
  }
  if (builtins.size() != 1) {
    return Error::InvalidArgument(
        "the program must use the output builtin once, it uses it {} times", builtins.size());
  }
  for (const auto& [name, segment] : metadata.builtin_segments) {
    if (name != kOutputBuiltin) {
      return Error::InvalidArgument("builtin_segments: \"{}\" is not a builtin of the program",
                                    name);
    }
  }
  return Ok();
}

// memory.bin packs a segment into 16 bits and an offset into 47; anything larger would be
// written as another address.
Result<void> CheckFits(const Relocatable& address, std::size_t cell, std::string_view what) {
  if (address.segment >= kMaxSegments || address.offset >= kMaxSegmentSize) {
    return Error::InvalidArgument(
        "memory cell {}: {} {}:{} does not fit memory.bin's 16-bit segment and 47-bit offset", cell,
        what, address.segment, address.offset);
  }
  return Ok();
}

std::uint64_t PackRelocatable(const Relocatable& address) {
  return (std::uint64_t{address.segment} * kMaxSegmentSize) | address.offset;
}

void AppendLittleEndian64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>(value >> (8 * i)));
  }
}

// One 40-byte record (protocols spec §5.4): the address with the relocatable flag, then the
// value as 32 little-endian bytes, a pointer marked by bit 255.
void AppendCell(std::string& out, const MemoryCell& cell) {
  AppendLittleEndian64(out, kRelocatableFlag | PackRelocatable(cell.address));
  if (const auto* pointer = std::get_if<Relocatable>(&cell.value)) {
    AppendLittleEndian64(out, PackRelocatable(*pointer));
    out.append(23, '\0');
    out.push_back(static_cast<char>(0x80));
    return;
  }
  const std::array<std::uint8_t, 32> big_endian = std::get<Felt>(cell.value).ToBytesBe();
  for (auto byte = big_endian.rbegin(); byte != big_endian.rend(); ++byte) {
    out.push_back(static_cast<char>(*byte));
  }
}

Result<std::string> MemoryBin(const std::vector<MemoryCell>& memory) {
  std::string out;
  out.reserve(memory.size() * kMemoryCellBytes);
  for (std::size_t i = 0; i < memory.size(); ++i) {
    ORCH_RETURN_IF_ERROR(CheckFits(memory[i].address, i, "address"));
    if (const auto* pointer = std::get_if<Relocatable>(&memory[i].value)) {
      ORCH_RETURN_IF_ERROR(CheckFits(*pointer, i, "pointer value"));
    }
    AppendCell(out, memory[i]);
  }
  return out;
}

std::string Quote(std::string_view text) { return nlohmann::json(text).dump(); }

std::string SegmentJson(const SegmentInfo& segment) {
  return fmt::format(R"({{"index":{},"size":{}}})", segment.index, segment.size);
}

// Felts are bare JSON numbers of up to 252 bits, which nlohmann cannot hold: the JSON is
// written as text.
std::string MetadataJson(const PieMetadata& metadata) {
  const StrippedProgram& program = metadata.program;
  std::string data;
  for (const Felt& word : program.data) {
    if (!data.empty()) {
      data += ',';
    }
    data += word.ToDecimal();
  }
  std::vector<std::string> builtins;
  for (const std::string& name : program.builtins) {
    builtins.push_back(Quote(name));
  }
  std::vector<std::string> builtin_segments;
  for (const auto& [name, segment] : metadata.builtin_segments) {
    builtin_segments.push_back(fmt::format("{}:{}", Quote(name), SegmentJson(segment)));
  }
  std::vector<std::string> extra_segments;
  for (const SegmentInfo& segment : metadata.extra_segments) {
    extra_segments.push_back(SegmentJson(segment));
  }
  return fmt::format(
      R"({{"program":{{"data":[{}],"builtins":[{}],"main":{},"prime":{}}},)"
      R"("program_segment":{},"execution_segment":{},"ret_fp_segment":{},"ret_pc_segment":{},)"
      R"("builtin_segments":{{{}}},"extra_segments":[{}]}})",
      data, fmt::join(builtins, ","), program.main, Felt::Modulus().ToDecimal(),
      SegmentJson(metadata.program_segment), SegmentJson(metadata.execution_segment),
      SegmentJson(metadata.ret_fp_segment), SegmentJson(metadata.ret_pc_segment),
      fmt::join(builtin_segments, ","), fmt::join(extra_segments, ","));
}

std::string AdditionalDataJson(const OutputBuiltinData& output) {
  std::vector<std::string> pages;
  for (const auto& [id, page] : output.pages) {
    pages.push_back(fmt::format(R"("{}":[{},{}])", id, page.start, page.size));
  }
  std::string attributes;
  if (output.gps_fact_topology.has_value()) {
    attributes =
        fmt::format(R"("gps_fact_topology":[{}])", fmt::join(*output.gps_fact_topology, ","));
  }
  return fmt::format(R"({{"output_builtin":{{"pages":{{{}}},"attributes":{{{}}}}}}})",
                     fmt::join(pages, ","), attributes);
}

std::string ExecutionResourcesJson(const ExecutionResources& resources) {
  std::vector<std::string> counters;
  for (const auto& [name, count] : resources.builtin_instance_counter) {
    counters.push_back(fmt::format("{}:{}", Quote(name), count));
  }
  return fmt::format(R"({{"n_steps":{},"n_memory_holes":{},"builtin_instance_counter":{{{}}}}})",
                     resources.n_steps, resources.n_memory_holes, fmt::join(counters, ","));
}

// Whatever the reader or the fact computation would refuse later is refused now.
Result<void> CheckReadsBack(const std::string& zip) {
  ORCH_ASSIGN_OR_RETURN(const CairoPie pie,
                        CairoPie::ReadBytes(std::span(
                            reinterpret_cast<const std::uint8_t*>(zip.data()), zip.size())));
  ORCH_ASSIGN_OR_RETURN(const std::vector<Felt> output, pie.ProgramOutput());
  ORCH_RETURN_IF_ERROR(ComputeFactTopology(pie.output_builtin(), output.size()));
  return Ok();
}

}  // namespace

Result<std::string> WriteCairoPie(const PieContents& contents) {
  ORCH_RETURN_IF_ERROR(CheckBuiltins(contents.metadata));
  if (contents.execution_resources.n_steps == 0) {
    return Error::InvalidArgument("execution_resources: n_steps is 0, a run takes steps");
  }
  ORCH_ASSIGN_OR_RETURN(const std::string memory, MemoryBin(contents.memory));
  const std::string version = fmt::format(R"({{"cairo_pie":"{}"}})", kVersion);
  const std::string metadata = MetadataJson(contents.metadata);
  const std::string additional_data = AdditionalDataJson(contents.output_builtin);
  const std::string execution_resources = ExecutionResourcesJson(contents.execution_resources);
  const std::array<ZipEntryToWrite, 5> entries = {{
      {.name = "version.json", .content = version},
      {.name = "metadata.json", .content = metadata},
      {.name = "memory.bin", .content = memory},
      {.name = "additional_data.json", .content = additional_data},
      {.name = "execution_resources.json", .content = execution_resources},
  }};
  ORCH_ASSIGN_OR_RETURN(std::string zip, WriteZip(entries));
  const Result<void> check = CheckReadsBack(zip);
  if (!check.ok()) {
    return check.error().WithContext("the PIE contents are inconsistent");
  }
  return zip;
}

Felt StandInProgramHash() {
  static const Felt kHash = [] {
    const Result<Felt> hash = ComputeProgramHash(StandInProgram());
    ORCH_CHECK(hash.ok(), "the stand-in program hashes");
    return *hash;
  }();
  return kHash;
}

Result<std::string> BuildStandInPie(std::span<const Felt> program_output, std::uint64_t n_steps) {
  if (program_output.empty()) {
    return Error::InvalidArgument("a stand-in PIE needs a program output, this one is empty");
  }
  const std::uint64_t output_size = program_output.size();
  // main's frame as the run leaves it: output_ptr and the return fp and pc that cairo-vm pushes
  // (fp - 3 .. fp - 1), the local n (fp), and the returned output_ptr + n, which marks the end
  // of the output.
  const std::array<MaybeRelocatable, 5> frame = {
      Relocatable{.segment = kOutputSegment, .offset = 0},
      Relocatable{.segment = kReturnFpSegment, .offset = 0},
      Relocatable{.segment = kReturnPcSegment, .offset = 0},
      Felt::FromUint64(output_size),
      Relocatable{.segment = kOutputSegment, .offset = output_size},
  };

  PieContents contents;
  contents.metadata = {
      .program = StandInProgram(),
      .program_segment = {.index = kProgramSegment, .size = kStandInProgram.size()},
      .execution_segment = {.index = kExecutionSegment, .size = frame.size()},
      .ret_fp_segment = {.index = kReturnFpSegment, .size = 0},
      .ret_pc_segment = {.index = kReturnPcSegment, .size = 0},
      .builtin_segments = {{std::string(kOutputBuiltin),
                            {.index = kOutputSegment, .size = output_size}}},
  };
  std::vector<MemoryCell>& memory = contents.memory;
  memory.reserve(kStandInProgram.size() + frame.size() + program_output.size());
  for (std::uint64_t i = 0; i < kStandInProgram.size(); ++i) {
    memory.push_back({.address = {.segment = kProgramSegment, .offset = i},
                      .value = Felt::FromUint64(kStandInProgram[i])});
  }
  for (std::uint64_t i = 0; i < frame.size(); ++i) {
    memory.push_back({.address = {.segment = kExecutionSegment, .offset = i}, .value = frame[i]});
  }
  for (std::uint64_t i = 0; i < output_size; ++i) {
    memory.push_back(
        {.address = {.segment = kOutputSegment, .offset = i}, .value = program_output[i]});
  }
  // contents.output_builtin stays without pages or attributes: one page, the default topology.
  contents.execution_resources = {
      .n_steps = n_steps,
      .n_memory_holes = 0,
      .builtin_instance_counter = {{std::string(kOutputBuiltin) + "_builtin", output_size}},
  };
  return WriteCairoPie(contents);
}

}  // namespace orch::cairo
