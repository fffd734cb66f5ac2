#include "orch/queue/queue_signal.h"

namespace orch::queue {

std::uint64_t QueueSignal::Sequence(std::string_view queue) {
  std::lock_guard lock(mutex_);
  const auto it = sequences_.find(queue);
  return it == sequences_.end() ? 0 : it->second;
}

void QueueSignal::Notify(std::string_view queue) {
  {
    std::lock_guard lock(mutex_);
    const auto it = sequences_.find(queue);
    if (it == sequences_.end()) {
      sequences_.emplace(std::string(queue), 1);
    } else {
      ++it->second;
    }
  }
  changed_.notify_all();
}

bool QueueSignal::WaitFor(std::string_view queue, std::uint64_t seen,
                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    const auto it = sequences_.find(queue);
    return (it == sequences_.end() ? 0 : it->second) != seen;
  });
}

}  // namespace orch::queue
