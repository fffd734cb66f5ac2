#pragma once

namespace orch::cli {

/// Parses the command line (flags, then MADARA_ORCHESTRATOR_* variables, then defaults) and
/// runs the chosen command. Returns the process exit code: 0 on success, 1 when the command
/// failed (one `error:` line on stderr says why), 2 for usage errors.
int RunCli(int argc, char** argv);

}  // namespace orch::cli
