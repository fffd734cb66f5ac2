#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace orch::queue {

/// Wakes receivers blocked on a queue when something may have become receivable. A per-queue
/// sequence number makes the wait race-free: a receiver reads Sequence() before it looks at
/// the queue, then waits only if the sequence has not moved since. One notification wakes one
/// receiver of that queue only: a pool of consumers must not all wake (and all query the
/// database) for one message. Thread-safe.
class QueueSignal {
 public:
  std::uint64_t Sequence(std::string_view queue);

  /// Bumps the queue's sequence and wakes one of its waiters (one message became receivable).
  void Notify(std::string_view queue);

  /// Waits until the queue's sequence differs from `seen` or `timeout` passes (real time).
  /// Returns true if woken by a notification.
  bool WaitFor(std::string_view queue, std::uint64_t seen, std::chrono::milliseconds timeout);

 private:
  struct Channel {
    std::uint64_t sequence = 0;
    std::condition_variable changed;
  };
  Channel& ChannelOf(std::string_view queue);  // requires mutex_

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Channel>, std::less<>> channels_;  // guarded by mutex_
};

}  // namespace orch::queue
