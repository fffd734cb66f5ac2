#include "orch/cairo/cairo_pie.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "orch/cairo/exact_json.h"
#include "orch/cairo/zip_archive.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using nlohmann::json;

constexpr std::string_view kVersionFile = "version.json";
constexpr std::string_view kMetadataFile = "metadata.json";
constexpr std::string_view kMemoryFile = "memory.bin";
constexpr std::string_view kAdditionalDataFile = "additional_data.json";
constexpr std::string_view kExecutionResourcesFile = "execution_resources.json";
constexpr std::string_view kDefaultVersion = "1.1";
// Longest JSON excerpt quoted in an error message.
constexpr std::size_t kExcerptChars = 80;

// --- JSON accessors. `path` locates the value inside its file, e.g. "program.data[3]". ---

std::string Excerpt(const json& value) {
  std::string text;
  if (const std::optional<std::string_view> number = NumberText(value)) {
    text = *number;
  } else {
    text = value.dump();
  }
  if (text.size() > kExcerptChars) {
    text.resize(kExcerptChars);
    text += "...";
  }
  return text;
}

std::string Child(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string Element(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

Result<void> ExpectObject(const json& value, std::string_view path) {
  if (!value.is_object()) {
    return Error::InvalidArgument("{}: expected an object, found {}",
                                  path.empty() ? "document" : path, Excerpt(value));
  }
  return Ok();
}

Result<void> ExpectArray(const json& value, std::string_view path) {
  if (!value.is_array()) {
    return Error::InvalidArgument("{}: expected an array, found {}", path, Excerpt(value));
  }
  return Ok();
}

// The member `key` of the object `object`, or nullptr when absent.
Result<const json*> OptionalMember(const json& object, std::string_view path,
                                   std::string_view key) {
  ORCH_RETURN_IF_ERROR(ExpectObject(object, path));
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<const json*> Member(const json& object, std::string_view path, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const json* member, OptionalMember(object, path, key));
  if (member == nullptr) {
    return Error::InvalidArgument("{}: missing", Child(path, key));
  }
  return member;
}

Result<std::uint64_t> ToUint64(const json& value, std::string_view path) {
  if (!value.is_number_unsigned()) {
    return Error::InvalidArgument("{}: expected an unsigned 64-bit integer, found {}", path,
                                  Excerpt(value));
  }
  return value.get<std::uint64_t>();
}

// Without a location in its error, so that the program's thousands of words are converted
// without formatting a path for each.
Result<Felt> ToFelt(const json& value) {
  if (value.is_number_unsigned()) {
    return Felt::FromUint64(value.get<std::uint64_t>());
  }
  // Numbers beyond 64 bits: only plain decimal digits below P are felts.
  if (const std::optional<std::string_view> number = NumberText(value)) {
    Result<Felt> felt = Felt::FromDecimal(*number);
    if (felt.ok()) {
      return felt;
    }
  }
  return Error::InvalidArgument("expected a field element (an integer below P), found {}",
                                Excerpt(value));
}

Result<std::string> ToString(const json& value, std::string_view path) {
  if (!value.is_string()) {
    return Error::InvalidArgument("{}: expected a string, found {}", path, Excerpt(value));
  }
  return value.get<std::string>();
}

Result<std::uint64_t> UintMember(const json& object, std::string_view path, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const json* member, Member(object, path, key));
  return ToUint64(*member, Child(path, key));
}

Result<std::vector<std::uint64_t>> ToUint64Array(const json& value, std::string_view path) {
  ORCH_RETURN_IF_ERROR(ExpectArray(value, path));
  std::vector<std::uint64_t> numbers;
  numbers.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t number, ToUint64(value[i], Element(path, i)));
    numbers.push_back(number);
  }
  return numbers;
}

// --- The PIE files. ---

Result<SegmentInfo> ToSegment(const json& value, std::string_view path) {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t index, UintMember(value, path, "index"));
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t size, UintMember(value, path, "size"));
  if (index >= kMaxSegments) {
    return Error::InvalidArgument("{}.index: {} is beyond the {} segments memory.bin can address",
                                  path, index, kMaxSegments);
  }
  if (size > kMaxSegmentSize) {
    return Error::InvalidArgument("{}.size: {} is beyond the 2^47 cells a segment can hold", path,
                                  size);
  }
  return SegmentInfo{.index = static_cast<std::uint32_t>(index), .size = size};
}

Result<SegmentInfo> SegmentMember(const json& object, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const json* member, Member(object, "", key));
  return ToSegment(*member, key);
}

