#include "orch/clients/snos/http_snos_runner.h"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "orch/clients/snos/sidecar_contract.h"
#include "orch/common/check.h"
#include "orch/common/url.h"

namespace orch::snos {
namespace {

using nlohmann::json;

constexpr std::string_view kPieField = "cairo_pie_zip_base64";
constexpr std::string_view kOsOutputField = "os_output";

// `<base>/run`, the query (where a key may travel) kept after the path.
std::string RunUrl(std::string_view base_url) {
  const std::size_t question = base_url.find('?');
  std::string_view path = base_url.substr(0, question);
  while (path.ends_with('/')) {
    path.remove_suffix(1);
  }
  std::string url = std::string(path) + "/run";
  if (question != std::string_view::npos) {
    url += base_url.substr(question);
  }
  return url;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

// Standard base64 (RFC 4648 §4) with padding and nothing else: no line breaks, no URL-safe
// alphabet. A lenient decoder would turn a corrupted answer into a corrupted PIE.
Result<std::string> DecodeBase64(std::string_view text, std::string_view what) {
  if (text.size() % 4 != 0) {
    return Error::DataLoss("{}: base64 of length {}, not a multiple of 4", what, text.size());
  }
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t group = 0;
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int value = Base64Value(c);
      if (c == '=' && j >= 2 && i + 4 == text.size()) {
        ++padding;
        value = 0;
      } else if (value < 0 || padding > 0) {
        return Error::DataLoss("{}: not base64 at offset {}", what, i + j);
      }
      group = (group << 6) | static_cast<std::uint32_t>(value);
    }
    bytes.push_back(static_cast<char>(group >> 16));
    if (padding < 2) {
      bytes.push_back(static_cast<char>((group >> 8) & 0xff));
    }
    if (padding < 1) {
      bytes.push_back(static_cast<char>(group & 0xff));
    }
  }
  return bytes;
}

// The request as the service takes it (docs/snos.md): the names of the upstream
// generate-pie input where there is one.
Result<json> RequestBody(const SnosRequest& request) {
  json body = {
      {"start_block", request.start_block},
      {"end_block", request.end_block},
      {"rpc_url", request.rpc_url},
      {"layout", request.layout},
      {"chain_config",
       {{"chain_id", request.chain.chain_id},
        {"strk_fee_token_address", request.chain.strk_fee_token_address.ToHex()},
        {"eth_fee_token_address", request.chain.eth_fee_token_address.ToHex()},
        {"is_l3", request.chain.is_l3}}},
      {"os_hints_config",
       {{"full_output", request.full_output},
        {"use_kzg_da", request.use_kzg_da},
        {"debug_mode", request.debug_mode}}},
      {"da_public_keys", json::array()},
  };
  for (const crypto::Felt& key : request.da_public_keys) {
    body["da_public_keys"].push_back(key.ToHex());
  }
  if (request.versioned_constants_path.has_value()) {
    const std::string& path = *request.versioned_constants_path;
    ORCH_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
    json constants = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (constants.is_discarded() || !constants.is_object()) {
      return Error::InvalidArgument("versioned constants {}: not a JSON object", path);
    }
    body["versioned_constants"] = std::move(constants);
  }
  return body;
}

}  // namespace

HttpSnosRunner::HttpSnosRunner(http::HttpClient& http, HttpSnosRunnerOptions options)
    : http_(http),
      options_(std::move(options)),
      run_url_(RunUrl(options_.base_url)),
      base_scrubber_(options_.base_url) {
  ORCH_CHECK(!options_.base_url.empty(), "HttpSnosRunnerOptions.base_url must be set");
  ORCH_CHECK(options_.timeout.count() > 0, "HttpSnosRunnerOptions.timeout must be positive");
  ORCH_CHECK(options_.max_error_bytes > 0,
             "HttpSnosRunnerOptions.max_error_bytes must be positive");
}

