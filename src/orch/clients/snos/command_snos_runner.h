#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "orch/clients/snos/snos_runner.h"
#include "orch/common/result.h"

namespace orch::snos {

/// Exit code with which a sidecar program asks for the run to be tried again (EX_TEMPFAIL).
inline constexpr int kSidecarRetryExitCode = 75;

/// Environment variable that carries the request's RPC URL to the sidecar program: argv is
/// visible to every user (ps, /proc), the environment only to the process owner.
inline constexpr const char* kSidecarRpcUrlVariable = "SNOS_RPC_URL";

struct CommandSnosRunnerOptions {
  /// The sidecar program: a path, executed without a shell; PATH is not searched.
  std::string program;
  /// Per run, from start to exit. Then the run's process group gets SIGTERM and, kill_grace
  /// later, SIGKILL.
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  std::chrono::milliseconds kill_grace{std::chrono::seconds(10)};
  /// Where each run's output directory is made (and removed after the run). Empty: the system
  /// temporary directory.
  std::string work_root;
  /// Variables of the orchestrator's environment the sidecar also gets, besides PATH, HOME,
  /// LANG, LC_ALL, TZ, TMPDIR, RUST_LOG and RUST_BACKTRACE. Nothing else is passed on: the
  /// orchestrator's environment holds database URLs and signing keys.
  std::vector<std::string> pass_environment;
  /// How much of the end of the sidecar's stderr an error message quotes.
  std::size_t max_stderr_bytes = 4096;
};

/// SnosRunner that runs a sidecar program once per request (docs/snos.md, "Command sidecar"):
///
///   <program> --output-dir DIR --start-block N --end-block M --layout L --chain-id ID
///             --strk-fee-token 0x… --eth-fee-token 0x… [--is-l3] --full-output true|false
///             --use-kzg-da true|false --debug-mode true|false [--versioned-constants PATH]
///             [--da-public-keys 0x…,0x…]
///
/// with the RPC URL in SNOS_RPC_URL, stdin and stdout on /dev/null and stderr captured. On exit
/// 0 the program has written DIR/cairo_pie.zip and DIR/os_output.json (a JSON array of "0x…"
/// felts). DIR is a fresh directory per run under work_root, removed after the run.
///
/// Errors: kInvalidArgument (bad request; nothing runs); kFailedPrecondition (the program
/// cannot be started, or exited with a code other than 0 and 75: an OS execution error;
/// permanent); kUnavailable (exit 75, killed by a signal, or fork/pipe failures; transient);
/// kTimeout (transient); kDataLoss (exit 0 without the two files, or with a malformed one;
/// the message names the file and the element at fault). Messages quote the tail of stderr,
/// with the RPC URL and its secret parts masked.
///
/// The child runs in its own process group, so that a timeout reaches whatever it started, and
/// is killed (PR_SET_PDEATHSIG) if the thread that runs it dies, e.g. with the orchestrator.
/// When it exits, what is left of its group is killed.
///
/// Thread-safe: runs share nothing but the immutable options (descriptors are close-on-exec,
/// so concurrent runs do not inherit each other's pipes).
class CommandSnosRunner final : public SnosRunner {
 public:
  /// The options must be sane: a program, a positive timeout, a non-negative grace and a
  /// positive max_stderr_bytes.
  explicit CommandSnosRunner(CommandSnosRunnerOptions options);

  // SnosRunner
  Result<SnosResult> Run(const SnosRequest& request) override;
  /// "command:<program>".
  std::string Describe() const override;

 private:
  const CommandSnosRunnerOptions options_;
};

}  // namespace orch::snos
