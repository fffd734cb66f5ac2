#include "orch/common/clock.h"

namespace orch {

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<Milliseconds>(std::chrono::system_clock::now());
}

std::int64_t ToUnixMillis(TimePoint time) { return time.time_since_epoch().count(); }

TimePoint FromUnixMillis(std::int64_t millis) { return TimePoint(Milliseconds(millis)); }

std::int64_t ToUnixSeconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace orch