Result<SnosResult> HttpSnosRunner::Run(const SnosRequest& request) {
  ORCH_RETURN_IF_ERROR(ValidateSnosRequest(request));
  ORCH_RETURN_IF_ERROR(ValidateRpcUrl(request.rpc_url));
  const std::string context = fmt::format("SNOS sidecar {} for blocks {}..={}", Describe(),
                                          request.start_block, request.end_block);
  Result<json> body = RequestBody(request);
  if (!body.ok()) {
    return body.error().WithContext(context);
  }
  const http::UrlScrubber rpc_scrubber(request.rpc_url);
  const auto scrub = [&](std::string text) {
    return rpc_scrubber.Scrub(base_scrubber_.Scrub(std::move(text)));
  };
  Result<http::HttpResponse> response = http_.Send(http::HttpRequest{
      .method = "POST",
      .url = run_url_,
      .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
      // Replaces invalid UTF-8 instead of throwing; only the RPC URL could hold some.
      .body = body->dump(-1, ' ', false, json::error_handler_t::replace),
      .timeout = options_.timeout});
  if (!response.ok()) {
    const Error& error = response.error();
    return Error(error.code(), fmt::format("{}: {}", context, scrub(error.message())),
                 error.transient());
  }
  if (response->status < 200 || response->status >= 300) {
    return ErrorForStatus(*response, rpc_scrubber, context);
  }

  const json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object()) {
    return Error::DataLoss("{}: HTTP {} with a body that is not a JSON object", context,
                           response->status);
  }
  const auto pie = answer.find(kPieField);
  if (pie == answer.end() || !pie->is_string()) {
    return Error::DataLoss("{}: field {} is missing or not a string", context, kPieField);
  }
  SnosResult result;
  Result<std::string> zip = DecodeBase64(pie->get_ref<const std::string&>(), kPieField);
  if (!zip.ok()) {
    return zip.error().WithContext(context);
  }
  result.cairo_pie_zip = *std::move(zip);
  if (auto checked = CheckCairoPieZip(result.cairo_pie_zip, kPieField); !checked.ok()) {
    return checked.error().WithContext(context);
  }
  const auto os_output = answer.find(kOsOutputField);
  if (os_output == answer.end()) {
    return Error::DataLoss("{}: field {} is missing", context, kOsOutputField);
  }
  Result<std::vector<crypto::Felt>> felts = OsOutputFromJson(*os_output, kOsOutputField);
  if (!felts.ok()) {
    return felts.error().WithContext(context);
  }
  result.os_output = *std::move(felts);
  return result;
}

Error HttpSnosRunner::ErrorForStatus(const http::HttpResponse& response,
                                     const http::UrlScrubber& rpc_scrubber,
                                     std::string_view context) const {
  const int status = response.status;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const json* error_text = nullptr;
  const json* retryable = nullptr;
  if (body.is_object()) {
    if (const auto it = body.find("error"); it != body.end() && it->is_string()) {
      error_text = &*it;
    }
    if (const auto it = body.find("retryable"); it != body.end() && it->is_boolean()) {
      retryable = &*it;
    }
  }
  std::string quoted =
      TailForMessage(rpc_scrubber.Scrub(base_scrubber_.Scrub(
                         error_text != nullptr ? error_text->get<std::string>() : response.body)),
                     options_.max_error_bytes);
  if (quoted.empty()) {
    quoted = "(empty body)";
  }
  const std::string message = fmt::format("{}: HTTP {}: {}", context, status, quoted);
  if (error_text != nullptr && retryable != nullptr) {
    return retryable->get<bool>() ? Error::Unavailable("{}", message)
                                  : Error::FailedPrecondition("{}", message);
  }
  if (status == 408 || status == 429 || status >= 500) {
    return Error::Unavailable("{}", message);
  }
  if (status == 400 || status == 422) {
    return Error::InvalidArgument("{}", message);
  }
  return Error::FailedPrecondition("{}", message);
}

std::string HttpSnosRunner::Describe() const {
  const Result<Url> url = Url::Parse(options_.base_url);
  if (!url.ok()) {
    return "http:(unparseable URL)";
  }
  return url->port().has_value()
             ? fmt::format("http:{}://{}:{}", url->scheme(), url->host(), *url->port())
             : fmt::format("http:{}://{}", url->scheme(), url->host());
}

}  // namespace orch::snos