Result<StrippedProgram> ParseProgram(const json& value) {
  constexpr std::string_view kPath = "program";
  StrippedProgram program;

  ORCH_ASSIGN_OR_RETURN(const json* data, Member(value, kPath, "data"));
  ORCH_RETURN_IF_ERROR(ExpectArray(*data, "program.data"));
  program.data.reserve(data->size());
  for (std::size_t i = 0; i < data->size(); ++i) {
    Result<Felt> word = ToFelt((*data)[i]);
    if (!word.ok()) {
      return word.error().WithContext(Element("program.data", i));
    }
    program.data.push_back(*word);
  }

  ORCH_ASSIGN_OR_RETURN(const json* builtins, Member(value, kPath, "builtins"));
  ORCH_RETURN_IF_ERROR(ExpectArray(*builtins, "program.builtins"));
  for (std::size_t i = 0; i < builtins->size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(std::string name,
                          ToString((*builtins)[i], Element("program.builtins", i)));
    program.builtins.push_back(std::move(name));
  }

  ORCH_ASSIGN_OR_RETURN(program.main, UintMember(value, kPath, "main"));
  if (program.main >= program.data.size()) {
    return Error::InvalidArgument("program.main: {} is outside the program's {} words",
                                  program.main, program.data.size());
  }

  // A program for another field would hash and run differently: refuse it.
  ORCH_ASSIGN_OR_RETURN(const json* prime, OptionalMember(value, kPath, "prime"));
  if (prime != nullptr) {
    const bool is_stark_prime = NumberText(*prime) == Felt::Modulus().ToDecimal();
    if (!is_stark_prime) {
      return Error::InvalidArgument("program.prime: {} is not the Stark prime", Excerpt(*prime));
    }
  }
  return program;
}

// Checks that the segment indices are 0, 1, 2, ... once each, and returns the sizes by index.
Result<std::vector<std::uint64_t>> SegmentSizes(const PieMetadata& metadata) {
  std::vector<std::pair<std::string, SegmentInfo>> segments = {
      {"program_segment", metadata.program_segment},
      {"execution_segment", metadata.execution_segment},
      {"ret_fp_segment", metadata.ret_fp_segment},
      {"ret_pc_segment", metadata.ret_pc_segment}};
  for (const auto& [name, segment] : metadata.builtin_segments) {
    segments.emplace_back(Child("builtin_segments", name), segment);
  }
  for (std::size_t i = 0; i < metadata.extra_segments.size(); ++i) {
    segments.emplace_back(Element("extra_segments", i), metadata.extra_segments[i]);
  }
  std::vector<std::uint64_t> sizes(segments.size());
  std::vector<const std::string*> owner(segments.size(), nullptr);
  for (const auto& [name, segment] : segments) {
    if (segment.index >= segments.size()) {
      return Error::InvalidArgument(
          "{}.index: {} leaves a gap, the {} segments must be numbered 0 to {}", name,
          segment.index, segments.size(), segments.size() - 1);
    }
    if (owner[segment.index] != nullptr) {
      return Error::InvalidArgument("{}.index: {} is also the index of {}", name, segment.index,
                                    *owner[segment.index]);
    }
    owner[segment.index] = &name;
    sizes[segment.index] = segment.size;
  }
  return sizes;
}

Result<PieMetadata> ParseMetadata(const json& document) {
  PieMetadata metadata;
  ORCH_ASSIGN_OR_RETURN(const json* program, Member(document, "", "program"));
  ORCH_ASSIGN_OR_RETURN(metadata.program, ParseProgram(*program));
  ORCH_ASSIGN_OR_RETURN(metadata.program_segment, SegmentMember(document, "program_segment"));
  ORCH_ASSIGN_OR_RETURN(metadata.execution_segment, SegmentMember(document, "execution_segment"));
  ORCH_ASSIGN_OR_RETURN(metadata.ret_fp_segment, SegmentMember(document, "ret_fp_segment"));
  ORCH_ASSIGN_OR_RETURN(metadata.ret_pc_segment, SegmentMember(document, "ret_pc_segment"));

  ORCH_ASSIGN_OR_RETURN(const json* builtins, Member(document, "", "builtin_segments"));
  ORCH_RETURN_IF_ERROR(ExpectObject(*builtins, "builtin_segments"));
  for (const auto& [name, value] : builtins->items()) {
    ORCH_ASSIGN_OR_RETURN(metadata.builtin_segments[name],
                          ToSegment(value, Child("builtin_segments", name)));
  }

  ORCH_ASSIGN_OR_RETURN(const json* extra, Member(document, "", "extra_segments"));
  ORCH_RETURN_IF_ERROR(ExpectArray(*extra, "extra_segments"));
  for (std::size_t i = 0; i < extra->size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(SegmentInfo segment,
                          ToSegment((*extra)[i], Element("extra_segments", i)));
    metadata.extra_segments.push_back(segment);
  }
  return metadata;
}

