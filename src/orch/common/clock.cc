#include "orch/common/clock.h"

#include <condition_variable>
#include <mutex>

namespace orch {

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<Milliseconds>(std::chrono::system_clock::now());
}

std::int64_t ToUnixMillis(TimePoint time) { return time.time_since_epoch().count(); }

TimePoint FromUnixMillis(std::int64_t millis) { return TimePoint(Milliseconds(millis)); }

std::int64_t ToUnixSeconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

bool SleepUnlessStopped(const std::stop_token& stop,
                        std::chrono::steady_clock::time_point deadline) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  std::unique_lock lock(mutex);
  return !stopped.wait_until(lock, stop, deadline, [&] { return stop.stop_requested(); });
}

}  // namespace orch
