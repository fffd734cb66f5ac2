#include "orch/aws/eventbridge_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "orch/common/strings.h"

namespace orch::aws {
namespace {

constexpr std::string_view kTargetPrefix = "AWSEvents";
constexpr std::string_view kJsonVersion = "1.1";
constexpr std::string_view kRuleEnabled = "ENABLED";
constexpr std::size_t kMaxNameLength = 64;

bool IsNameCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

}  // namespace

std::string_view ToString(EnsureOutcome outcome) {
  switch (outcome) {
    case EnsureOutcome::kCreated:
      return "created";
    case EnsureOutcome::kUpdated:
      return "updated";
    case EnsureOutcome::kUnchanged:
      return "unchanged";
  }
  return "unknown";
}

Result<std::string> RateExpression(std::chrono::seconds interval) {
  constexpr std::int64_t kMinute = 60;
  if (interval.count() <= 0 || interval.count() % kMinute != 0) {
    return Error::InvalidArgument(
        "an interval of {} s cannot be scheduled: EventBridge rate() counts whole minutes, so "
        "give a positive multiple of 60 seconds",
        interval.count());
  }
  struct Unit {
    std::int64_t seconds;
    std::string_view singular;
  };
  static constexpr std::array<Unit, 3> kUnits = {
      {{86400, "day"}, {3600, "hour"}, {kMinute, "minute"}}};
  for (const Unit& unit : kUnits) {
    if (interval.count() % unit.seconds == 0) {
      const std::int64_t value = interval.count() / unit.seconds;
      return fmt::format("rate({} {}{})", value, unit.singular, value == 1 ? "" : "s");
    }
  }
  return Error::Internal("no rate() unit divides {} s", interval.count());
}

Result<std::string> TriggerRuleName(std::string_view prefix, std::string_view trigger) {
  std::string name = prefix.empty() ? std::string() : fmt::format("{}-", prefix);
  name += "mo-wt-rule-" + ToLower(trigger);
  if (trigger.empty() || name.size() > kMaxNameLength ||
      !std::ranges::all_of(name, IsNameCharacter)) {
    return Error::InvalidArgument(
        "'{}' cannot name an EventBridge rule or schedule: 1 to 64 characters of A-Z a-z 0-9 . - "
        "_ (check the prefix)",
        name);
  }
  return name;
}

std::string RuleTargetQueuePolicy(std::string_view queue_arn,
                                  const std::vector<std::string>& rule_arns) {
  const nlohmann::json policy = {
      {"Version", "2012-10-17"},
      {"Statement", nlohmann::json::array({{
                        {"Sid", "orchestrator-worker-trigger-rules"},
                        {"Effect", "Allow"},
                        {"Principal", {{"Service", "events.amazonaws.com"}}},
                        {"Action", "sqs:SendMessage"},
                        {"Resource", queue_arn},
                        {"Condition", {{"ArnEquals", {{"aws:SourceArn", rule_arns}}}}},
                    }})},
  };
  return policy.dump();
}

Result<nlohmann::json> EventBridgeClient::Call(std::string_view operation,
                                               const nlohmann::json& body) const {
  return events_.CallJson(kTargetPrefix, kJsonVersion, operation, body);
}

Result<RuleDescription> EventBridgeClient::DescribeRule(std::string_view name) const {
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer, Call("DescribeRule", {{"Name", name}}));
  RuleDescription rule{
      .name = JsonStringMember(answer, "Name"),
      .arn = JsonStringMember(answer, "Arn"),
      .schedule_expression = JsonStringMember(answer, "ScheduleExpression"),
      .state = JsonStringMember(answer, "State"),
      .description = JsonStringMember(answer, "Description"),
  };
  if (rule.arn.empty()) {
    return Error::DataLoss("EventBridge DescribeRule {}: the answer has no Arn", name);
  }
  return rule;
}

Result<std::string> EventBridgeClient::PutRule(const ScheduledRule& rule) const {
  nlohmann::json body = {
      {"Name", rule.name},
      {"ScheduleExpression", rule.schedule_expression},
      {"State", kRuleEnabled},
  };
  if (!rule.description.empty()) {
    body["Description"] = rule.description;
  }
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer, Call("PutRule", body));
  std::string arn = JsonStringMember(answer, "RuleArn");
  if (arn.empty()) {
    return Error::DataLoss("EventBridge PutRule {}: the answer has no RuleArn", rule.name);
  }
  return arn;
}

Result<std::vector<RuleTarget>> EventBridgeClient::ListTargetsByRule(std::string_view rule) const {
  std::vector<RuleTarget> targets;
  std::string next_token;
  do {
    nlohmann::json body = {{"Rule", rule}};
    if (!next_token.empty()) {
      body["NextToken"] = next_token;
    }
    ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer, Call("ListTargetsByRule", body));
    const auto page = answer.find("Targets");
    if (page != answer.end() && page->is_array()) {
      for (const nlohmann::json& target : *page) {
        if (target.is_object()) {
          targets.push_back({.id = JsonStringMember(target, "Id"),
                             .arn = JsonStringMember(target, "Arn"),
                             .input = JsonStringMember(target, "Input")});
        }
      }
    }
    next_token = JsonStringMember(answer, "NextToken");
  } while (!next_token.empty());
  return targets;
}

Result<void> EventBridgeClient::PutTarget(const ScheduledRule& rule) const {
  const nlohmann::json body = {
      {"Rule", rule.name},
      {"Targets",
       nlohmann::json::array(
           {{{"Id", rule.target.id}, {"Arn", rule.target.arn}, {"Input", rule.target.input}}})},
  };
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer, Call("PutTargets", body));
  const auto failed = answer.find("FailedEntries");
  if (failed != answer.end() && failed->is_array() && !failed->empty()) {
    const nlohmann::json& entry = failed->front();
    // Whatever EventBridge refused in the target, repeating the same request will not help.
    return Error::InvalidArgument("EventBridge PutTargets {}: target {} failed: {}: {}", rule.name,
                                  rule.target.id, JsonStringMember(entry, "ErrorCode"),
                                  JsonStringMember(entry, "ErrorMessage"));
  }
  return Ok();
}

Result<Ensured> EventBridgeClient::EnsureRule(const ScheduledRule& rule) const {
  Result<RuleDescription> existing = DescribeRule(rule.name);
  if (!existing.ok() && existing.error().code() != ErrorCode::kNotFound) {
    return existing.error();
  }
  if (!existing.ok()) {
    ORCH_ASSIGN_OR_RETURN(std::string arn, PutRule(rule));
    ORCH_RETURN_IF_ERROR(PutTarget(rule));
    return Ensured{EnsureOutcome::kCreated, std::move(arn)};
  }
  Ensured ensured{EnsureOutcome::kUnchanged, existing->arn};
  if (existing->schedule_expression != rule.schedule_expression ||
      existing->state != kRuleEnabled || existing->description != rule.description) {
    ORCH_ASSIGN_OR_RETURN(ensured.arn, PutRule(rule));
    ensured.outcome = EnsureOutcome::kUpdated;
  }
  ORCH_ASSIGN_OR_RETURN(const std::vector<RuleTarget> targets, ListTargetsByRule(rule.name));
  const auto same_id = std::ranges::find(targets, rule.target.id, &RuleTarget::id);
  if (same_id == targets.end() || same_id->arn != rule.target.arn ||
      same_id->input != rule.target.input) {
    ORCH_RETURN_IF_ERROR(PutTarget(rule));
    ensured.outcome = EnsureOutcome::kUpdated;
  }
  return ensured;
}

}  // namespace orch::aws
