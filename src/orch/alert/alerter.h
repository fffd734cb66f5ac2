#pragma once

#include <string>
#include <string_view>

namespace orch::alert {

/// Something an operator should hear about: a job that failed for good, a chain that stalled.
struct Alert {
  enum class Severity { kWarning, kCritical };

  Severity severity = Severity::kWarning;
  std::string subject;  // one line, e.g. "SNOS job 1234 failed"
  std::string message;  // details; may span lines
};

/// "warning" or "critical".
inline std::string_view ToString(Alert::Severity severity) {
  return severity == Alert::Severity::kCritical ? "critical" : "warning";
}

/// Tells operators about alerts.
///
/// Contract for every implementation (tests/contract/alerter_contract.h):
///  - Send never blocks the caller on the network (a slow or dead alerting service must not
///    stall the job it is reporting on) and never throws.
///  - Delivery is best effort: failures are logged, and retried where that makes sense, but not
///    returned, because the caller could not do anything better with them.
/// Implementations are thread-safe.
class Alerter {
 public:
  virtual ~Alerter() = default;

  /// Hands `alert` over for delivery and returns at once.
  virtual void Send(const Alert& alert) = 0;
};

}  // namespace orch::alert
