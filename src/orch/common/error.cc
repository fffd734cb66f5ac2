#include "orch/common/error.h"

namespace orch {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kDataLoss:
      return "data loss";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

bool IsTransientByDefault(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout ||
         code == ErrorCode::kConflict;
}

Error::Error(ErrorCode code, std::string message)
    : Error(code, std::move(message), IsTransientByDefault(code)) {}

Error::Error(ErrorCode code, std::string message, bool transient)
    : code_(code), message_(std::move(message)), transient_(transient) {}

Error Error::WithContext(std::string_view context) const {
  return {code_, fmt::format("{}: {}", context, message_), transient_};
}

Error Error::WithTransient(bool transient) const { return {code_, message_, transient}; }

std::string Error::ToString() const {
  return fmt::format("{}: {}", orch::ToString(code_), message_);
}

}  // namespace orch
