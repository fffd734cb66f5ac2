#pragma once

#include <iosfwd>
#include <memory>

#include "orch/common/result.h"

namespace CLI {
class App;
}  // namespace CLI

namespace orch::cli {

/// The Starknet data-format tools of `orchestrator tool`: `da-encode` (a state update to the
/// felts or blobs it publishes), `program-output` (the fields of an OS output), `pie-info`
/// (program hash, fact and output of a Cairo PIE) and `make-chain` (writes a synthetic chain
/// for the devnet). Each prints one line of JSON.
///
/// Construct it with the `tool` subcommand before parsing; after parsing, Run() runs the tool
/// that was chosen, if parsed(). Confined to the thread that parses the command line.
class StarknetTools {
 public:
  explicit StarknetTools(CLI::App& tool_command);
  ~StarknetTools();
  StarknetTools(const StarknetTools&) = delete;
  StarknetTools& operator=(const StarknetTools&) = delete;

  /// Whether one of these tools was on the command line.
  bool parsed() const;

  /// Runs the tool that was parsed, reading "-" inputs from `in` and writing to `out`.
  /// Errors: as ToolCommand::Run; messages name the file and what in it is wrong.
  Result<void> Run(std::istream& in, std::ostream& out) const;

 private:
  struct Options;

  std::unique_ptr<Options> options_;
};

}  // namespace orch::cli
