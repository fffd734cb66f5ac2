#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "orch/aws/aws_client.h"
#include "orch/common/result.h"

namespace orch::aws {

/// What an Ensure call found and did.
enum class EnsureOutcome { kCreated, kUpdated, kUnchanged };

/// "created", "updated", "unchanged".
std::string_view ToString(EnsureOutcome outcome);

/// The result of an Ensure call: what it did and the ARN of the rule or schedule.
struct Ensured {
  EnsureOutcome outcome = EnsureOutcome::kUnchanged;
  std::string arn;
};

/// The schedule expression for "every `interval`": "rate(N unit)" in the largest whole unit
/// (days, hours, minutes), singular for 1 ("rate(1 minute)", "rate(90 minutes)"), as both
/// EventBridge rules and EventBridge Scheduler want it. Neither schedules finer than a minute,
/// so the interval must be a positive whole number of minutes (the reference's "seconds" unit
/// does not exist in rate()). Errors: kInvalidArgument.
Result<std::string> RateExpression(std::chrono::seconds interval);

/// The name of the rule or schedule that puts `trigger` into worker_trigger, as the reference
/// names it: "<prefix>-mo-wt-rule-<trigger in lower case>", or "mo-wt-rule-<trigger>" without a
/// prefix. Errors: kInvalidArgument when the name breaks the rule EventBridge and Scheduler
/// share for names: 1 to 64 characters of A-Z a-z 0-9 . - _.
Result<std::string> TriggerRuleName(std::string_view prefix, std::string_view trigger);

/// The SQS queue policy that lets the rules `rule_arns` send to `queue_arn`. EventBridge rules
/// reach SQS through the queue's resource policy, not through a role: a rule's SQS target
/// takes no RoleArn. JSON: {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
/// "Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":
/// <queue_arn>,"Condition":{"ArnEquals":{"aws:SourceArn":[<rule_arns>]}}}]}.
std::string RuleTargetQueuePolicy(std::string_view queue_arn,
                                  const std::vector<std::string>& rule_arns);

/// One target of a rule: where a firing goes and what it carries.
struct RuleTarget {
  std::string id;     // unique within the rule: 1 to 64 of A-Z a-z 0-9 . - _
  std::string arn;    // the SQS queue's ARN
  std::string input;  // valid JSON text, sent as it is: a trigger name goes JSON-quoted
};

/// A rule on the default event bus that fires on a schedule, with one target.
struct ScheduledRule {
  std::string name;
  std::string schedule_expression;  // RateExpression
  std::string description;          // up to 512 characters; may be empty
  RuleTarget target;
};

/// A rule as DescribeRule reports it.
struct RuleDescription {
  std::string name;
  std::string arn;
  std::string schedule_expression;  // empty for event-pattern rules
  std::string state;                // "ENABLED", "DISABLED", ...
  std::string description;
};

/// EventBridge rules (JSON 1.1 protocol, X-Amz-Target AWSEvents.<Operation>), the calls setup
/// makes to have the worker triggers fire on a schedule. The members used, from the API
/// reference:
///  - PutRule {Name, ScheduleExpression, State, Description} → {RuleArn}; creates or replaces.
///  - DescribeRule {Name} → {Name, Arn, ScheduleExpression, State, Description, ...};
///    ResourceNotFoundException when there is no such rule.
///  - PutTargets {Rule, Targets: [{Id, Arn, Input}]} → {FailedEntryCount, FailedEntries:
///    [{TargetId, ErrorCode, ErrorMessage}]}: a 200 answer may still report failed entries.
///  - ListTargetsByRule {Rule, NextToken} → {Targets: [{Id, Arn, Input, ...}], NextToken}.
/// Errors of every method: those of AwsClient::Send (throttling retried there); kDataLoss for
/// an answer missing what the operation documents. Thread-safe; `events` must outlive this.
class EventBridgeClient {
 public:
  /// `events` calls aws::EventBridgeService().
  explicit EventBridgeClient(const AwsClient& events) : events_(events) {}

  /// Errors: kNotFound (no such rule).
  Result<RuleDescription> DescribeRule(std::string_view name) const;

  /// Creates the rule or replaces its schedule, state (ENABLED) and description. Returns the
  /// rule ARN. Errors: kInvalidArgument (ValidationException: bad name or expression).
  Result<std::string> PutRule(const ScheduledRule& rule) const;

  /// Every target of rule `rule`, all pages read. Errors: kNotFound (no such rule).
  Result<std::vector<RuleTarget>> ListTargetsByRule(std::string_view rule) const;

  /// Adds the rule's target, or replaces the target with the same id. Errors: kNotFound (no
  /// such rule), kInvalidArgument (also for an entry EventBridge reports as failed).
  Result<void> PutTarget(const ScheduledRule& rule) const;

  /// Makes the rule exist as given, with its target: creates it (kCreated); or puts the rule
  /// when its schedule, state or description differ and the target when it is missing or
  /// differs (kUpdated); or changes nothing (kUnchanged). Targets with other ids are left
  /// alone. Safe to repeat and to run from several processes (PutRule and PutTargets replace).
  Result<Ensured> EnsureRule(const ScheduledRule& rule) const;

 private:
  Result<nlohmann::json> Call(std::string_view operation, const nlohmann::json& body) const;

  const AwsClient& events_;
};

}  // namespace orch::aws
