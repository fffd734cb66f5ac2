#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/cairo/pie_memory.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"

namespace orch::cairo {

class ZipArchive;

/// The name of the output builtin in a PIE's metadata and program.
inline constexpr std::string_view kOutputBuiltin = "output";

/// Upper bounds applied while reading a PIE zip, checked against the zip directory before
/// anything is decompressed and again while decompressing.
struct PieLimits {
  /// memory.bin: 1 GiB is about 27 million cells, several times a large SNOS run.
  std::uint64_t max_memory_bytes = std::uint64_t{1} << 30;
  /// Each JSON file; the 0.14 OS program's metadata.json is 0.36 MB.
  std::uint64_t max_json_bytes = std::uint64_t{64} << 20;
  /// Uncompressed/compressed ratio above which an entry larger than 1 MiB is taken for a zip
  /// bomb; real PIE entries compress about 8:1.
  std::uint64_t max_compression_ratio = 200;
  /// A PIE has five entries; anything much larger is not one.
  std::size_t max_entries = 64;
};

/// A memory segment of the run: its index and used size.
struct SegmentInfo {
  std::uint32_t index = 0;
  std::uint64_t size = 0;
};

/// The program as stored in a PIE (cairo-lang's StrippedProgram): hints and identifiers are
/// not kept.
struct StrippedProgram {
  std::vector<crypto::Felt> data;
  /// Short builtin names ("output", "pedersen", ...), in program order.
  std::vector<std::string> builtins;
  /// Offset of the entry point in `data`.
  std::uint64_t main = 0;
};

/// metadata.json (protocols spec §5.3).
struct PieMetadata {
  StrippedProgram program;
  SegmentInfo program_segment;
  SegmentInfo execution_segment;
  SegmentInfo ret_fp_segment;
  SegmentInfo ret_pc_segment;
  /// Keyed by short builtin name.
  std::map<std::string, SegmentInfo> builtin_segments;
  std::vector<SegmentInfo> extra_segments;
};

/// A page of the program output: [start, start + size) inside the output segment.
struct OutputPage {
  std::uint64_t start = 0;
  std::uint64_t size = 0;
};

/// additional_data.json["output_builtin"] (§5.5): what the fact topology is made from. The
/// other builtins' additional data is not needed by the orchestrator and is not kept.
struct OutputBuiltinData {
  /// Keyed by page id.
  std::map<std::uint64_t, OutputPage> pages;
  /// attributes["gps_fact_topology"], when present.
  std::optional<std::vector<std::uint64_t>> gps_fact_topology;
};

/// execution_resources.json (§5.6).
struct ExecutionResources {
  std::uint64_t n_steps = 0;
  std::uint64_t n_memory_holes = 0;
  /// Keyed by builtin name with the "_builtin" suffix, as in the file.
  std::map<std::string, std::uint64_t> builtin_instance_counter;
};

/// A Cairo PIE (position-independent execution) read from its zip (protocols spec §5).
///
/// The entries may sit at the root of the zip or together in one directory. version.json is
/// optional (1.1 when absent); metadata.json, memory.bin, additional_data.json and
/// execution_resources.json are required. Reading validates before it allocates: entry sizes
/// against PieLimits, big JSON integers kept exact, segment indices contiguous from 0, segment
/// sizes within 2^47, every memory address inside its segment, every pointer value inside the
/// segment table. Peak memory is about 1.4 times the uncompressed memory.bin (decoded cells)
/// plus the JSON documents; memory.bin itself is decoded while it is decompressed.
/// Every error names the zip, the entry and the field at fault.
/// Immutable after construction: safe to share between threads.
class CairoPie {
 public:
  /// Reads the PIE zip at `path`. Errors: kNotFound (no such file), kInvalidArgument (anything
  /// malformed; the message names the entry and what is wrong).
  static Result<CairoPie> ReadFile(const std::filesystem::path& path, const PieLimits& limits = {});
  /// Reads a PIE zip held in memory. Errors as ReadFile.
  static Result<CairoPie> ReadBytes(std::span<const std::uint8_t> zip_bytes,
                                    const PieLimits& limits = {});

  /// version.json's "cairo_pie", e.g. "1.1".
  const std::string& version() const { return version_; }
  const PieMetadata& metadata() const { return metadata_; }
  const PieMemory& memory() const { return memory_; }
  const OutputBuiltinData& output_builtin() const { return output_builtin_; }
  const ExecutionResources& execution_resources() const { return execution_resources_; }

  /// The program output (§5.7): the output builtin segment's cells at offsets 0..size-1.
  /// Errors: kInvalidArgument when the program has no output segment, a cell is missing (the
  /// message names the offset) or holds a pointer.
  Result<std::vector<crypto::Felt>> ProgramOutput() const;

 private:
  class Reader;

  static Result<CairoPie> ReadZip(Result<ZipArchive> zip, const PieLimits& limits,
                                  std::string_view context);

  CairoPie() = default;

  std::string version_;
  PieMetadata metadata_;
  PieMemory memory_;
  OutputBuiltinData output_builtin_;
  ExecutionResources execution_resources_;
};

}  // namespace orch::cairo
