#include "orch/common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "orch/common/strings.h"

namespace orch {
namespace {

// Formats each record as one JSON object per line. spdlog's pattern language cannot escape the
// message, so this writes the record through nlohmann::json.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    nlohmann::ordered_json record = {
        {"timestamp_ms", millis},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"thread", msg.thread_id},
        {"message", std::string(msg.payload.data(), msg.payload.size())},
    };
    const std::string line =
        record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// RUST_LOG is a comma-separated list of `level` and `target=level` directives.
Result<spdlog::level::level_enum> LevelFromRustLog(std::string_view rust_log) {
  std::optional<spdlog::level::level_enum> bare_level;
  for (std::string_view directive : SplitString(rust_log, ',')) {
    directive = TrimWhitespace(directive);
    if (directive.empty()) {
      continue;
    }
    const auto equals = directive.find('=');
    if (equals == std::string_view::npos) {
      ORCH_ASSIGN_OR_RETURN(bare_level, ParseLogLevel(directive));
      continue;
    }
    const std::string_view target = directive.substr(0, equals);
    if (target == "orchestrator" || target.starts_with("orchestrator::")) {
      return ParseLogLevel(directive.substr(equals + 1));
    }
  }
  return bare_level.value_or(spdlog::level::info);
}

}  // namespace

std::optional<std::string> ProcessEnvironment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text) {
  const std::string lower = ToLower(TrimWhitespace(text));
  if (lower == "trace") return spdlog::level::trace;
  if (lower == "debug") return spdlog::level::debug;
  if (lower == "info") return spdlog::level::info;
  if (lower == "warn" || lower == "warning") return spdlog::level::warn;
  if (lower == "error") return spdlog::level::err;
  if (lower == "off") return spdlog::level::off;
  return Error::InvalidArgument(
      "unknown log level '{}' (expected trace, debug, info, warn, "
      "error or off)",
      text);
}

Result<LogSettings> LogSettingsFromEnvironment(const EnvironmentLookup& environment) {
  LogSettings settings;
  if (auto level = environment("LOG_LEVEL"); level && !level->empty()) {
    auto parsed = ParseLogLevel(*level);
    if (!parsed.ok()) {
      return parsed.error().WithContext("LOG_LEVEL");
    }
    settings.level = *parsed;
  } else if (auto rust_log = environment("RUST_LOG"); rust_log && !rust_log->empty()) {
    auto parsed = LevelFromRustLog(*rust_log);
    if (!parsed.ok()) {
      return parsed.error().WithContext("RUST_LOG");
    }
    settings.level = *parsed;
  }
  if (auto format = environment("LOG_FORMAT"); format && !format->empty()) {
    const std::string lower = ToLower(TrimWhitespace(*format));
    if (lower == "json") {
      settings.format = LogFormat::kJson;
    } else if (lower == "pretty") {
      settings.format = LogFormat::kPretty;
    } else {
      return Error::InvalidArgument("LOG_FORMAT: unknown format '{}' (expected json or pretty)",
                                    *format);
    }
  }
  return settings;
}

void InitLogging(const LogSettings& settings) {
  auto logger = spdlog::stderr_color_mt("orchestrator");
  if (settings.format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(settings.level);
  spdlog::set_default_logger(logger);
}

}  // namespace orch
