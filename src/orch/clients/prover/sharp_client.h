#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "orch/clients/prover/prover_client.h"
#include "orch/clients/prover/prover_http.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"

namespace orch::prover {

struct SharpClientOptions {
  /// The gateway's URL with its prefix, e.g. https://host:port/v1/gateway; method names are
  /// appended as path segments.
  std::string url;
  /// Sent as the customer_id query parameter of every request.
  std::string customer_id;
  /// Per HTTP request, each attempt anew. Generous: add_job uploads the whole PIE.
  std::chrono::milliseconds request_timeout{120000};
  ProverRetryOptions retry;
};

/// ProverClient for StarkWare's SHARP gateway (protocols.md §2), child jobs only: each SNOS PIE
/// is sent with add_job as an off-chain proof that feeds an applicative (aggregator) job.
///
/// The gateway authenticates the client by mTLS: `http` must present the client certificate and
/// trust the gateway's self-signed certificate (CurlHttpClient with TlsOptions).
///
/// The dedup id (the SNOS fact) is the cairo_job_key and the task id. SubmitProof asks
/// get_status first and sends add_job only when SHARP does not know the key (status UNKNOWN).
/// Statuses: PROCESSED, ONCHAIN (older gateways) and IN_PROGRESS with validation_done are
/// kSucceeded; NOT_CREATED and other IN_PROGRESS are kProcessing; UNKNOWN is kFailed ("not
/// found"), INVALID and FAILED are kFailed with invalid_reason and error_log, whatever the
/// reason's value. The `fact` of GetStatus is not checked: a child's proof is off-chain, so its
/// fact is never registered (the aggregator's is, and that check belongs to its job).
///
/// Retries: transport failures and infrastructure answers (5xx, 429, a load balancer's page) on
/// the ProverRetryOptions schedule, then transient; other answers are judged at once.
///
/// Thread-safe (immutable after construction). `http` must outlive this object.
class SharpClient final : public ProverClient {
 public:
  SharpClient(http::HttpClient& http, SharpClientOptions options);

  // ProverClient
  std::string_view name() const override { return "sharp"; }
  Result<std::string> SubmitProof(const ProofRequest& request) override;
  Result<TaskStatus> GetStatus(std::string_view task_id,
                               const std::optional<std::string>& fact) override;
  /// get_proof, whose answer must be a JSON object.
  Result<std::string> GetProof(std::string_view task_id) override;
  /// Always kFailedPrecondition: SHARP cannot verify on an L2 (SHARP is L2-only).
  Result<std::string> SubmitL2Verification(std::string_view dedup_id, std::string_view proof_json,
                                           std::optional<std::uint64_t> n_steps) override;
  /// is_alive: a 2xx means alive (and the TLS handshake, client certificate included, worked);
  /// a connection failure names the mTLS files as a likely cause. One attempt, no retries: a
  /// preflight reports, the caller decides.
  Result<void> CheckReachable() override;

 private:
  // {url}/{method}?customer_id=…[&extra].
  std::string MethodUrl(std::string_view method, std::string_view extra_query) const;
  // get_status for `key`: the answer's JSON object.
  Result<nlohmann::json> FetchStatus(std::string_view key);

  const SharpClientOptions options_;
  const ProverHttp prover_http_;
};

}  // namespace orch::prover
