#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "orch/alert/alerter.h"

namespace orch::alert {

/// Alerter for tests: keeps every alert, in the order Send was called. Thread-safe.
class RecordingAlerter final : public Alerter {
 public:
  // Alerter
  void Send(const Alert& alert) override {
    {
      std::lock_guard lock(mutex_);
      alerts_.push_back(alert);
    }
    sent_.notify_all();
  }

  std::vector<Alert> alerts() const {
    std::lock_guard lock(mutex_);
    return alerts_;
  }

  /// Waits until at least `count` alerts were sent; false if `timeout` passes first. For code
  /// that alerts from its own threads.
  bool WaitForAlerts(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return sent_.wait_for(lock, timeout, [&] { return alerts_.size() >= count; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable sent_;
  std::vector<Alert> alerts_;  // guarded by mutex_
};

}  // namespace orch::alert
