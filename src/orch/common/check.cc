#include "orch/common/check.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

namespace orch::internal {

void CheckFailed(const char* file, int line, const char* condition, const std::string& message) {
  // Straight to stderr: the logger may not be set up yet, or may be what is broken.
  std::fprintf(stderr, "check failed at %s:%d: %s (%s)\n", file, line, condition, message.c_str());
  spdlog::shutdown();
  std::abort();
}

}  // namespace orch::internal
