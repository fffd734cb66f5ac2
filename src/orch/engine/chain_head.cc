#include "orch/engine/chain_head.h"

#include "orch/common/clock.h"

namespace orch::engine {

Result<std::uint64_t> ChainHead::WaitForBlockAbove(std::uint64_t known,
                                                   std::chrono::milliseconds max_wait,
                                                   const std::stop_token& stop) {
  if (!SleepUnlessStopped(stop, std::chrono::steady_clock::now() + max_wait)) {
    return known;
  }
  return LatestBlock();
}

}  // namespace orch::engine
