#pragma once

#include <cstdint>
#include <string>

#include "orch/clients/prover/prover_client.h"
#include "orch/engine/job_handler.h"
#include "orch/objects/object_store.h"
#include "orch/store/job_store.h"

namespace orch::handlers {

/// What a prover wants as the idempotency key of a submission (protocols.md §1.7, §2.2).
enum class ProverDedupKey {
  kJobId,     // Atlantic: the proving job's id
  kSnosFact,  // SHARP and mock: the SNOS fact (a deterministic job key)
};

struct ProofCreationOptions {
  ProverDedupKey dedup_key = ProverDedupKey::kJobId;
  /// Store the proof at `<block>/proof.json` once proven (--store-audit-artifacts; always on L3,
  /// where ProofRegistration reads it).
  bool download_proof = false;
  /// Poll every 30 s, 900 times (7.5 h), as the reference.
  engine::HandlerLimits limits{.max_process_attempts = 1,
                               .max_verification_attempts = 900,
                               .verification_polling_delay = std::chrono::seconds(30)};
};

/// ProofCreation for one block: submits the block's Cairo PIE (from its SnosRun job) to the
/// prover and polls it. The metadata carries the SNOS fact as `ensure_on_chain_registration`:
/// provers that register facts on L1 report success only once the fact is valid there, so that
/// the StateTransition that follows does not revert for want of a proof.
///
/// CreateMetadata reads the block's SnosRun job (its PIE key, fact and n_steps); it fails
/// (kFailedPrecondition) if that job has no fact yet. Process submits idempotently (the
/// prover dedups on the job id or the fact), so a retried Process never proves twice.
/// Verify: Processing → Pending, Failed → Rejected with the prover's reason (the engine
/// resubmits up to max_process_attempts), Succeeded → Verified, after storing the proof when
/// asked to.
/// Thread-safe when its collaborators are.
class ProofCreationHandler final : public engine::JobHandler {
 public:
  ProofCreationHandler(prover::ProverClient& prover, store::JobStore& jobs,
                       objects::ObjectStore& store, ProofCreationOptions options);

  job::JobType type() const override;
  engine::HandlerLimits limits() const override;
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override;
  Result<job::ExternalId> Process(job::Job& job) override;
  Result<engine::Verification> Verify(job::Job& job) override;

  static std::string ProofKey(std::uint64_t block_number);

 private:
  prover::ProverClient& prover_;
  store::JobStore& jobs_;
  objects::ObjectStore& store_;
  const ProofCreationOptions options_;
};

struct ProofRegistrationOptions {
  /// Poll every 300 s, 300 times (25 h), as the reference.
  engine::HandlerLimits limits{.max_process_attempts = 2,
                               .max_verification_attempts = 300,
                               .verification_polling_delay = std::chrono::seconds(300)};
};

/// ProofRegistration (L3) for one block: has the block's proof (`<block>/proof.json`, stored by
/// ProofCreation) verified on the settlement L2 by the prover (Atlantic's L2-verification
/// query, deduped by the job id) and stores the second, "layout bridge" proof at
/// `<block>/proof_part2.json`. Verify as ProofCreation's.
/// Thread-safe when its collaborators are.
class ProofRegistrationHandler final : public engine::JobHandler {
 public:
  ProofRegistrationHandler(prover::ProverClient& prover, store::JobStore& jobs,
                           objects::ObjectStore& store, ProofRegistrationOptions options = {});

  job::JobType type() const override;
  engine::HandlerLimits limits() const override;
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override;
  Result<job::ExternalId> Process(job::Job& job) override;
  Result<engine::Verification> Verify(job::Job& job) override;

  static std::string BridgeProofKey(std::uint64_t block_number);

 private:
  prover::ProverClient& prover_;
  store::JobStore& jobs_;
  objects::ObjectStore& store_;
  const ProofRegistrationOptions options_;
};

}  // namespace orch::handlers
