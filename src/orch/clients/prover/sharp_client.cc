#include "orch/clients/prover/sharp_client.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "orch/common/check.h"

namespace orch::prover {
namespace {

using nlohmann::json;

// What SHARP says when it does not know a key; also what a missing status means.
constexpr std::string_view kUnknownStatus = "UNKNOWN";

// Standard, padded base64. EVP_EncodeBlock takes an int length, so long inputs go in chunks
// whose length is a multiple of 3 (no padding inside the output).
std::string Base64(std::string_view bytes) {
  constexpr std::size_t kChunk = 3 * (1 << 20);
  std::string encoded((bytes.size() + 2) / 3 * 4 + 1, '\0');
  std::size_t written = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    const std::size_t length = std::min(kChunk, bytes.size() - offset);
    written += static_cast<std::size_t>(EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(encoded.data() + written),
        reinterpret_cast<const unsigned char*>(bytes.data() + offset), static_cast<int>(length)));
  }
  encoded.resize(written);
  return encoded;
}

// The optional string `field` of `object`, empty when absent or null.
Result<std::string> OptionalString(std::string_view what, const json& object,
                                   std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    return std::string();
  }
  if (!it->is_string()) {
    return Error::DataLoss("{}: malformed answer: field '{}' is not a string", what, field);
  }
  return it->get<std::string>();
}

// protocols.md §2.2, child jobs.
Result<TaskStatus> MapChildStatus(std::string_view what, std::string_view key, const json& answer) {
  ORCH_ASSIGN_OR_RETURN(std::string status, OptionalString(what, answer, "status"));
  if (status.empty()) {
    status = kUnknownStatus;
  }
  if (status == "PROCESSED" || status == "ONCHAIN") {
    return TaskStatus::Succeeded();
  }
  if (status == "IN_PROGRESS") {
    // Validated children are done as far as the applicative job is concerned: it may be sent.
    const auto validated = answer.find("validation_done");
    const bool done =
        validated != answer.end() && validated->is_boolean() && validated->get<bool>();
    return done ? TaskStatus::Succeeded() : TaskStatus::Processing();
  }
  if (status == "NOT_CREATED") {
    return TaskStatus::Processing();
  }
  if (status == kUnknownStatus) {
    return TaskStatus::Failed(
        fmt::format("SHARP does not know cairo job key {} (status UNKNOWN)", key));
  }
  if (status == "INVALID" || status == "FAILED") {
    ORCH_ASSIGN_OR_RETURN(const std::string invalid_reason,
                          OptionalString(what, answer, "invalid_reason"));
    ORCH_ASSIGN_OR_RETURN(const std::string error_log, OptionalString(what, answer, "error_log"));
    std::string reason = status;
    if (!invalid_reason.empty()) {
      reason += fmt::format(" ({})", invalid_reason);
    }
    if (!error_log.empty()) {
      reason += fmt::format(": {}", error_log);
    }
    return TaskStatus::Failed(std::move(reason));
  }
  return Error::DataLoss("{}: malformed answer: unknown status '{}'", what,
                         TruncateForMessage(status));
}

}  // namespace

SharpClient::SharpClient(http::HttpClient& http, SharpClientOptions options)
    : options_(std::move(options)), prover_http_(http, options_.retry, /*secret=*/"") {
  ORCH_CHECK(options_.request_timeout.count() > 0,
             "SharpClientOptions.request_timeout must be positive");
  ORCH_CHECK(options_.retry.base.count() > 0, "SharpClientOptions.retry.base must be positive");
}

std::string SharpClient::MethodUrl(std::string_view method, std::string_view extra_query) const {
  std::string url = JoinUrl(
      options_.url, fmt::format("/{}?customer_id={}", method, PercentEncode(options_.customer_id)));
  if (!extra_query.empty()) {
    url += fmt::format("&{}", extra_query);
  }
  return url;
}

Result<json> SharpClient::FetchStatus(std::string_view key) {
  const std::string what = fmt::format("sharp: get_status of {}", key);
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{.method = "GET",
                            .url = MethodUrl("get_status", "cairo_job_key=" + PercentEncode(key)),
                            .headers = {},
                            .body = {},
                            .timeout = options_.request_timeout},
          what));
  return ParseJsonObject(what, response.body);
}

