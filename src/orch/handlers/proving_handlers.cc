#include "orch/handlers/proving_handlers.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace orch::handlers {
namespace {

job::ProvingMetadata* ProvingMetadataOf(job::Job& job) {
  return std::get_if<job::ProvingMetadata>(&job.metadata.specific);
}

// The completed predecessor of `type`'s job for `block`, with its metadata of type `Metadata`.
template <typename Metadata>
Result<Metadata> PredecessorMetadata(store::JobStore& jobs, job::JobType type,
                                     std::uint64_t block) {
  ORCH_ASSIGN_OR_RETURN(const std::optional<job::Job> found, jobs.FindJob(type, block));
  if (!found) {
    return Error::FailedPrecondition("block {} has no {} job", block, job::ToString(type));
  }
  const Metadata* metadata = std::get_if<Metadata>(&found->metadata.specific);
  if (metadata == nullptr) {
    return Error::DataLoss("the {} job of block {} has metadata of another type",
                           job::ToString(type), block);
  }
  return *metadata;
}

// Shared by both proving stages: the prover's state, and the proof stored once proven.
Result<engine::Verification> VerifyProverTask(prover::ProverClient& prover,
                                              objects::ObjectStore& store, const job::Job& job,
                                              const job::ProvingMetadata& metadata) {
  const std::string task_id = job::ExternalIdToString(job.external_id);
  if (task_id.empty()) {
    return engine::Verification::Rejected("the job recorded no prover task");
  }
  ORCH_ASSIGN_OR_RETURN(const prover::TaskStatus status,
                        prover.GetStatus(task_id, metadata.ensure_on_chain_registration));
  switch (status.state) {
    case prover::TaskStatus::State::kProcessing:
      return engine::Verification::Pending();
    case prover::TaskStatus::State::kFailed:
      return engine::Verification::Rejected(fmt::format(
          "Prover job #{} failed with error: {}", metadata.block_number, status.failure_reason));
    case prover::TaskStatus::State::kSucceeded:
      break;
  }
  if (metadata.download_proof) {
    ORCH_ASSIGN_OR_RETURN(const std::string proof, prover.GetProof(task_id));
    ORCH_RETURN_IF_ERROR(store.Put(*metadata.download_proof, proof));
  }
  return engine::Verification::Verified();
}

}  // namespace

ProofCreationHandler::ProofCreationHandler(prover::ProverClient& prover, store::JobStore& jobs,
                                           objects::ObjectStore& store,
                                           ProofCreationOptions options)
    : prover_(prover), jobs_(jobs), store_(store), options_(options) {}

job::JobType ProofCreationHandler::type() const { return job::JobType::kProofCreation; }

engine::HandlerLimits ProofCreationHandler::limits() const { return options_.limits; }

std::string ProofCreationHandler::ProofKey(std::uint64_t block_number) {
  return fmt::format("{}/proof.json", block_number);
}

Result<job::SpecificMetadata> ProofCreationHandler::CreateMetadata(std::uint64_t internal_id) {
  ORCH_ASSIGN_OR_RETURN(
      const job::SnosMetadata snos,
      PredecessorMetadata<job::SnosMetadata>(jobs_, job::JobType::kSnosRun, internal_id));
  if (!snos.snos_fact || !snos.cairo_pie_path) {
    return Error::FailedPrecondition("the SnosRun job of block {} recorded no fact or PIE",
                                     internal_id);
  }
  job::ProvingMetadata metadata{
      .block_number = internal_id,
      .input_path = job::ProvingInputPath{.kind = job::ProvingInputPath::Kind::kCairoPie,
                                          .key = *snos.cairo_pie_path},
      .ensure_on_chain_registration = snos.snos_fact,
      .n_steps = snos.snos_n_steps,
  };
  if (options_.download_proof) {
    metadata.download_proof = ProofKey(internal_id);
  }
  return metadata;
}

