#pragma once

#include <mutex>
#include <optional>

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/clients/prover/prover_client.h"
#include "orch/contracts/deploy.h"
#include "orch/eth/address.h"
#include "orch/eth/secp256k1.h"

namespace orch::prover {

/// Where the mock prover registers facts: a MockGpsVerifier (contracts/MockGpsVerifier.sol) and
/// the key that sends registerFact. The key must not be the settlement key: both would pick
/// nonces from the same account concurrently.
struct MockVerifier {
  ethereum::EthereumRpc* rpc = nullptr;
  eth::Address address;
  eth::PrivateKey sender;
  contracts::SendOptions send_options;
};

/// `--prover mock` (protocols.md §3.1): proves nothing. Without a verifier, every task succeeds
/// at once and its id is the dedup id (the SNOS fact). With one, the fact is registered on the
/// mock verifier so that the core contract's isValid check passes: at submission and again in
/// GetStatus whenever the verifier does not know it (e.g. a dev chain restarted without its
/// state), so a task succeeds exactly when its fact is valid on L1.
/// Thread-safe: registrations are serialised (one sender account, one nonce sequence).
class MockProver final : public ProverClient {
 public:
  explicit MockProver(std::optional<MockVerifier> verifier = std::nullopt);

  std::string_view name() const override { return "mock"; }
  /// The dedup id must be the fact as 0x-hex when a verifier is configured.
  Result<std::string> SubmitProof(const ProofRequest& request) override;
  Result<TaskStatus> GetStatus(std::string_view task_id,
                               const std::optional<std::string>& fact) override;
  Result<std::string> GetProof(std::string_view task_id) override;
  Result<std::string> SubmitL2Verification(std::string_view dedup_id, std::string_view proof_json,
                                           std::optional<std::uint64_t> n_steps) override;
  Result<void> CheckReachable() override;

 private:
  // Registers `fact` unless the verifier knows it; returns whether it is valid afterwards.
  Result<bool> EnsureRegistered(std::string_view fact);

  std::optional<MockVerifier> verifier_;
  std::mutex register_mutex_;
};

}  // namespace orch::prover
