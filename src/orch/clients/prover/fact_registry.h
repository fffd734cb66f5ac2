#pragma once

#include "orch/common/result.h"
#include "orch/crypto/u256.h"

namespace orch::prover {

/// The on-chain fact registry (the GPS verifier, or the mock verifier on a devnet): whether a
/// proof's fact is registered (protocols.md §4.8, isValid(bytes32)).
/// Errors: the chain client's (transient when the node is unreachable).
/// Implementations are thread-safe.
class FactRegistry {
 public:
  virtual ~FactRegistry() = default;

  virtual Result<bool> IsValid(const crypto::U256& fact) = 0;
};

}  // namespace orch::prover
