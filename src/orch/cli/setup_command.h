#pragma once

#include <ostream>
#include <string>

#include "orch/cli/common_options.h"

namespace orch::cli {

/// Options of `orchestrator setup` (docs/configuration.md).
struct SetupOptions {
  CommonOptions common;
  int storage_expiration_days = 14;
  bool aws_event_bridge = false;
  std::string event_bridge_type;  // rule | schedule
  int interval_seconds = 60;
  std::string event_bridge_role_arn;
  bool dry_run = false;
};

/// `orchestrator setup`: makes sure the database schema, the artifact storage, the queues and,
/// with the AWS flags, the S3 bucket, the SQS queues, the EventBridge rules or schedules and
/// the SNS topic exist. Idempotent and resumable; --dry-run only prints the plan. Progress
/// lines go to `out`.
Result<void> RunSetup(const SetupOptions& options, std::ostream& out);

}  // namespace orch::cli
