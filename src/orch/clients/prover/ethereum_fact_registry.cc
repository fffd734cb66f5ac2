#include "orch/clients/prover/ethereum_fact_registry.h"

#include "orch/contracts/deploy.h"

namespace orch::prover {

EthereumFactRegistry::EthereumFactRegistry(ethereum::EthereumRpc& rpc, eth::Address verifier)
    : rpc_(rpc), verifier_(verifier) {}

Result<bool> EthereumFactRegistry::IsValid(const crypto::U256& fact) {
  return contracts::IsFactValid(rpc_, verifier_, fact.ToBytesBe());
}

}  // namespace orch::prover
