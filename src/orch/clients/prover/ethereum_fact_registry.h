#pragma once

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/clients/prover/fact_registry.h"
#include "orch/eth/address.h"

namespace orch::prover {

/// FactRegistry over an Ethereum node: isValid(bytes32) (selector 0x6a938567) on the verifier
/// contract by eth_call at the latest block. Thread-safe when `rpc` is; `rpc` must outlive it.
class EthereumFactRegistry final : public FactRegistry {
 public:
  EthereumFactRegistry(ethereum::EthereumRpc& rpc, eth::Address verifier);

  Result<bool> IsValid(const crypto::U256& fact) override;

 private:
  ethereum::EthereumRpc& rpc_;
  const eth::Address verifier_;
};

}  // namespace orch::prover
