#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "orch/common/result.h"
#include "orch/job/job.h"

namespace orch::engine {

/// How the engine retries and times out one job type.
struct HandlerLimits {
  /// Process attempts allowed when verification rejects the work (then Failed).
  std::uint64_t max_process_attempts = 1;
  /// Verification polls before a still-pending job becomes VerificationTimeout.
  std::uint64_t max_verification_attempts = 10;
  /// Delay between verification polls (and before the first).
  std::chrono::milliseconds verification_polling_delay{std::chrono::seconds(60)};
  /// Transient processing errors: retried after base * 2^(n-1), at most cap, up to max_attempts
  /// tries in all; then the job fails.
  std::chrono::milliseconds retry_base{std::chrono::seconds(1)};
  std::chrono::milliseconds retry_cap{std::chrono::seconds(60)};
  std::uint64_t retry_max_attempts = 5;
  /// How long a processing claim lasts; a holder that has not finished by then is presumed
  /// dead and the job is handed to another worker.
  std::chrono::milliseconds lease_duration{std::chrono::seconds(300)};
  /// How many consecutive blocks one job may cover (StateTransition settles a range of blocks
  /// when its handler can; every other job covers one block).
  std::uint64_t max_blocks_per_job = 1;
};

/// Operator settings that replace a handler's defaults (flags of `orchestrator run`); unset
/// fields keep the handler's value.
struct LimitOverrides {
  std::optional<std::chrono::milliseconds> lease_duration;
  std::optional<std::chrono::milliseconds> retry_base;
  std::optional<std::chrono::milliseconds> retry_cap;
  std::optional<std::uint64_t> retry_max_attempts;

  bool operator==(const LimitOverrides&) const = default;
};

/// `limits` with the set fields of `overrides` in place of its own.
HandlerLimits ApplyOverrides(HandlerLimits limits, const LimitOverrides& overrides);

/// What verification found.
struct Verification {
  enum class Outcome { kVerified, kPending, kRejected };
  Outcome outcome = Outcome::kPending;
  std::string reason;  // for kRejected

  static Verification Verified() { return {Outcome::kVerified, ""}; }
  static Verification Pending() { return {Outcome::kPending, ""}; }
  static Verification Rejected(std::string why) { return {Outcome::kRejected, std::move(why)}; }
};

/// The work of one job type: the part of the lifecycle that talks to the outside world. The
/// engine owns the lifecycle (statuses, leases, retries, queues); a handler only builds the
/// metadata of new jobs and performs and checks the external side effect.
///
/// Contract:
///  - Process and Verify are idempotent: the engine may call them more than once for the same
///    job (after a crash, a lost lease, or an at-least-once redelivery). A handler makes its
///    side effect safe to repeat (dedup keys, checking state before sending).
///  - Errors say whether a retry may help (Error::transient()): transient errors are retried
///    with backoff, permanent ones fail the job at once.
///  - Handlers may change `job.metadata.specific` (e.g. record a fact or a transaction hash);
///    the engine stores it with the status change.
/// Implementations are thread-safe: several workers call one handler concurrently.
class JobHandler {
 public:
  virtual ~JobHandler() = default;

  virtual job::JobType type() const = 0;
  virtual HandlerLimits limits() const = 0;

  /// The type-specific metadata of a new job for `internal_id` (storage keys etc.).
  virtual Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) = 0;

  /// The metadata of a new job covering blocks internal_id..=last_block, for handlers whose
  /// limits allow more than one block per job. The default covers one block (CreateMetadata)
  /// and refuses a longer range with kInvalidArgument.
  virtual Result<job::SpecificMetadata> CreateMetadataForBlocks(std::uint64_t internal_id,
                                                                std::uint64_t last_block);

  /// Performs the job's side effect; returns its external id (e.g. a prover task id).
  virtual Result<job::ExternalId> Process(job::Job& job) = 0;

  /// Checks whether the side effect took hold.
  virtual Result<Verification> Verify(job::Job& job) = 0;
};

}  // namespace orch::engine
