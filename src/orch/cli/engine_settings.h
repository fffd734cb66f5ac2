#pragma once

#include <string>

#include "orch/cli/run_command.h"
#include "orch/common/result.h"
#include "orch/engine/engine.h"

namespace orch::cli {

/// The engine settings that `orchestrator run` flags describe: block range, look-ahead,
/// trigger tick, consumers per job type, processing leases, and transient-error backoff.
/// Errors: kInvalidArgument naming the flag (a non-positive count or duration, a malformed
/// or unknown --retry-policy, a cap below its base).
Result<engine::EngineOptions> EngineOptionsFrom(const RunOptions& options, engine::Layer layer,
                                                std::string instance_id);

/// One line per job type for the startup log: concurrency, lease, backoff overrides.
std::string DescribeEngineOptions(const engine::EngineOptions& options, engine::Layer layer);

}  // namespace orch::cli
