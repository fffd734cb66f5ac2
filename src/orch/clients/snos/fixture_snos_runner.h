#pragma once

#include <string>

#include "orch/clients/snos/snos_runner.h"
#include "orch/common/result.h"

namespace orch::snos {

/// SnosRunner over a directory of precomputed runs, for devnets and tests (docs/snos.md,
/// "Fixture directory"): block N's run is `<directory>/N/cairo_pie.zip` with
/// `<directory>/N/os_output.json` (a JSON array of "0x…" felts) or, when that is absent,
/// `<directory>/N/program_output.txt` (one decimal felt per line, as the settlement test
/// vectors hold it, or upstream's bincode). Only single-block runs: a fixture holds one block.
/// The request's RPC URL is not used.
///
/// Errors: kInvalidArgument (a bad request, or start_block != end_block); kUnavailable
/// (`<directory>/N` does not exist yet: transient, so a devnet can add fixtures while the
/// orchestrator waits); kFailedPrecondition (the directory itself is missing, or the block's
/// directory lacks the PIE or both output files, or a file cannot be read; names the path);
/// kDataLoss (a malformed file, naming it and the element or line at fault).
///
/// A block's directory should appear whole (written elsewhere, then renamed into place):
/// one caught half-written fails its job.
///
/// Thread-safe: immutable after construction; it only reads files.
class FixtureSnosRunner final : public SnosRunner {
 public:
  explicit FixtureSnosRunner(std::string directory);

  // SnosRunner
  Result<SnosResult> Run(const SnosRequest& request) override;
  /// "fixture:<directory>".
  std::string Describe() const override;

 private:
  const std::string directory_;
};

}  // namespace orch::snos
