#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "orch/common/result.h"
#include "orch/devnet/devnet_stack.h"

// `orchestrator devnet --blocks DIR`: the stack of DevnetStack and one orchestrator in this
// process, run until every block of DIR is settled (docs/devnet.md).
namespace orch::devnet {

struct DevnetOptions {
  DevnetStackOptions stack;
  /// Verification polls of every job type (the stand-ins answer at once).
  std::chrono::milliseconds poll{20};
  /// Gives up when the chain is not settled by then.
  std::chrono::seconds timeout{600};
};

/// What the run achieved: the last line of `orchestrator devnet`'s standard output.
struct DevnetSummary {
  bool settled = false;               // every block of DIR settled
  std::uint64_t settled_through = 0;  // the last block with a Completed StateTransition
  std::int64_t l1_state_block_number = -1;
  std::string l1_state_root;              // 0x-hex
  std::vector<std::string> transactions;  // settlement transaction hashes, in block order
  std::string failure;  // why not everything settled (a Failed job and its reason, a timeout)
  double seconds = 0;   // from the orchestrator's start to the end
  /// CPU time of this process over those seconds: the orchestrator's own work (and the
  /// in-process Madara stand-in's serving), not Anvil's.
  double cpu_seconds = 0;
};

nlohmann::json ToJson(const DevnetSummary& summary);

/// Starts the stack, runs the orchestrator (SQLite and artifacts under the stack's work
/// directory) until the last block's StateTransition completes, a job fails or the timeout
/// passes, printing progress per stage to `progress`, and shuts everything down.
/// Errors: the stack's and the orchestrator's startup errors; a run that ends without settling
/// everything is a summary with settled = false, not an error.
Result<DevnetSummary> RunDevnet(const DevnetOptions& options, std::ostream& progress);

}  // namespace orch::devnet
