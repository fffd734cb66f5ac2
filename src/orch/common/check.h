#pragma once

#include <fmt/format.h>

namespace orch::internal {

/// Logs the failed invariant and aborts. Used only through ORCH_CHECK.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const std::string& message);

}  // namespace orch::internal

/// Stops the process when a programmer error is detected. Never use it for conditions the
/// environment controls (input, network, database contents): those return an Error.
#define ORCH_CHECK(condition, ...)                                                             \
  do {                                                                                         \
    if (!(condition)) [[unlikely]] {                                                           \
      ::orch::internal::CheckFailed(__FILE__, __LINE__, #condition, fmt::format(__VA_ARGS__)); \
    }                                                                                          \
  } while (false)
