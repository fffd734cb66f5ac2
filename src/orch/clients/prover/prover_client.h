#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/result.h"

// Provers as the proving handlers see them (protocols.md §1–§3, upstream-behaviour.md §13.3):
// Atlantic, SHARP and the mock prover implement one interface.
namespace orch::prover {

/// A child proof of one SNOS run's Cairo PIE.
struct ProofRequest {
  /// Makes submission idempotent: a second submission with the same id returns the first task.
  /// Atlantic: the ProofCreation job's id; SHARP and mock: the SNOS fact (0x-hex).
  std::string dedup_id;
  std::string cairo_pie_zip;
  /// From the PIE's execution resources; Atlantic sizes the job by it (S/M/L).
  std::optional<std::uint64_t> n_steps;
};

struct TaskStatus {
  enum class State { kProcessing, kSucceeded, kFailed };
  State state = State::kProcessing;
  std::string failure_reason;  // for kFailed, in the prover's words

  static TaskStatus Processing() { return {State::kProcessing, ""}; }
  static TaskStatus Succeeded() { return {State::kSucceeded, ""}; }
  static TaskStatus Failed(std::string why) { return {State::kFailed, std::move(why)}; }
};

/// A prover service.
/// Errors: transient (kUnavailable, kTimeout) for network failures and infrastructure answers
/// (5xx, a load balancer's HTML or bare 404), after the client's own bounded retries;
/// permanent otherwise (kInvalidArgument for a request the prover refuses, kDataLoss for an
/// answer that does not parse, kFailedPrecondition for an operation this prover does not offer).
/// Messages never contain API keys, client keys or URLs with credentials.
/// Implementations are thread-safe.
class ProverClient {
 public:
  virtual ~ProverClient() = default;

  /// "atlantic", "sharp" or "mock".
  virtual std::string_view name() const = 0;

  /// Submits the PIE for proving, unless a task with the same dedup id exists and has not
  /// failed (then that task's id is returned and nothing is sent). Returns the task id.
  virtual Result<std::string> SubmitProof(const ProofRequest& request) = 0;

  /// The task's state. With `fact` (0x-hex, 32 bytes) and an on-chain check configured, a
  /// finished task counts as kSucceeded only once the fact is valid on the verifier contract
  /// (kProcessing until then).
  virtual Result<TaskStatus> GetStatus(std::string_view task_id,
                                       const std::optional<std::string>& fact) = 0;

  /// The proof of a finished task (the prover's proof JSON, as text).
  /// Errors: kFailedPrecondition for a prover that produces no proof (mock).
  virtual Result<std::string> GetProof(std::string_view task_id) = 0;

  /// L3 only: has `proof_json` verified on the L2 (Atlantic's L2-verification query), deduped
  /// by `dedup_id`. Returns the task id, polled with GetStatus like a proof task.
  /// Errors: kFailedPrecondition for provers that cannot (SHARP, mock).
  virtual Result<std::string> SubmitL2Verification(std::string_view dedup_id,
                                                   std::string_view proof_json,
                                                   std::optional<std::uint64_t> n_steps) = 0;

  /// Startup preflight: whether the service answers (and accepts our credentials where it can
  /// tell). Errors: as above, with one line saying what failed.
  virtual Result<void> CheckReachable() = 0;
};

}  // namespace orch::prover
