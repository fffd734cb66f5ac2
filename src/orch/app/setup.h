#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "orch/app/backends.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/engine/queue_layout.h"

namespace orch::app {

/// How worker triggers are scheduled on AWS: EventBridge rules or EventBridge Scheduler.
enum class EventBridgeType { kNone, kRule, kSchedule };

/// What `orchestrator setup` creates (docs/configuration.md, docs/aws.md).
struct SetupSettings {
  BackendUrls urls;
  engine::Layer layer = engine::Layer::kL2;
  engine::QueueLayout::Options queue_layout;
  /// Settled artifacts (tagged expire-after-settlement=true) expire after this many days.
  int storage_expiration_days = 14;
  /// Prefix of the EventBridge rule or schedule names ("<prefix>-mo-wt-rule-<trigger>").
  std::string aws_prefix;
  EventBridgeType event_bridge = EventBridgeType::kNone;
  /// How often each trigger name is put into worker_trigger: whole minutes (EventBridge's
  /// granularity).
  std::chrono::seconds interval{60};
  /// The role EventBridge Scheduler assumes to send to worker_trigger (schedules need one;
  /// rules reach the queue through its policy instead).
  std::string scheduler_role_arn;
};

/// One idempotent step of setup: a line saying what it makes sure of, and the call doing it.
struct SetupStep {
  std::string description;
  /// Makes sure of it; returns what it did ("created", "updated", "unchanged", "done", ...).
  std::function<Result<std::string>()> apply;
};

/// The steps of setup, in order: database schema; artifact directory or S3 bucket and its
/// lifecycle rule; every queue of the layer (dead-letter queue first); EventBridge rules or
/// schedules per trigger (+ the worker_trigger queue policy for rules); the SNS topic. Every
/// step makes sure of a state rather than doing an action, so a setup killed half-way is
/// finished by running it again, and a second run changes nothing.
/// Thread-compatible: used from one thread.
class SetupPlan {
 public:
  /// Checks the settings and lays out the steps; contacts nothing.
  /// Errors: kInvalidArgument (an unknown scheme, a schedule without a role ARN, an interval
  /// that is not whole minutes, ...).
  static Result<SetupPlan> Create(SetupSettings settings, const Clock& clock,
                                  aws::EnvLookup env = aws::ProcessEnv);
  SetupPlan(SetupPlan&&) noexcept;
  SetupPlan& operator=(SetupPlan&&) noexcept;
  ~SetupPlan();

  /// The steps' descriptions, for --dry-run.
  std::vector<std::string> Describe() const;

  /// Runs every step in order, writing "[i/n] description: outcome" to `progress` as it goes;
  /// stops at the first failure, naming the step (a later run resumes from the start, which
  /// passes quickly over what exists).
  Result<void> Apply(std::ostream& progress);

 private:
  struct State;
  explicit SetupPlan(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace orch::app