Result<std::string> SharpClient::SubmitProof(const ProofRequest& request) {
  const std::string& key = request.dedup_id;
  if (key.empty()) {
    return Error::InvalidArgument("sharp: a proof request needs a dedup id (the SNOS fact)");
  }
  ORCH_ASSIGN_OR_RETURN(const json known, FetchStatus(key));
  ORCH_ASSIGN_OR_RETURN(const std::string status,
                        OptionalString("sharp: get_status", known, "status"));
  if (!status.empty() && status != kUnknownStatus) {
    spdlog::info("sharp: cairo job key {} is known (status {}); not sent again", key, status);
    return key;
  }
  const std::string what = fmt::format("sharp: add_job of {}", key);
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{
              .method = "POST",
              .url = MethodUrl("add_job",
                               fmt::format("cairo_job_key={}&offchain_proof=true&"
                                           "for_applicative=true&program_hash_function=PEDERSEN",
                                           PercentEncode(key))),
              .headers = {{"Content-Type", "application/json"}},
              .body = json{{"cairo_pie_encoded", Base64(request.cairo_pie_zip)}}.dump(),
              .timeout = options_.request_timeout},
          what));
  ORCH_ASSIGN_OR_RETURN(const json answer, ParseJsonObject(what, response.body));
  ORCH_ASSIGN_OR_RETURN(const std::string code, OptionalString(what, answer, "code"));
  if (code != "JOB_RECEIVED_SUCCESSFULLY") {
    ORCH_ASSIGN_OR_RETURN(const std::string message, OptionalString(what, answer, "message"));
    return Error::InvalidArgument("{}: refused with code '{}': {}", what, TruncateForMessage(code),
                                  TruncateForMessage(message));
  }
  return key;
}

Result<TaskStatus> SharpClient::GetStatus(std::string_view task_id,
                                          const std::optional<std::string>& /*fact*/) {
  if (task_id.empty()) {
    return Error::InvalidArgument("sharp: GetStatus needs a cairo job key");
  }
  ORCH_ASSIGN_OR_RETURN(const json answer, FetchStatus(task_id));
  return MapChildStatus(fmt::format("sharp: get_status of {}", task_id), task_id, answer);
}

Result<std::string> SharpClient::GetProof(std::string_view task_id) {
  if (task_id.empty()) {
    return Error::InvalidArgument("sharp: GetProof needs a cairo job key");
  }
  const std::string what = fmt::format("sharp: get_proof of {}", task_id);
  ORCH_ASSIGN_OR_RETURN(
      http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{
              .method = "GET",
              .url = MethodUrl("get_proof", "cairo_job_key=" + PercentEncode(task_id)),
              .headers = {},
              .body = {},
              .timeout = options_.request_timeout},
          what));
  ORCH_RETURN_IF_ERROR(ParseJsonObject(what, response.body));
  return std::move(response.body);
}

Result<std::string> SharpClient::SubmitL2Verification(std::string_view /*dedup_id*/,
                                                      std::string_view /*proof_json*/,
                                                      std::optional<std::uint64_t> /*n_steps*/) {
  return Error::FailedPrecondition(
      "sharp: SHARP cannot verify proofs on an L2 (settlement on Starknet needs Atlantic)");
}

Result<void> SharpClient::CheckReachable() {
  constexpr std::string_view kWhat = "sharp: is_alive";
  auto response = prover_http_.Send(http::HttpRequest{.method = "GET",
                                                      .url = MethodUrl("is_alive", ""),
                                                      .headers = {},
                                                      .body = {},
                                                      .timeout = options_.request_timeout},
                                    kWhat, /*retry=*/false);
  if (!response.ok() && response.error().code() == ErrorCode::kUnavailable) {
    // With TLS 1.3 a gateway that refuses our certificate just closes the connection after
    // the handshake, which libcurl reports as a failed send: name the likely cause.
    const Error& error = response.error();
    return Error(error.code(),
                 fmt::format("{} (if the gateway is up, check the mTLS files: our client "
                             "certificate and key, and the gateway's certificate)",
                             error.message()),
                 error.transient());
  }
  ORCH_RETURN_IF_ERROR(response);
  if (!IsSuccess(response->status)) {
    return prover_http_.Refused(kWhat, *response);
  }
  return Ok();
}

}  // namespace orch::prover
