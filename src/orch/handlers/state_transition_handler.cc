#include "orch/handlers/state_transition_handler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <span>
#include <utility>
#include <vector>

#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/eth/bytes.h"
#include "orch/kzg/blob.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"

namespace orch::handlers {
namespace {

using crypto::Felt;

// What Process writes as tx_hash when the contract was already past the block.
const std::string kNoTransaction = "0x" + std::string(64, '0');

job::StateUpdateMetadata* StateUpdateOf(job::Job& job) {
  return std::get_if<job::StateUpdateMetadata>(&job.metadata.specific);
}

Result<job::StateUpdateMetadata*> RequireStateUpdate(job::Job& job) {
  job::StateUpdateMetadata* metadata = StateUpdateOf(job);
  if (metadata == nullptr || !metadata->program_output_path || !metadata->blob_data_path) {
    return Error::FailedPrecondition(
        "StateTransition job {} has no StateUpdate metadata with program output and blob paths",
        job.id);
  }
  return metadata;
}

bool AnyAttemptInFlight(const job::StateUpdateMetadata& metadata) {
  for (const job::TxAttempt& attempt : metadata.tx_attempts) {
    if (attempt.status == "Signed" || attempt.status == "Submitted" || attempt.status == "Mined") {
      return true;
    }
  }
  return false;
}

}  // namespace

StateTransitionHandler::StateTransitionHandler(objects::ObjectStore& store,
                                               ethereum::EthereumRpc& rpc,
                                               settlement::EthereumTransactionManager& transactions,
                                               alert::Alerter& alerter, const Clock& clock,
                                               const kzg::Kzg& kzg, StateTransitionOptions options)
    : store_(store),
      rpc_(rpc),
      transactions_(transactions),
      alerter_(alerter),
      clock_(clock),
      kzg_(kzg),
      options_(std::move(options)) {}

job::JobType StateTransitionHandler::type() const { return job::JobType::kStateTransition; }

engine::HandlerLimits StateTransitionHandler::limits() const { return options_.limits; }

Result<job::SpecificMetadata> StateTransitionHandler::CreateMetadata(std::uint64_t internal_id) {
  job::StateUpdateMetadata metadata;
  metadata.snos_output_path = fmt::format("{}/snos_output.json", internal_id);
  metadata.program_output_path = fmt::format("{}/program_output.txt", internal_id);
  metadata.blob_data_path = fmt::format("{}/blob_data.txt", internal_id);
  metadata.context = {.kind = job::SettlementContext::Kind::kBlock, .to_settle = internal_id};
  return metadata;
}

Result<std::int64_t> StateTransitionHandler::SettledBlock() {
  ORCH_ASSIGN_OR_RETURN(const settlement::CoreContractState state,
                        settlement::ReadCoreContractState(rpc_, options_.core_contract));
  return state.block_number;
}

Result<settlement::EthereumTransactionRequest> StateTransitionHandler::Request(
    const job::Job& job, const job::StateUpdateMetadata& metadata) {
  const std::uint64_t block = metadata.context.to_settle;
  {
    std::lock_guard lock(cache_mutex_);
    if (cache_ && cache_->first == block) {
      return cache_->second;
    }
  }
  ORCH_ASSIGN_OR_RETURN(const std::string output_file, store_.Get(*metadata.program_output_path));
  Result<std::vector<Felt>> words = starknet::ParseProgramOutputAnyFormat(output_file);
  if (!words.ok()) {
    return words.error().WithContext(*metadata.program_output_path).WithTransient(false);
  }
  Result<starknet::OsOutput> output = starknet::ParseOsOutput(*words);
  if (!output.ok()) {
    return output.error().WithContext(*metadata.program_output_path).WithTransient(false);
  }
  if (output->new_block_number != Felt::FromUint64(block)) {
    return Error::FailedPrecondition("{} settles block {}, but job {} settles block {}",
                                     *metadata.program_output_path,
                                     output->new_block_number.ToDecimal(), job.id, block);
  }
  if (!output->kzg) {
    return Error::FailedPrecondition(
        "{} has use_kzg_da = 0: settling calldata DA on Ethereum is not supported",
        *metadata.program_output_path);
  }
  ORCH_ASSIGN_OR_RETURN(const std::string blob_bytes, store_.Get(*metadata.blob_data_path));
  const std::size_t n_blobs = output->kzg->commitments.size();
  if (blob_bytes.size() != n_blobs * kzg::kBytesPerBlob) {
    return Error::FailedPrecondition("{} holds {} bytes, but the output commits to {} blobs",
                                     *metadata.blob_data_path, blob_bytes.size(), n_blobs);
  }
  eth::BlobSidecar sidecar{.version = options_.sidecar_version};
  std::vector<eth::KzgProof> evaluation_proofs;
  const kzg::FieldBytes z = output->kzg->z.ToBytesBe();
  const auto* data = reinterpret_cast<const std::uint8_t*>(blob_bytes.data());
  for (std::size_t i = 0; i < n_blobs; ++i) {
    const std::span<const std::uint8_t> bytes(data + i * kzg::kBytesPerBlob, kzg::kBytesPerBlob);
    Result<kzg::Blob> blob = kzg::Blob::FromBytes(bytes);
    if (!blob.ok()) {
      return blob.error().WithContext(fmt::format("blob {} of {}", i, *metadata.blob_data_path));
    }
    ORCH_ASSIGN_OR_RETURN(const kzg::Commitment commitment, kzg_.BlobToCommitment(*blob));
    if (commitment.bytes != output->kzg->commitments[i]) {
      return Error::FailedPrecondition(
          "blob {} of {} has commitment {}, but the output commits to {}", i,
          *metadata.blob_data_path, commitment.ToHex(), eth::ToHex(output->kzg->commitments[i]));
    }
    ORCH_ASSIGN_OR_RETURN(const kzg::EvaluationProof evaluation, kzg_.ComputeKzgProof(*blob, z));
    if (evaluation.y != output->kzg->y[i].ToBytesBe()) {
      return Error::FailedPrecondition(
          "blob {} of {} evaluates to y = {} at z, but the output says {}: the contract would "
          "reject the proof",
          i, *metadata.blob_data_path, eth::ToHex(evaluation.y), output->kzg->y[i].ToHex());
    }
    evaluation_proofs.push_back(evaluation.proof.bytes);
    sidecar.blobs.emplace_back(bytes.begin(), bytes.end());
    sidecar.commitments.push_back(commitment.bytes);
    if (options_.sidecar_version == eth::SidecarVersion::kEip4844) {
      ORCH_ASSIGN_OR_RETURN(const kzg::Proof proof, kzg_.ComputeBlobProof(*blob, commitment));
      sidecar.proofs.push_back(proof.bytes);
    } else {
      ORCH_ASSIGN_OR_RETURN(const std::vector<kzg::Proof> cells, kzg_.ComputeCellProofs(*blob));
      for (const kzg::Proof& proof : cells) {
        sidecar.proofs.push_back(proof.bytes);
      }
    }
  }
  settlement::EthereumTransactionRequest request{
      .to = options_.core_contract,
      .data = settlement::EncodeUpdateStateKzgDA(*words, evaluation_proofs),
      .gas_limit = options_.gas_limit,
      .sidecar = std::move(sidecar)};
  std::lock_guard lock(cache_mutex_);
  cache_.emplace(block, request);
  return request;
}

Result<job::ExternalId> StateTransitionHandler::Process(job::Job& job) {
  ORCH_ASSIGN_OR_RETURN(job::StateUpdateMetadata * metadata, RequireStateUpdate(job));
  const std::uint64_t block = metadata->context.to_settle;
  ORCH_ASSIGN_OR_RETURN(const std::int64_t settled, SettledBlock());
  if (settled >= 0 && static_cast<std::uint64_t>(settled) >= block) {
    metadata->tx_hash = kNoTransaction;
    return job::ExternalId(
        fmt::format("block {} already settled (contract at {})", block, settled));
  }
  ORCH_ASSIGN_OR_RETURN(const settlement::EthereumTransactionRequest request,
                        Request(job, *metadata));
  if (!AnyAttemptInFlight(*metadata)) {
    // A new try after a rejection: nothing of the earlier one can still land.
    metadata->tx_nonce.reset();
    metadata->tx_attempts.clear();
    metadata->tx_hash.reset();
  }
  ORCH_ASSIGN_OR_RETURN(const settlement::TransactionProgress progress,
                        transactions_.Advance(request, *metadata));
  return job::ExternalId(progress.detail);
}

Result<engine::Verification> StateTransitionHandler::Verify(job::Job& job) {
  ORCH_ASSIGN_OR_RETURN(job::StateUpdateMetadata * metadata, RequireStateUpdate(job));
  const std::uint64_t block = metadata->context.to_settle;
  const auto contract_has_it = [&]() -> Result<engine::Verification> {
    ORCH_ASSIGN_OR_RETURN(const std::int64_t settled, SettledBlock());
    if (settled >= 0 && static_cast<std::uint64_t>(settled) >= block) {
      return engine::Verification::Verified();
    }
    return engine::Verification::Rejected(fmt::format(
        "the core contract is at block {} after the update of block {}", settled, block));
  };
  if (metadata->tx_hash == kNoTransaction) {
    return contract_has_it();
  }
  ORCH_ASSIGN_OR_RETURN(const settlement::EthereumTransactionRequest request,
                        Request(job, *metadata));
  ORCH_ASSIGN_OR_RETURN(const settlement::TransactionProgress progress,
                        transactions_.Advance(request, *metadata));
  switch (progress.state) {
    case settlement::TransactionState::kConfirmed:
      return contract_has_it();
    case settlement::TransactionState::kFeeCapExceeded: {
      const std::int64_t now = ToUnixMillis(clock_.Now());
      if (!metadata->fee_cap_alerted_at_ms ||
          now - *metadata->fee_cap_alerted_at_ms >= options_.fee_cap_alert_interval.count()) {
        alerter_.Send(
            {.severity = alert::Alert::Severity::kWarning,
             .subject = fmt::format("StateTransition of block {} held by the fee cap", block),
             .message = progress.detail});
        metadata->fee_cap_alerted_at_ms = now;
      }
      return engine::Verification::Pending();
    }
    case settlement::TransactionState::kNonceUsedWithoutReceipt: {
      // The contract decides: our update landed if it has the block (a node that lost its
      // receipts, e.g. restarted from a state dump); otherwise wait, and the verification limit
      // ends it with an alert.
      ORCH_ASSIGN_OR_RETURN(const std::int64_t settled, SettledBlock());
      if (settled >= 0 && static_cast<std::uint64_t>(settled) >= block) {
        return engine::Verification::Verified();
      }
      spdlog::warn("StateTransition of block {}: {}", block, progress.detail);
      return engine::Verification::Pending();
    }
    case settlement::TransactionState::kWaiting:
      return engine::Verification::Pending();
  }
  return engine::Verification::Pending();
}

}  // namespace orch::handlers
