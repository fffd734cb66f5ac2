#include "orch/clients/prover/mock_prover.h"

#include "orch/crypto/u256.h"

namespace orch::prover {

MockProver::MockProver(std::optional<MockVerifier> verifier) : verifier_(std::move(verifier)) {}

Result<bool> MockProver::EnsureRegistered(std::string_view fact) {
  Result<crypto::U256> parsed = crypto::U256::FromHex(fact);
  if (!parsed.ok()) {
    return Error::InvalidArgument("the mock prover registers facts, and {:?} is not one: {}", fact,
                                  parsed.error().message());
  }
  const eth::Hash32 word = parsed->ToBytesBe();
  std::lock_guard lock(register_mutex_);
  ORCH_ASSIGN_OR_RETURN(const bool valid,
                        contracts::IsFactValid(*verifier_->rpc, verifier_->address, word));
  if (valid) {
    return true;
  }
  ORCH_RETURN_IF_ERROR(contracts::RegisterFact(*verifier_->rpc, verifier_->sender,
                                               verifier_->address, word, verifier_->send_options));
  return contracts::IsFactValid(*verifier_->rpc, verifier_->address, word);
}

Result<std::string> MockProver::SubmitProof(const ProofRequest& request) {
  if (verifier_) {
    ORCH_RETURN_IF_ERROR(EnsureRegistered(request.dedup_id));
  }
  return request.dedup_id;
}

Result<TaskStatus> MockProver::GetStatus(std::string_view task_id,
                                         const std::optional<std::string>& fact) {
  if (!verifier_) {
    return TaskStatus::Succeeded();
  }
  ORCH_ASSIGN_OR_RETURN(const bool valid, EnsureRegistered(fact ? *fact : task_id));
  return valid ? TaskStatus::Succeeded() : TaskStatus::Processing();
}

Result<std::string> MockProver::GetProof(std::string_view) {
  return Error::FailedPrecondition(
      "the mock prover makes no proofs (--store-audit-artifacts needs a real prover)");
}

Result<std::string> MockProver::SubmitL2Verification(std::string_view, std::string_view,
                                                     std::optional<std::uint64_t>) {
  return Error::FailedPrecondition(
      "the mock prover cannot verify proofs on L2 (L3 needs --prover atlantic)");
}

Result<void> MockProver::CheckReachable() {
  if (!verifier_) {
    return Ok();
  }
  ORCH_ASSIGN_OR_RETURN(const bool deployed,
                        contracts::HasCode(*verifier_->rpc, verifier_->address));
  if (!deployed) {
    return Error::FailedPrecondition("no contract at the mock verifier address {}",
                                     verifier_->address.ToChecksumHex());
  }
  return Ok();
}

}  // namespace orch::prover
