#include "orch/clients/prover/atlantic_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "orch/common/check.h"
#include "orch/crypto/u256.h"

namespace orch::prover {
namespace {

using nlohmann::json;

// Atlantic sizes jobs by millions of steps; a PIE without execution resources counts as 40 M.
constexpr std::uint64_t kDefaultSteps = 40'000'000;
constexpr std::uint64_t kLargestSmallJob = 12;   // millions of steps
constexpr std::uint64_t kLargestMediumJob = 29;  // millions of steps

// Looked up by CheckReachable; no query carries it, so the answer is a 404 when all is well.
constexpr std::string_view kPreflightDedupId = "madara-orchestrator-preflight";

constexpr std::string_view kApiKeyHeader = "api-key";

std::string_view ToWire(AtlanticNetwork network) {
  return network == AtlanticNetwork::kMainnet ? "MAINNET" : "TESTNET";
}
std::string_view ToWire(AtlanticCairoVm vm) {
  return vm == AtlanticCairoVm::kRust ? "rust" : "python";
}
std::string_view ToWire(AtlanticSharpProver prover) {
  return prover == AtlanticSharpProver::kStone ? "stone" : "stwo";
}

Result<std::string> StringField(std::string_view what, const json& object, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Error::DataLoss("{}: malformed answer: field '{}' is missing or not a string", what,
                           field);
  }
  return it->get<std::string>();
}

Result<json> QueryObject(std::string_view what, const std::string& body) {
  ORCH_ASSIGN_OR_RETURN(json answer, ParseJsonObject(what, body));
  const auto query = answer.find("atlanticQuery");
  if (query == answer.end() || !query->is_object()) {
    return Error::DataLoss(
        "{}: malformed answer: field 'atlanticQuery' is missing or not an object", what);
  }
  return std::move(*query);
}

}  // namespace

AtlanticClient::AtlanticClient(http::HttpClient& http, AtlanticClientOptions options)
    : options_(std::move(options)), prover_http_(http, options_.retry, options_.api_key) {
  ORCH_CHECK(options_.request_timeout.count() > 0,
             "AtlanticClientOptions.request_timeout must be positive");
  ORCH_CHECK(options_.retry.base.count() > 0, "AtlanticClientOptions.retry.base must be positive");
}

std::string_view AtlanticClient::DeclaredJobSize(std::optional<std::uint64_t> n_steps) {
  const std::uint64_t millions = n_steps.value_or(kDefaultSteps) / 1'000'000;
  if (millions <= kLargestSmallJob) {
    return "S";
  }
  return millions <= kLargestMediumJob ? "M" : "L";
}

Result<std::optional<std::string>> AtlanticClient::FindReusableQuery(std::string_view dedup_id) {
  constexpr std::string_view kWhat = "atlantic: GET /atlantic-query-by-dedup-id";
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.Send(
          http::HttpRequest{
              .method = "GET",
              .url = JoinUrl(options_.service_url,
                             "/atlantic-query-by-dedup-id?dedupId=" + PercentEncode(dedup_id)),
              .headers = {{std::string(kApiKeyHeader), options_.api_key}},
              .body = {},
              .timeout = options_.request_timeout},
          kWhat, /*retry=*/false));
  // A load balancer's 404 comes back from Send as a failure; this one is Atlantic's own "no
  // such query".
  if (response.status == 404) {
    return std::optional<std::string>();
  }
  if (!IsSuccess(response.status)) {
    return prover_http_.Refused(kWhat, response);
  }
  ORCH_ASSIGN_OR_RETURN(const json query, QueryObject(kWhat, response.body));
  ORCH_ASSIGN_OR_RETURN(std::string id, StringField(kWhat, query, "id"));
  ORCH_ASSIGN_OR_RETURN(const std::string status, StringField(kWhat, query, "status"));
  if (status == "FAILED") {
    spdlog::info("atlantic: query {} of dedup id {} failed; submitting again", id, dedup_id);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(id));
}

