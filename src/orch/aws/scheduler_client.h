#pragma once

#include <string>
#include <string_view>

#include "orch/aws/aws_client.h"
#include "orch/aws/eventbridge_client.h"
#include "orch/common/result.h"

namespace orch::aws {

/// A schedule in the default group that sends a constant input to an SQS queue.
struct Schedule {
  std::string name;                 // 1 to 64 of A-Z a-z 0-9 . - _ (TriggerRuleName)
  std::string schedule_expression;  // RateExpression
  std::string description;          // up to 512 characters; may be empty
  std::string target_arn;           // the SQS queue's ARN
  /// The role Scheduler assumes to send: trusted by scheduler.amazonaws.com and allowed
  /// sqs:SendMessage on the queue. Scheduler requires one for every target.
  std::string role_arn;
  std::string input;  // the message body, as it is (any text, unlike a rule's JSON input)
};

/// A schedule as GetSchedule reports it.
struct ScheduleDescription {
  Schedule schedule;
  std::string arn;
  std::string state;                      // "ENABLED" or "DISABLED"
  std::string flexible_time_window_mode;  // "OFF" or "FLEXIBLE"
};

/// EventBridge Scheduler (REST-JSON protocol), the alternative to rules for the worker
/// triggers. The shapes used, from the API reference:
///  - GET /schedules/{Name} → {Arn, Name, GroupName, ScheduleExpression, State,
///    Description, FlexibleTimeWindow: {Mode, MaximumWindowInMinutes}, Target: {Arn, RoleArn,
///    Input, ...}, ...}; 404 ResourceNotFoundException when there is no such schedule.
///  - POST /schedules/{Name} (CreateSchedule) and PUT /schedules/{Name} (UpdateSchedule), body
///    {ScheduleExpression, FlexibleTimeWindow: {Mode: "OFF"}, State, Description, Target: {Arn,
///    RoleArn, Input}} → {ScheduleArn}. Create answers 409 ConflictException for an existing
///    name; Update replaces every field (those left out take their defaults).
/// Errors of every method: those of AwsClient::Send (throttling retried there); kDataLoss for
/// an answer missing what the operation documents. Thread-safe; `scheduler` must outlive this.
class SchedulerClient {
 public:
  /// `scheduler` calls aws::SchedulerService().
  explicit SchedulerClient(const AwsClient& scheduler) : scheduler_(scheduler) {}

  /// Errors: kNotFound (no such schedule).
  Result<ScheduleDescription> GetSchedule(std::string_view name) const;

  /// Returns the schedule ARN. Errors: kAlreadyExists (ConflictException), kInvalidArgument
  /// (ValidationException).
  Result<std::string> CreateSchedule(const Schedule& schedule) const;

  /// Replaces the schedule; returns its ARN. Errors: kNotFound, kInvalidArgument.
  Result<std::string> UpdateSchedule(const Schedule& schedule) const;

  /// Makes the schedule exist as given, enabled, with no flexible time window: creates it
  /// (kCreated), replaces it when anything differs (kUpdated) or changes nothing (kUnchanged).
  /// Losing a creation race to another process (or to a retried create that had in fact
  /// succeeded) falls back to comparing and updating.
  Result<Ensured> EnsureSchedule(const Schedule& schedule) const;

 private:
  // Sends `method` /schedules/{name} with `body` (none when null); returns the JSON answer.
  Result<nlohmann::json> Call(std::string_view operation, std::string_view method,
                              std::string_view name, const nlohmann::json& body) const;
  // CreateSchedule or UpdateSchedule.
  Result<std::string> Put(std::string_view operation, std::string_view method,
                          const Schedule& schedule) const;

  const AwsClient& scheduler_;
};

}  // namespace orch::aws
