#pragma once

#include <atomic>
#include <chrono>

#include "orch/common/clock.h"

namespace orch::testing {

/// A clock that moves only when told to. Starts at a fixed instant. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = FromUnixMillis(1'750'000'000'000)) : now_(start) {}

  TimePoint Now() const override { return now_.load(); }

  void Advance(std::chrono::milliseconds by) { now_.store(now_.load() + by); }

 private:
  std::atomic<TimePoint> now_;
};

}  // namespace orch::testing