Result<OutputBuiltinData> ParseAdditionalData(const json& document) {
  OutputBuiltinData output;
  ORCH_ASSIGN_OR_RETURN(const json* builtin, OptionalMember(document, "", "output_builtin"));
  // A program without the output builtin has no entry, or null.
  if (builtin == nullptr || builtin->is_null()) {
    return output;
  }
  constexpr std::string_view kPath = "output_builtin";
  ORCH_ASSIGN_OR_RETURN(const json* pages, OptionalMember(*builtin, kPath, "pages"));
  if (pages != nullptr) {
    ORCH_RETURN_IF_ERROR(ExpectObject(*pages, "output_builtin.pages"));
    for (const auto& [key, value] : pages->items()) {
      const std::string path = Child("output_builtin.pages", key);
      std::uint64_t page_id = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), page_id);
      if (error != std::errc() || end != key.data() + key.size()) {
        return Error::InvalidArgument("{}: the page id is not a 64-bit integer", path);
      }
      ORCH_ASSIGN_OR_RETURN(const std::vector<std::uint64_t> bounds, ToUint64Array(value, path));
      if (bounds.size() != 2) {
        return Error::InvalidArgument("{}: expected [start, size], found {}", path, Excerpt(value));
      }
      output.pages[page_id] = OutputPage{.start = bounds[0], .size = bounds[1]};
    }
  }
  ORCH_ASSIGN_OR_RETURN(const json* attributes, OptionalMember(*builtin, kPath, "attributes"));
  if (attributes != nullptr) {
    ORCH_ASSIGN_OR_RETURN(
        const json* topology,
        OptionalMember(*attributes, "output_builtin.attributes", "gps_fact_topology"));
    if (topology != nullptr) {
      ORCH_ASSIGN_OR_RETURN(
          output.gps_fact_topology,
          ToUint64Array(*topology, "output_builtin.attributes.gps_fact_topology"));
    }
  }
  return output;
}

Result<ExecutionResources> ParseExecutionResources(const json& document) {
  ExecutionResources resources;
  ORCH_ASSIGN_OR_RETURN(resources.n_steps, UintMember(document, "", "n_steps"));
  ORCH_ASSIGN_OR_RETURN(resources.n_memory_holes, UintMember(document, "", "n_memory_holes"));
  ORCH_ASSIGN_OR_RETURN(const json* counters, Member(document, "", "builtin_instance_counter"));
  ORCH_RETURN_IF_ERROR(ExpectObject(*counters, "builtin_instance_counter"));
  for (const auto& [name, value] : counters->items()) {
    ORCH_ASSIGN_OR_RETURN(resources.builtin_instance_counter[name],
                          ToUint64(value, Child("builtin_instance_counter", name)));
  }
  return resources;
}

Result<std::string> ParseVersion(const json& document) {
  ORCH_ASSIGN_OR_RETURN(const json* version, Member(document, "", "cairo_pie"));
  return ToString(*version, "cairo_pie");
}

// Where the PIE files sit: the zip root, or the one directory holding a metadata.json (zipping
// a directory by hand puts the files under its name).
Result<std::string> FindPieDirectory(const std::vector<std::string>& names) {
  if (std::ranges::find(names, kMetadataFile) != names.end()) {
    return std::string();
  }
  std::vector<std::string> directories;
  for (const std::string& name : names) {
    if (name.size() > kMetadataFile.size() && name.ends_with(kMetadataFile) &&
        name[name.size() - kMetadataFile.size() - 1] == '/') {
      directories.push_back(name.substr(0, name.size() - kMetadataFile.size()));
    }
  }
  if (directories.empty()) {
    return Error::InvalidArgument("{}: missing from the zip", kMetadataFile);
  }
  if (directories.size() > 1) {
    return Error::InvalidArgument("{}: found in several directories ({}, ...), expected one PIE",
                                  kMetadataFile, directories[0]);
  }
  return directories[0];
}

// Decodes memory.bin records as they are decompressed, checking each against the segments.
class MemoryDecoder {
 public:
  explicit MemoryDecoder(const std::vector<std::uint64_t>& segment_sizes)
      : segment_sizes_(segment_sizes) {}

  void Reserve(std::size_t cells) { cells_.reserve(cells); }