Result<job::ExternalId> ProofCreationHandler::Process(job::Job& job) {
  const job::ProvingMetadata* metadata = ProvingMetadataOf(job);
  if (metadata == nullptr || !metadata->input_path ||
      metadata->input_path->kind != job::ProvingInputPath::Kind::kCairoPie) {
    return Error::FailedPrecondition("ProofCreation job {} has no Cairo PIE input", job.id);
  }
  std::string dedup_id = job.id;
  if (options_.dedup_key == ProverDedupKey::kSnosFact) {
    if (!metadata->ensure_on_chain_registration) {
      return Error::FailedPrecondition("ProofCreation job {} has no SNOS fact to dedup on", job.id);
    }
    dedup_id = *metadata->ensure_on_chain_registration;
  }
  ORCH_ASSIGN_OR_RETURN(std::string pie, store_.Get(metadata->input_path->key));
  ORCH_ASSIGN_OR_RETURN(std::string task_id,
                        prover_.SubmitProof(prover::ProofRequest{.dedup_id = std::move(dedup_id),
                                                                 .cairo_pie_zip = std::move(pie),
                                                                 .n_steps = metadata->n_steps}));
  return job::ExternalId(std::move(task_id));
}

Result<engine::Verification> ProofCreationHandler::Verify(job::Job& job) {
  const job::ProvingMetadata* metadata = ProvingMetadataOf(job);
  if (metadata == nullptr) {
    return engine::Verification::Rejected("the job has no Proving metadata");
  }
  return VerifyProverTask(prover_, store_, job, *metadata);
}

ProofRegistrationHandler::ProofRegistrationHandler(prover::ProverClient& prover,
                                                   store::JobStore& jobs,
                                                   objects::ObjectStore& store,
                                                   ProofRegistrationOptions options)
    : prover_(prover), jobs_(jobs), store_(store), options_(options) {}

job::JobType ProofRegistrationHandler::type() const { return job::JobType::kProofRegistration; }

engine::HandlerLimits ProofRegistrationHandler::limits() const { return options_.limits; }

std::string ProofRegistrationHandler::BridgeProofKey(std::uint64_t block_number) {
  return fmt::format("{}/proof_part2.json", block_number);
}

Result<job::SpecificMetadata> ProofRegistrationHandler::CreateMetadata(std::uint64_t internal_id) {
  ORCH_ASSIGN_OR_RETURN(
      job::ProvingMetadata metadata,
      PredecessorMetadata<job::ProvingMetadata>(jobs_, job::JobType::kProofCreation, internal_id));
  if (!metadata.download_proof) {
    return Error::FailedPrecondition(
        "the ProofCreation job of block {} did not store its proof (L3 needs it)", internal_id);
  }
  metadata.input_path = job::ProvingInputPath{.kind = job::ProvingInputPath::Kind::kProof,
                                              .key = *metadata.download_proof};
  metadata.download_proof = BridgeProofKey(internal_id);
  return metadata;
}

Result<job::ExternalId> ProofRegistrationHandler::Process(job::Job& job) {
  const job::ProvingMetadata* metadata = ProvingMetadataOf(job);
  if (metadata == nullptr || !metadata->input_path ||
      metadata->input_path->kind != job::ProvingInputPath::Kind::kProof) {
    return Error::FailedPrecondition("ProofRegistration job {} has no proof input", job.id);
  }
  ORCH_ASSIGN_OR_RETURN(const std::string proof, store_.Get(metadata->input_path->key));
  if (!nlohmann::json::accept(proof)) {
    return Error::DataLoss("{} is not a proof: it does not parse as JSON",
                           metadata->input_path->key);
  }
  ORCH_ASSIGN_OR_RETURN(std::string task_id,
                        prover_.SubmitL2Verification(job.id, proof, metadata->n_steps));
  return job::ExternalId(std::move(task_id));
}

Result<engine::Verification> ProofRegistrationHandler::Verify(job::Job& job) {
  const job::ProvingMetadata* metadata = ProvingMetadataOf(job);
  if (metadata == nullptr) {
    return engine::Verification::Rejected("the job has no Proving metadata");
  }
  return VerifyProverTask(prover_, store_, job, *metadata);
}

}  // namespace orch::handlers
