#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>

#include "orch/common/result.h"

namespace orch::engine {

/// The appchain's newest block, as its node reports it (Madara's starknet_blockNumber).
/// Thread-safe. Errors: kUnavailable when the node cannot be reached.
class ChainHead {
 public:
  virtual ~ChainHead() = default;
  virtual Result<std::uint64_t> LatestBlock() = 0;

  /// Returns the newest block once it is above `known`, or when `max_wait` passes or a stop
  /// is requested (then it may return `known` without asking). The default polls: it waits
  /// `max_wait`, then asks LatestBlock once. A head that learns of new blocks as they come
  /// overrides it to return at once. Errors as LatestBlock.
  virtual Result<std::uint64_t> WaitForBlockAbove(std::uint64_t known,
                                                  std::chrono::milliseconds max_wait,
                                                  const std::stop_token& stop);
};

}  // namespace orch::engine
