#include "orch/engine/chain_head.h"

#include <condition_variable>
#include <mutex>

namespace orch::engine {

Result<std::uint64_t> ChainHead::WaitForBlockAbove(std::uint64_t known,
                                                   std::chrono::milliseconds max_wait,
                                                   const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  std::unique_lock lock(mutex);
  if (stopped.wait_for(lock, stop, max_wait, [] { return false; }) || stop.stop_requested()) {
    return known;
  }
  return LatestBlock();
}

}  // namespace orch::engine