Result<std::string> AtlanticClient::PostQuery(const MultipartForm& form) {
  constexpr std::string_view kWhat = "atlantic: POST /atlantic-query";
  MultipartForm::Encoded encoded = form.Encode();
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{.method = "POST",
                            .url = JoinUrl(options_.service_url, "/atlantic-query"),
                            .headers = {{std::string(kApiKeyHeader), options_.api_key},
                                        {"Content-Type", encoded.content_type},
                                        {"Accept", "application/json"}},
                            .body = std::move(encoded.body),
                            .timeout = options_.request_timeout},
          kWhat, /*retry=*/false));
  ORCH_ASSIGN_OR_RETURN(const json answer, ParseJsonObject(kWhat, response.body));
  return StringField(kWhat, answer, "atlanticQueryId");
}

Result<std::string> AtlanticClient::SubmitQuery(std::string_view dedup_id,
                                                const MultipartForm& form) {
  // A submission whose answer is lost (a timeout, a reset, a gateway's 502 or 504) may still
  // have created the query: each attempt looks the dedup id up before posting, so that one
  // dedup id never makes two queries (which Atlantic would prove, and charge, twice).
  return prover_http_.Retry([&]() -> Result<std::string> {
    ORCH_ASSIGN_OR_RETURN(std::optional<std::string> existing, FindReusableQuery(dedup_id));
    if (existing.has_value()) {
      return std::move(*existing);
    }
    return PostQuery(form);
  });
}

Result<std::string> AtlanticClient::SubmitProof(const ProofRequest& request) {
  if (request.dedup_id.empty()) {
    return Error::InvalidArgument("atlantic: a proof request needs a dedup id");
  }
  // The field order is upstream's (protocols.md §1.3).
  MultipartForm form;
  form.AddField("declaredJobSize", std::string(DeclaredJobSize(request.n_steps)));
  form.AddField("result", options_.result_step);
  form.AddField("network", std::string(ToWire(options_.network)));
  form.AddField("cairoVersion", "cairo0");
  form.AddField("cairoVm", std::string(ToWire(options_.cairo_vm)));
  form.AddField("sharpProver", std::string(ToWire(options_.sharp_prover)));
  form.AddField("dedupId", request.dedup_id);
  form.AddFile("pieFile", "pie.zip", "application/zip", request.cairo_pie_zip);
  if (options_.settlement_layer == AtlanticSettlementLayer::kStarknet) {
    form.AddField("result", "PROOF_GENERATION");
    form.AddField("layout", options_.prover_layout);
  }
  form.AddField("mockFactHash", options_.mock_fact_hash ? "true" : "false");
  return SubmitQuery(request.dedup_id, form);
}

Result<TaskStatus> AtlanticClient::GetStatus(std::string_view task_id,
                                             const std::optional<std::string>& fact) {
  if (task_id.empty()) {
    return Error::InvalidArgument("atlantic: GetStatus needs a query id");
  }
  const std::string what = fmt::format("atlantic: GET /atlantic-query/{}", task_id);
  // No api-key: the status route is public, and the key should travel no further than needed.
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{
              .method = "GET",
              .url = JoinUrl(options_.service_url, "/atlantic-query/" + PercentEncode(task_id)),
              .headers = {},
              .body = {},
              .timeout = options_.request_timeout},
          what));
  ORCH_ASSIGN_OR_RETURN(const json query, QueryObject(what, response.body));
  ORCH_ASSIGN_OR_RETURN(const std::string status, StringField(what, query, "status"));
  if (status == "RECEIVED" || status == "IN_PROGRESS") {
    return TaskStatus::Processing();
  }
  if (status == "FAILED") {
    const auto reason = query.find("errorReason");
    return TaskStatus::Failed(reason != query.end() && reason->is_string()
                                  ? reason->get<std::string>()
                                  : "Atlantic gave no reason");
  }
  if (status != "DONE") {
    return Error::DataLoss("{}: malformed answer: unknown status '{}'", what,
                           TruncateForMessage(status));
  }
  if (!fact.has_value() || options_.fact_registry == nullptr || options_.mock_fact_hash) {
    return TaskStatus::Succeeded();
  }
  auto fact_word = crypto::U256::FromHex(*fact);
  if (!fact_word.ok()) {
    return Error::InvalidArgument("atlantic: the fact to check, '{}', is not 32-byte hex: {}",
                                  TruncateForMessage(*fact), fact_word.error().message());
  }
  auto valid = options_.fact_registry->IsValid(*fact_word);
  if (!valid.ok()) {
    return valid.error().WithContext(
        fmt::format("atlantic: query {}: isValid({})", task_id, *fact));
  }
  // Atlantic is done, but the fact lands on chain with a delay: keep polling until it does.
  return *valid ? TaskStatus::Succeeded() : TaskStatus::Processing();
}

