#include "orch/starknet/program_output_file.h"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "orch/common/strings.h"

namespace orch::starknet {
namespace {

using crypto::Felt;

constexpr std::size_t kWordBytes = 32;
constexpr std::size_t kCountBytes = 8;

Result<std::vector<Felt>> ParseBincode(std::string_view content) {
  if (content.size() < kCountBytes) {
    return Error::InvalidArgument(
        "bincode program output has {} bytes, fewer than its 8-byte count", content.size());
  }
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < kCountBytes; ++i) {
    count |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(content[i])) << (8 * i);
  }
  const std::size_t available = (content.size() - kCountBytes) / kWordBytes;
  if (count != available || (content.size() - kCountBytes) % kWordBytes != 0) {
    return Error::InvalidArgument(
        "bincode program output declares {} words but holds {} bytes after the count ({} "
        "expected)",
        count, content.size() - kCountBytes,
        count <= available ? std::to_string(count * kWordBytes) : "more");
  }
  std::vector<Felt> words;
  words.reserve(available);
  for (std::size_t i = 0; i < available; ++i) {
    const auto* bytes =
        reinterpret_cast<const std::uint8_t*>(content.data() + kCountBytes + i * kWordBytes);
    Result<Felt> word = Felt::FromBytesBe(std::span<const std::uint8_t>(bytes, kWordBytes));
    if (!word.ok()) {
      return Error::InvalidArgument("bincode program output word {}: {}", i,
                                    word.error().message());
    }
    words.push_back(*word);
  }
  return words;
}

Result<std::vector<Felt>> ParseJsonArray(std::string_view content) {
  const nlohmann::json array = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (array.is_discarded()) {
    return Error::InvalidArgument("program output is not valid JSON");
  }
  if (!array.is_array()) {
    return Error::InvalidArgument(
        "program output JSON is a {}, expected an array of \"0x...\" strings", array.type_name());
  }
  std::vector<Felt> words;
  words.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    // Numbers are refused rather than read: JSON parsers turn large ones into doubles.
    if (!array[i].is_string()) {
      return Error::InvalidArgument(
          "program output JSON element {} is a {}, expected a \"0x...\" string", i,
          array[i].type_name());
    }
    const std::string& text = array[i].get_ref<const std::string&>();
    Result<Felt> word = Felt::Parse(text);
    if (!word.ok()) {
      return Error::InvalidArgument("program output JSON element {} (\"{}\"): {}", i, text,
                                    word.error().message());
    }
    words.push_back(*word);
  }
  return words;
}

Result<std::vector<Felt>> ParseDecimalLines(std::string_view content) {
  std::vector<Felt> words;
  std::size_t line_number = 0;
  for (const std::string_view line : SplitString(content, '\n')) {
    ++line_number;
    const std::string_view text = TrimWhitespace(line);
    if (text.empty()) {
      continue;
    }
    Result<Felt> word = Felt::FromDecimal(text);
    if (!word.ok()) {
      return Error::InvalidArgument("program output line {} (\"{}\"): {}", line_number, text,
                                    word.error().message());
    }
    words.push_back(*word);
  }
  return words;
}

}  // namespace

std::string_view ToString(ProgramOutputFormat format) {
  switch (format) {
    case ProgramOutputFormat::kBincode:
      return "bincode";
    case ProgramOutputFormat::kJsonArray:
      return "json";
    case ProgramOutputFormat::kDecimalLines:
      return "decimal-lines";
  }
  return "unknown";
}

Result<std::vector<Felt>> ParseProgramOutput(std::string_view content, ProgramOutputFormat format) {
  switch (format) {
    case ProgramOutputFormat::kBincode:
      return ParseBincode(content);
    case ProgramOutputFormat::kJsonArray:
      return ParseJsonArray(content);
    case ProgramOutputFormat::kDecimalLines:
      return ParseDecimalLines(content);
  }
  return Error::InvalidArgument("unknown program output format");
}

ProgramOutputFormat DetectProgramOutputFormat(std::string_view content) {
  // A bincode count below 2^56 has a zero high byte; text formats have no NUL bytes.
  if (content.substr(0, kCountBytes).find('\0') != std::string_view::npos) {
    return ProgramOutputFormat::kBincode;
  }
  return TrimWhitespace(content).starts_with('[') ? ProgramOutputFormat::kJsonArray
                                                  : ProgramOutputFormat::kDecimalLines;
}

Result<std::vector<Felt>> ParseProgramOutputAnyFormat(std::string_view content) {
  return ParseProgramOutput(content, DetectProgramOutputFormat(content));
}

std::string EncodeProgramOutput(std::span<const Felt> words, ProgramOutputFormat format) {
  std::string out;
  switch (format) {
    case ProgramOutputFormat::kBincode: {
      out.reserve(kCountBytes + words.size() * kWordBytes);
      const std::uint64_t count = words.size();
      for (std::size_t i = 0; i < kCountBytes; ++i) {
        out.push_back(static_cast<char>((count >> (8 * i)) & 0xff));
      }
      for (const Felt& word : words) {
        const auto bytes = word.ToBytesBe();
        out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      }
      return out;
    }
    case ProgramOutputFormat::kJsonArray: {
      nlohmann::json array = nlohmann::json::array();
      for (const Felt& word : words) {
        array.push_back(word.ToHex());
      }
      return array.dump();
    }
    case ProgramOutputFormat::kDecimalLines:
      for (const Felt& word : words) {
        out += word.ToDecimal();
        out += '\n';
      }
      return out;
  }
  return out;
}

}  // namespace orch::starknet
