#pragma once

#include <cstdint>

#include "orch/common/result.h"

namespace orch::engine {

/// The appchain's newest block, as its node reports it (Madara's starknet_blockNumber).
/// Thread-safe. Errors: kUnavailable when the node cannot be reached.
class ChainHead {
 public:
  virtual ~ChainHead() = default;
  virtual Result<std::uint64_t> LatestBlock() = 0;
};

}  // namespace orch::engine
