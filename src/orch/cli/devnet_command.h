#pragma once

#include <iosfwd>
#include <string>

#include "orch/common/result.h"

namespace orch::cli {

/// Options of `orchestrator devnet` (docs/devnet.md).
struct DevnetCommandOptions {
  std::string blocks_dir;
  /// Kept after the run when given; else a temporary directory, removed at the end.
  std::string work_dir;
  std::string chain_id = "MADARA_DEVNET";
  std::string default_starknet_version = "0.13.2";
  int block_time_seconds = 0;
  int timeout_seconds = 600;
  int poll_milliseconds = 20;
};

/// `orchestrator devnet --blocks DIR`: a whole local stack (Anvil with the contracts, a Madara
/// stand-in serving DIR, the fixture SNOS runner, the mock prover) and an orchestrator settling
/// every block of DIR. Progress goes to `progress`; the JSON summary is the last line of `out`.
/// Returns whether every block settled. Errors: bad options, and a stack or orchestrator that
/// does not start.
Result<bool> RunDevnetCommand(const DevnetCommandOptions& options, std::ostream& out,
                              std::ostream& progress);

}  // namespace orch::cli
