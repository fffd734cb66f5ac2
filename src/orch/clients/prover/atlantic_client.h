#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orch/clients/prover/fact_registry.h"
#include "orch/clients/prover/multipart_form.h"
#include "orch/clients/prover/prover_client.h"
#include "orch/clients/prover/prover_http.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"

namespace orch::prover {

enum class AtlanticNetwork { kMainnet, kTestnet };
enum class AtlanticCairoVm { kRust, kPython };
enum class AtlanticSharpProver { kStone, kStwo };
/// Where the proven blocks settle: on Starknet (L3) Atlantic is told the layout and the step
/// explicitly; on Ethereum it detects the layout itself.
enum class AtlanticSettlementLayer { kEthereum, kStarknet };

struct AtlanticClientOptions {
  std::string service_url = "https://atlantic.api.herodotus.cloud";
  /// Sent as the `api-key` header on the calls that need it; never in a message or log line.
  std::string api_key;
  /// Public storage of the queries' artifacts (proof.json); plain GET, no key.
  std::string artifacts_base_url = "https://storage.googleapis.com/hero-atlantic-bucket";
  AtlanticNetwork network = AtlanticNetwork::kTestnet;
  AtlanticCairoVm cairo_vm = AtlanticCairoVm::kRust;
  AtlanticSharpProver sharp_prover = AtlanticSharpProver::kStone;
  /// The wire form (SCREAMING_SNAKE), e.g. PROOF_GENERATION or PROOF_VERIFICATION_ON_L1.
  std::string result_step = "PROOF_GENERATION";
  AtlanticSettlementLayer settlement_layer = AtlanticSettlementLayer::kEthereum;
  /// Sent (with settlement layer starknet only) as the proof task's `layout`.
  std::string prover_layout = "dynamic";
  /// Atlantic then mocks the facts: sent as mockFactHash on every submission, and no fact is
  /// checked on chain.
  bool mock_fact_hash = false;
  /// The Cairo 0 verifier's program hash, for L2-verification queries (L3 only); empty: they
  /// are refused with kFailedPrecondition.
  std::string cairo_verifier_program_hash;
  /// Per HTTP request, each attempt anew. Generous: a submission uploads the whole PIE.
  std::chrono::milliseconds request_timeout{120000};
  ProverRetryOptions retry;
  /// Where GetStatus checks a finished task's fact; null: no check (no verifier to ask, or
  /// settlement on Starknet, where upstream's check is a stub that says yes). Not owned; must
  /// outlive the client.
  FactRegistry* fact_registry = nullptr;
};

/// ProverClient for Herodotus' Atlantic (protocols.md §1).
///
/// Submissions are idempotent through Atlantic's dedup ids: SubmitProof and
/// SubmitL2Verification first look the dedup id up and reuse a query that has not failed;
/// otherwise they post a new multipart query carrying the dedup id (so an L2 verification needs
/// a dedup id of its own, not its proof's). Only Atlantic's own 404 means "no such query": a
/// load balancer's is retried, where upstream would take it as not found and submit a
/// duplicate.
///
/// Statuses: RECEIVED and IN_PROGRESS are kProcessing, FAILED is kFailed with Atlantic's
/// errorReason, DONE is kSucceeded, once the fact (when given) is valid on the fact registry,
/// unless mock_fact_hash.
///
/// Every call retries transport failures and infrastructure answers (5xx, 429, a load
/// balancer's 404 or HTML page) on the ProverRetryOptions schedule, then fails transient. A
/// submission is retried as a whole, dedup lookup first: its POST may have created the query
/// even though the answer was lost, and posting it again would make a second query.
/// (Upstream fails at once on a 5xx with a JSON body; the ProverClient contract makes every
/// 5xx transient.) Atlantic's own refusals (a 4xx with a JSON body) are permanent
/// kInvalidArgument with its message; an answer that does not parse, or lacks what it must
/// carry, is kDataLoss.
///
/// Thread-safe (immutable after construction; the HTTP client and fact registry are
/// thread-safe). `http` must outlive this object.
class AtlanticClient final : public ProverClient {
 public:
  AtlanticClient(http::HttpClient& http, AtlanticClientOptions options);

  // ProverClient
  std::string_view name() const override { return "atlantic"; }
  Result<std::string> SubmitProof(const ProofRequest& request) override;
  Result<TaskStatus> GetStatus(std::string_view task_id,
                               const std::optional<std::string>& fact) override;
  /// {artifacts_base_url}/queries/{id}/proof.json, which must be a JSON object.
  Result<std::string> GetProof(std::string_view task_id) override;
  Result<std::string> SubmitL2Verification(std::string_view dedup_id, std::string_view proof_json,
                                           std::optional<std::uint64_t> n_steps) override;
  /// Atlantic has no health route (only its mock server has /is-alive), so this looks up a
  /// dedup id that never exists: 200 or 404 mean reachable with the key accepted, 401 or 403
  /// that the key was refused. One attempt, no retries: a preflight reports, the caller decides.
  Result<void> CheckReachable() override;

  /// S, M or L for a job of `n_steps` steps (40 M when unknown), as Atlantic sizes jobs.
  static std::string_view DeclaredJobSize(std::optional<std::uint64_t> n_steps);

 private:
  // The id of the query with this dedup id unless there is none or it failed. One attempt.
  Result<std::optional<std::string>> FindReusableQuery(std::string_view dedup_id);
  // POST /atlantic-query with `form`: the new query's id. One attempt.
  Result<std::string> PostQuery(const MultipartForm& form);
  // The reusable query of `dedup_id`, else a new one from `form`; retried as a whole.
  Result<std::string> SubmitQuery(std::string_view dedup_id, const MultipartForm& form);

  const AtlanticClientOptions options_;
  const ProverHttp prover_http_;
};

}  // namespace orch::prover
