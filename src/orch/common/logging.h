#pragma once

#include <spdlog/common.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch {

enum class LogFormat { kPretty, kJson };

struct LogSettings {
  spdlog::level::level_enum level = spdlog::level::info;
  LogFormat format = LogFormat::kPretty;
};

/// Reads a variable of the process environment (injected so tests need not touch the real one).
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The real process environment.
std::optional<std::string> ProcessEnvironment(std::string_view name);

/// Reads LOG_LEVEL (trace|debug|info|warn|error|off), else RUST_LOG (its `orchestrator=`
/// directive, else its bare default level: "error,orchestrator=info" gives info), else info;
/// and LOG_FORMAT (json|pretty, default pretty). Unknown values are an error naming the variable.
Result<LogSettings> LogSettingsFromEnvironment(const EnvironmentLookup& environment);

/// Parses one level name as LOG_LEVEL and RUST_LOG spell them.
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text);

/// Installs the default logger (stderr) with the given level and format. Call once, early in
/// main, before any thread starts.
void InitLogging(const LogSettings& settings);

}  // namespace orch