  Result<void> Consume(std::span<const std::uint8_t> bytes) {
    if (pending_size_ > 0) {
      const std::size_t take = std::min(bytes.size(), kMemoryCellBytes - pending_size_);
      std::copy_n(bytes.begin(), take, pending_.begin() + pending_size_);
      pending_size_ += take;
      bytes = bytes.subspan(take);
      if (pending_size_ < kMemoryCellBytes) {
        return Ok();
      }
      pending_size_ = 0;
      ORCH_RETURN_IF_ERROR(Decode(pending_));
    }
    while (bytes.size() >= kMemoryCellBytes) {
      ORCH_RETURN_IF_ERROR(Decode(bytes.first<kMemoryCellBytes>()));
      bytes = bytes.subspan(kMemoryCellBytes);
    }
    std::copy(bytes.begin(), bytes.end(), pending_.begin());
    pending_size_ = bytes.size();
    return Ok();
  }

  std::vector<MemoryCell> TakeCells() { return std::move(cells_); }

 private:
  Result<void> Decode(std::span<const std::uint8_t, kMemoryCellBytes> record) {
    const std::size_t number = cells_.size();
    Result<MemoryCell> cell = DecodeMemoryCell(record);
    if (!cell.ok()) {
      return cell.error().WithContext(fmt::format("cell {}", number));
    }
    const Relocatable& address = cell->address;
    if (address.segment >= segment_sizes_.size()) {
      return Error::InvalidArgument(
          "cell {}: address {}:{} is in segment {}, but {} lists segments 0 to {} only", number,
          address.segment, address.offset, address.segment, kMetadataFile,
          segment_sizes_.size() - 1);
    }
    if (address.offset >= segment_sizes_[address.segment]) {
      return Error::InvalidArgument(
          "cell {}: address {}:{} is beyond the size {} that {} gives segment {}", number,
          address.segment, address.offset, segment_sizes_[address.segment], kMetadataFile,
          address.segment);
    }
    // Pointers may point one past their segment's used part (end pointers), so only the
    // segment is checked.
    if (const auto* pointer = std::get_if<Relocatable>(&cell->value);
        pointer != nullptr && pointer->segment >= segment_sizes_.size()) {
      return Error::InvalidArgument(
          "cell {}: value {}:{} points to segment {}, but {} lists segments 0 to {} only", number,
          pointer->segment, pointer->offset, pointer->segment, kMetadataFile,
          segment_sizes_.size() - 1);
    }
    cells_.push_back(*std::move(cell));
    return Ok();
  }

  const std::vector<std::uint64_t>& segment_sizes_;
  std::vector<MemoryCell> cells_;
  std::array<std::uint8_t, kMemoryCellBytes> pending_{};
  std::size_t pending_size_ = 0;
};

}  // namespace

// Reads the entries of one PIE zip; errors carry the entry name.
class CairoPie::Reader {
 public:
  Reader(const ZipArchive& zip, const PieLimits& limits) : zip_(zip), limits_(limits) {}

  Result<CairoPie> Read() {
    if (zip_.names().size() > limits_.max_entries) {
      return Error::InvalidArgument("the zip holds {} entries, more than the {} a PIE may have",
                                    zip_.names().size(), limits_.max_entries);
    }
    ORCH_ASSIGN_OR_RETURN(directory_, FindPieDirectory(zip_.names()));
    CairoPie pie;
    if (Has(kVersionFile)) {
      ORCH_ASSIGN_OR_RETURN(pie.version_, ReadJson(kVersionFile, ParseVersion));
    } else {
      pie.version_ = kDefaultVersion;
    }
    ORCH_ASSIGN_OR_RETURN(pie.metadata_, ReadJson(kMetadataFile, ParseMetadata));
    ORCH_ASSIGN_OR_RETURN(const std::vector<std::uint64_t> sizes,
                          InEntry(kMetadataFile, SegmentSizes(pie.metadata_)));
    ORCH_ASSIGN_OR_RETURN(pie.memory_, ReadMemory(sizes));
    ORCH_ASSIGN_OR_RETURN(pie.output_builtin_, ReadJson(kAdditionalDataFile, ParseAdditionalData));
    ORCH_ASSIGN_OR_RETURN(pie.execution_resources_,
                          ReadJson(kExecutionResourcesFile, ParseExecutionResources));
    return pie;
  }

 private:
  std::string Path(std::string_view file) const { return directory_ + std::string(file); }

  bool Has(std::string_view file) const {
    return std::ranges::find(zip_.names(), Path(file)) != zip_.names().end();
  }

