#include "orch/clients/snos/sidecar_contract.h"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "orch/common/file.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::snos {
namespace {

bool IsLayoutCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Result<void> ValidateSnosRequest(const SnosRequest& request) {
  if (request.start_block > request.end_block) {
    return Error::InvalidArgument("SNOS request: start_block {} is after end_block {}",
                                  request.start_block, request.end_block);
  }
  if (request.layout.empty() || !std::ranges::all_of(request.layout, IsLayoutCharacter)) {
    return Error::InvalidArgument("SNOS request: layout \"{}\" is not a layout name ([a-z0-9_])",
                                  request.layout);
  }
  const std::string& chain_id = request.chain.chain_id;
  if (chain_id.empty() || chain_id.starts_with('-')) {
    return Error::InvalidArgument("SNOS request: chain_id \"{}\" is empty or starts with '-'",
                                  chain_id);
  }
  if (auto as_felt = crypto::Felt::FromShortString(chain_id); !as_felt.ok()) {
    return Error::InvalidArgument("SNOS request: chain_id \"{}\": {}", chain_id,
                                  as_felt.error().message());
  }
  if (const auto& path = request.versioned_constants_path;
      path.has_value() && (path->empty() || path->starts_with('-'))) {
    return Error::InvalidArgument(
        "SNOS request: versioned_constants_path \"{}\" is empty or starts with '-'", *path);
  }
  return Ok();
}

Result<void> ValidateRpcUrl(std::string_view rpc_url) {
  const Result<Url> url = Url::Parse(rpc_url);
  if (!url.ok() || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
    return Error::InvalidArgument("SNOS request: rpc_url is not an http(s) URL");
  }
  return Ok();
}

Result<void> CheckCairoPieZip(std::string_view zip, std::string_view what) {
  constexpr std::string_view kLocalFileHeader = "PK\x03\x04";
  if (!zip.starts_with(kLocalFileHeader)) {
    return Error::DataLoss("{}: not a Cairo PIE zip ({} bytes, no zip file entry at the start)",
                           what, zip.size());
  }
  return Ok();
}

Result<std::vector<crypto::Felt>> OsOutputFromJson(const nlohmann::json& array,
                                                   std::string_view what) {
  if (!array.is_array()) {
    return Error::DataLoss("{}: a JSON {}, expected an array of \"0x…\" strings", what,
                           array.type_name());
  }
  if (array.empty()) {
    return Error::DataLoss("{}: an empty array; an OS output has at least a header", what);
  }
  std::vector<crypto::Felt> felts;
  felts.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      return Error::DataLoss("{}: element {} is a {}, expected a \"0x…\" string", what, i,
                             array[i].type_name());
    }
    const std::string& text = array[i].get_ref<const std::string&>();
    Result<crypto::Felt> felt = crypto::Felt::Parse(text);
    if (!felt.ok()) {
      return Error::DataLoss("{}: element {} (\"{}\"): {}", what, i, TailForMessage(text, 80),
                             felt.error().message());
    }
    felts.push_back(*felt);
  }
  return felts;
}

Result<std::vector<crypto::Felt>> ParseOsOutputFile(std::string_view content,
                                                    const std::filesystem::path& path) {
  const nlohmann::json array = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (array.is_discarded()) {
    return Error::DataLoss("{}: not valid JSON", path.string());
  }
  return OsOutputFromJson(array, path.string());
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  Result<std::string> content = ReadFileContents(path);
  if (!content.ok()) {
    return Error::FailedPrecondition("{}", content.error().message());
  }
  return content;
}

std::string TailForMessage(std::string_view text, std::size_t max_bytes) {
  text = TrimWhitespace(text);
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  text.remove_prefix(text.size() - max_bytes);
  // Continuation bytes (10xxxxxx) belong to a character whose start was cut.
  while (!text.empty() && (static_cast<unsigned char>(text.front()) & 0xC0) == 0x80) {
    text.remove_prefix(1);
  }
  return "…" + std::string(TrimWhitespace(text));
}

}  // namespace orch::snos