Result<std::string> AtlanticClient::GetProof(std::string_view task_id) {
  if (task_id.empty()) {
    return Error::InvalidArgument("atlantic: GetProof needs a query id");
  }
  const std::string what = fmt::format("atlantic: GET artifact queries/{}/proof.json", task_id);
  ORCH_ASSIGN_OR_RETURN(
      http::HttpResponse response,
      prover_http_.SendExpectingSuccess(
          http::HttpRequest{.method = "GET",
                            .url = JoinUrl(options_.artifacts_base_url,
                                           "/queries/" + PercentEncode(task_id) + "/proof.json"),
                            .headers = {},
                            .body = {},
                            .timeout = options_.request_timeout},
          what));
  ORCH_RETURN_IF_ERROR(ParseJsonObject(what, response.body));
  return std::move(response.body);
}

Result<std::string> AtlanticClient::SubmitL2Verification(std::string_view dedup_id,
                                                         std::string_view proof_json,
                                                         std::optional<std::uint64_t> n_steps) {
  if (options_.cairo_verifier_program_hash.empty()) {
    return Error::FailedPrecondition(
        "atlantic: L2 verification needs the Cairo verifier's program hash, which is not "
        "configured");
  }
  if (dedup_id.empty()) {
    return Error::InvalidArgument("atlantic: an L2 verification needs a dedup id");
  }
  if (!json::parse(proof_json, nullptr, /*allow_exceptions=*/false).is_object()) {
    return Error::InvalidArgument("atlantic: the proof to verify on L2 is not a JSON object");
  }
  // Upstream's fields and order (protocols.md §1.4), plus the dedup id that makes the
  // submission idempotent like a proof's.
  MultipartForm form;
  form.AddFile("inputFile", "proof.json", "application/json",
               fmt::format("{{\n\t\"proof\": {}\n}}", proof_json));
  form.AddField("programHash", options_.cairo_verifier_program_hash);
  form.AddField("layout", "recursive_with_poseidon");
  form.AddField("declaredJobSize", std::string(DeclaredJobSize(n_steps)));
  form.AddField("network", std::string(ToWire(options_.network)));
  form.AddField("result", "PROOF_VERIFICATION_ON_L2");
  form.AddField("cairoVm", "python");
  form.AddField("cairoVersion", "cairo0");
  form.AddField("sharpProver", std::string(ToWire(options_.sharp_prover)));
  form.AddField("dedupId", std::string(dedup_id));
  form.AddField("mockFactHash", options_.mock_fact_hash ? "true" : "false");
  return SubmitQuery(dedup_id, form);
}

Result<void> AtlanticClient::CheckReachable() {
  constexpr std::string_view kWhat = "atlantic: GET /atlantic-query-by-dedup-id (preflight)";
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      prover_http_.Send(
          http::HttpRequest{
              .method = "GET",
              .url = JoinUrl(options_.service_url, "/atlantic-query-by-dedup-id?dedupId=" +
                                                       std::string(kPreflightDedupId)),
              .headers = {{std::string(kApiKeyHeader), options_.api_key}},
              .body = {},
              .timeout = options_.request_timeout},
          kWhat, /*retry=*/false));
  if (IsSuccess(response.status) || response.status == 404) {
    return Ok();
  }
  if (response.status == 401 || response.status == 403) {
    return Error::InvalidArgument("{}: the API key was refused (HTTP {})", kWhat, response.status);
  }
  return prover_http_.Refused(kWhat, response);
}

}  // namespace orch::prover
