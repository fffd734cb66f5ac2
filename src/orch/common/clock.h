#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>

namespace orch {

/// Wall-clock time as the orchestrator stores it: what it writes into the database and compares
/// across instances (visibility deadlines, lease expiries, job timestamps).
using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Milliseconds = std::chrono::milliseconds;

/// Source of the current time. Injected everywhere time matters so that tests advance a fake
/// clock instead of sleeping. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  /// The current wall-clock time, with millisecond resolution.
  virtual TimePoint Now() const = 0;
};

/// The real clock. Thread-safe and stateless.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

/// Milliseconds since the Unix epoch, the form timestamps take in the database.
std::int64_t ToUnixMillis(TimePoint time);
TimePoint FromUnixMillis(std::int64_t millis);
/// Whole seconds since the Unix epoch, the form of the job metadata timestamps.
std::int64_t ToUnixSeconds(TimePoint time);

/// Sleeps until `deadline` (real time: for a thread's own pacing, not for what the injected
/// clock decides) unless `stop` is requested first. Returns false if it was.
bool SleepUnlessStopped(const std::stop_token& stop,
                        std::chrono::steady_clock::time_point deadline);

}  // namespace orch
