#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace orch::queue {

/// Wakes receivers blocked on a queue when something may have become receivable. A per-queue
/// sequence number makes the wait race-free: a receiver reads Sequence() before it looks at
/// the queue, then waits only if the sequence has not moved since. Thread-safe.
class QueueSignal {
 public:
  std::uint64_t Sequence(std::string_view queue);

  /// Bumps the queue's sequence and wakes its waiters.
  void Notify(std::string_view queue);

  /// Waits until the queue's sequence differs from `seen` or `timeout` passes (real time).
  /// Returns true if woken by a notification.
  bool WaitFor(std::string_view queue, std::uint64_t seen, std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::uint64_t, std::less<>> sequences_;  // guarded by mutex_
};

}  // namespace orch::queue
