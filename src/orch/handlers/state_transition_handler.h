#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "orch/alert/alerter.h"
#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/clients/settlement/ethereum/transaction_manager.h"
#include "orch/common/clock.h"
#include "orch/engine/job_handler.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/kzg/kzg.h"
#include "orch/objects/object_store.h"

namespace orch::handlers {

struct StateTransitionOptions {
  eth::Address core_contract;
  /// EIP-7594 cell proofs (the reference's default) or, with --disable-peerdas, EIP-4844 blob
  /// proofs in the blob sidecar.
  eth::SidecarVersion sidecar_version = eth::SidecarVersion::kEip7594;
  std::uint64_t gas_limit = 1'500'000;  // the reference's
  /// How often a transaction held back by the fee cap is alerted again.
  std::chrono::milliseconds fee_cap_alert_interval{std::chrono::minutes(10)};
  /// Each verification poll advances the transaction by one step: a short delay and many polls.
  engine::HandlerLimits limits{.max_process_attempts = 1,
                               .max_verification_attempts = 2000,
                               .verification_polling_delay = std::chrono::seconds(3)};
};

/// StateTransition for one block on Ethereum: the block's OS output (`<block>/program_output.txt`)
/// and blobs (`<block>/blob_data.txt`) go to the core contract's updateStateKzgDA in a type-3
/// transaction carrying the blobs.
///
/// Process checks everything that can be checked before spending gas and pins the nonce: the
/// output parses and names this block, its KZG segment lists one commitment per stored blob
/// and each equals the blob's, y = p(z) for each blob (the KZG proofs the contract checks), and
/// the contract is not past the block already (then nothing is sent: tx_hash is all zeros).
/// Verify then moves the transaction on by one EthereumTransactionManager step per poll (sign,
/// send, watch receipts and confirmations, replace a stuck attempt), each step stored with the
/// job, so that a restart resumes exactly where it stopped and never sends a second update for
/// the block. Sending from Verify is safe under duplicate verification messages: a step that
/// sends only re-sends the recorded attempt (identical bytes), and a step that signs a new one
/// is stored by compare-and-set before anything sends it. Verified once the transaction is
/// final and stateBlockNumber >= the block; Rejected if the contract is elsewhere after it; a
/// revert fails the job with its reason; the fee cap keeps the job Pending with an alert.
///
/// Thread-safe: the last built transaction is cached under a mutex (its KZG proofs take
/// seconds), the rest is per call.
class StateTransitionHandler final : public engine::JobHandler {
 public:
  StateTransitionHandler(objects::ObjectStore& store, ethereum::EthereumRpc& rpc,
                         settlement::EthereumTransactionManager& transactions,
                         alert::Alerter& alerter, const Clock& clock, const kzg::Kzg& kzg,
                         StateTransitionOptions options);

  job::JobType type() const override;
  engine::HandlerLimits limits() const override;
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override;
  Result<job::ExternalId> Process(job::Job& job) override;
  Result<engine::Verification> Verify(job::Job& job) override;

 private:
  // The transaction for the job's block, built once per block and cached.
  Result<settlement::EthereumTransactionRequest> Request(const job::Job& job,
                                                         const job::StateUpdateMetadata& metadata);
  Result<std::int64_t> SettledBlock();

  objects::ObjectStore& store_;
  ethereum::EthereumRpc& rpc_;
  settlement::EthereumTransactionManager& transactions_;
  alert::Alerter& alerter_;
  const Clock& clock_;
  const kzg::Kzg& kzg_;
  StateTransitionOptions options_;

  std::mutex cache_mutex_;
  std::optional<std::pair<std::uint64_t, settlement::EthereumTransactionRequest>> cache_;
};

}  // namespace orch::handlers
