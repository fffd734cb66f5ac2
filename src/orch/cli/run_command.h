#pragma once

#include "orch/cli/common_options.h"

namespace orch::cli {

/// `orchestrator run`: opens the backends and checks the schema (refusing a database that is
/// older or newer than this binary).
Result<void> RunServer(const CommonOptions& options);

}  // namespace orch::cli
