#include "orch/common/logging.h"

#include <gtest/gtest.h>

#include <map>

namespace orch {
namespace {

EnvironmentLookup Environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto it = variables.find(std::string(name));
    return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(LoggingTest, DefaultsToInfoAndPretty) {
  auto settings = LogSettingsFromEnvironment(Environment({}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->level, spdlog::level::info);
  EXPECT_EQ(settings->format, LogFormat::kPretty);
}

TEST(LoggingTest, LogLevelWinsOverRustLog) {
  auto settings =
      LogSettingsFromEnvironment(Environment({{"LOG_LEVEL", "debug"}, {"RUST_LOG", "error"}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->level, spdlog::level::debug);
}

TEST(LoggingTest, RustLogUsesTheOrchestratorDirectiveThenTheBareLevel) {
  const std::vector<std::pair<std::string, spdlog::level::level_enum>> cases = {
      {"error,orchestrator=info", spdlog::level::info},
      {"orchestrator=debug", spdlog::level::debug},
      {"warn", spdlog::level::warn},
      {"hyper=trace,error", spdlog::level::err},
      {"error, orchestrator::worker=trace", spdlog::level::trace},
      {"hyper=trace", spdlog::level::info},
  };
  for (const auto& [rust_log, level] : cases) {
    auto settings = LogSettingsFromEnvironment(Environment({{"RUST_LOG", rust_log}}));
    ASSERT_TRUE(settings.ok()) << rust_log;
    EXPECT_EQ(settings->level, level) << rust_log;
  }
}

TEST(LoggingTest, JsonFormatAndBadValuesNameTheVariable) {
  auto json = LogSettingsFromEnvironment(Environment({{"LOG_FORMAT", "JSON"}}));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->format, LogFormat::kJson);

  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"LOG_FORMAT", "xml"}, {"LOG_LEVEL", "loud"}, {"RUST_LOG", "orchestrator=loud"}}) {
    auto bad = LogSettingsFromEnvironment(Environment({{name, value}}));
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_NE(bad.error().message().find(name), std::string::npos) << bad.error().message();
  }
}

}  // namespace
}  // namespace orch
