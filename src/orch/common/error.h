#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace orch {

/// What went wrong, coarse enough for callers to decide what to do next.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,     // bad input or configuration; fix the input
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // an insert met an existing row
  kConflict,            // a compare-and-set lost a race
  kFailedPrecondition,  // the system is not in a state that allows this (e.g. newer schema)
  kUnavailable,         // a service could not be reached; trying again may help
  kTimeout,             // a deadline passed
  kDataLoss,            // stored data is corrupt or unreadable
  kInternal,            // a bug or an unexpected answer
};

std::string_view ToString(ErrorCode code);

/// An expected failure: a code, a message for humans and whether trying again may succeed.
/// Transient errors (network, unavailable services, timeouts, lost races) are retried with
/// backoff by the engine; permanent ones fail the job at once. The default class follows the
/// code and can be overridden where the caller knows better (e.g. an HTTP 503 is transient).
/// Messages never contain secrets: adapters redact URLs and keys before building them.
class Error {
 public:
  Error(ErrorCode code, std::string message);
  Error(ErrorCode code, std::string message, bool transient);

  template <typename... Args>
  static Error InvalidArgument(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kInvalidArgument, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error NotFound(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kNotFound, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error AlreadyExists(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kAlreadyExists, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error Conflict(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kConflict, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error FailedPrecondition(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kFailedPrecondition, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error Unavailable(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kUnavailable, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error Timeout(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kTimeout, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error DataLoss(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kDataLoss, fmt::format(format, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Error Internal(fmt::format_string<Args...> format, Args&&... args) {
    return {ErrorCode::kInternal, fmt::format(format, std::forward<Args>(args)...)};
  }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool transient() const { return transient_; }

  /// Returns a copy whose message is prefixed with `context` ("context: message").
  Error WithContext(std::string_view context) const;
  /// Returns a copy with the transient flag set as given.
  Error WithTransient(bool transient) const;

  /// "kind: message", e.g. "unavailable: connection refused".
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  bool transient_;
};

/// Whether errors of this code are worth retrying when nothing more is known.
bool IsTransientByDefault(ErrorCode code);

}  // namespace orch
