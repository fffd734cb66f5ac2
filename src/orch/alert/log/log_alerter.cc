#include "orch/alert/log/log_alerter.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace orch::alert {

LogAlerter::LogAlerter(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

void LogAlerter::Send(const Alert& alert) {
  try {
    const std::shared_ptr<spdlog::logger> logger =
        logger_ != nullptr ? logger_ : spdlog::default_logger();
    const auto level = alert.severity == Alert::Severity::kCritical ? spdlog::level::critical
                                                                    : spdlog::level::warn;
    logger->log(level, "ALERT [{}] {}: {}", ToString(alert.severity), alert.subject, alert.message);
  } catch (const std::exception&) {
    // Nowhere left to report to: the log itself failed (out of memory, broken sink).
  }
}

}  // namespace orch::alert
