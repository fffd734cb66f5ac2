#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "orch/alert/alerter.h"

namespace orch::alert {

/// Writes alerts to the log: warnings at warn level, critical alerts at critical level. The
/// default alerter, needing no external service. Thread-safe (spdlog loggers are).
class LogAlerter final : public Alerter {
 public:
  /// Logs to spdlog's default logger, looked up at each Send so that one installed later (by
  /// InitLogging) is used.
  LogAlerter() = default;
  /// Logs to `logger`. A shared_ptr because spdlog shares loggers between their users.
  explicit LogAlerter(std::shared_ptr<spdlog::logger> logger);

  // Alerter
  void Send(const Alert& alert) override;

 private:
  const std::shared_ptr<spdlog::logger> logger_;  // null: the default logger
};

}  // namespace orch::alert
