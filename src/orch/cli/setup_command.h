#pragma once

#include "orch/cli/common_options.h"

namespace orch::cli {

/// `orchestrator setup`: creates or upgrades the database schema and the artifact directory.
/// Safe to run again (and from several instances at once on PostgreSQL).
Result<void> RunSetup(const CommonOptions& options);

}  // namespace orch::cli