  template <typename T>
  Result<T> InEntry(std::string_view file, Result<T> result) const {
    if (!result.ok()) {
      return result.error().WithContext(Path(file));
    }
    return result;
  }

  ZipEntryLimits Limits(std::uint64_t max_size) const {
    return {.max_size = max_size, .max_ratio = limits_.max_compression_ratio};
  }

  Result<void> RequireEntry(std::string_view file) const {
    if (!Has(file)) {
      return Error::InvalidArgument("{}: missing from the zip", Path(file));
    }
    return Ok();
  }

  template <typename Parse>
  auto ReadJson(std::string_view file, Parse parse) const
      -> decltype(parse(std::declval<const json&>())) {
    ORCH_RETURN_IF_ERROR(RequireEntry(file));
    // The zip errors already name the entry.
    ORCH_ASSIGN_OR_RETURN(const std::string text,
                          zip_.ReadEntryToString(Path(file), Limits(limits_.max_json_bytes)));
    ORCH_ASSIGN_OR_RETURN(const json document, InEntry(file, ParseExactJson(text)));
    return InEntry(file, parse(document));
  }

  Result<PieMemory> ReadMemory(const std::vector<std::uint64_t>& segment_sizes) const {
    ORCH_RETURN_IF_ERROR(RequireEntry(kMemoryFile));
    const ZipEntryLimits limits = Limits(limits_.max_memory_bytes);
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t declared, zip_.CheckEntry(Path(kMemoryFile), limits));
    // ReadEntry insists on exactly the declared length, so checking it here covers the content.
    if (declared % kMemoryCellBytes != 0) {
      return Error::InvalidArgument("{}: length {} bytes is not a multiple of the {}-byte cell",
                                    Path(kMemoryFile), declared, kMemoryCellBytes);
    }
    MemoryDecoder decoder(segment_sizes);
    decoder.Reserve(static_cast<std::size_t>(declared / kMemoryCellBytes));
    ORCH_RETURN_IF_ERROR(zip_.ReadEntry(Path(kMemoryFile), limits,
                                        [&](std::span<const std::uint8_t> chunk) -> Result<void> {
                                          return InEntry(kMemoryFile, decoder.Consume(chunk));
                                        }));
    return InEntry(kMemoryFile, PieMemory::FromCells(decoder.TakeCells()));
  }

  const ZipArchive& zip_;
  const PieLimits& limits_;
  std::string directory_;
};

Result<CairoPie> CairoPie::ReadFile(const std::filesystem::path& path, const PieLimits& limits) {
  return ReadZip(ZipArchive::OpenFile(path), limits, fmt::format("cairo PIE {}", path.string()));
}

Result<CairoPie> CairoPie::ReadBytes(std::span<const std::uint8_t> zip_bytes,
                                     const PieLimits& limits) {
  return ReadZip(ZipArchive::OpenBytes(zip_bytes), limits,
                 fmt::format("cairo PIE ({} bytes in memory)", zip_bytes.size()));
}

Result<CairoPie> CairoPie::ReadZip(Result<ZipArchive> zip, const PieLimits& limits,
                                   std::string_view context) {
  if (!zip.ok()) {
    return zip.error().WithContext(context);
  }
  Result<CairoPie> pie = Reader(*zip, limits).Read();
  if (!pie.ok()) {
    return pie.error().WithContext(context);
  }
  return pie;
}

Result<std::vector<Felt>> CairoPie::ProgramOutput() const {
  const auto segment = metadata_.builtin_segments.find(std::string(kOutputBuiltin));
  if (segment == metadata_.builtin_segments.end()) {
    return Error::InvalidArgument("{}: the program has no output builtin segment", kMetadataFile);
  }
  const SegmentInfo& info = segment->second;
  // Reading checked every address against its segment's size, and the cells are sorted and
  // unique, so cell i of the segment must be offset i.
  const std::span<const MemoryCell> cells = memory_.SegmentCells(info.index);
  std::vector<Felt> output;
  output.reserve(cells.size());
  for (std::uint64_t offset = 0; offset < info.size; ++offset) {
    if (offset >= cells.size() || cells[offset].address.offset != offset) {
      return Error::InvalidArgument(
          "{}: output segment {} has no cell at offset {} (its size is {})", kMemoryFile,
          info.index, offset, info.size);
    }
    const auto* felt = std::get_if<Felt>(&cells[offset].value);
    if (felt == nullptr) {
      return Error::InvalidArgument("{}: output cell {}:{} holds a pointer, not a felt",
                                    kMemoryFile, info.index, offset);
    }
    output.push_back(*felt);
  }
  return output;
}

}  // namespace orch::cairo
