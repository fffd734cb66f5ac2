#include "orch/clients/snos/command_snos_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "orch/clients/snos/sidecar_contract.h"
#include "orch/common/check.h"
#include "orch/http/url_scrubber.h"

namespace orch::snos {
namespace {

namespace fs = std::filesystem;
// A subprocess runs in real time whatever clock the rest of the orchestrator is given.
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a wait looks at the child while its stderr is quiet.
constexpr milliseconds kPollTick{50};
// Reads per drain of the stderr pipe (4 KiB each; the pipe holds 64 KiB): enough to empty it,
// few enough that a child writing without pause cannot keep the wait from its deadline.
constexpr int kReadsPerDrain = 32;
// Captured stderr grows this far past what is kept before it is masked and trimmed, so that
// masking costs about one pass over the stream.
constexpr std::size_t kScrubSlack = 64 * 1024;
// Exit code of a child that could not exec the program (its errno goes through a pipe).
constexpr int kExecFailedExitCode = 127;

constexpr std::array<std::string_view, 8> kPassedEnvironment = {
    "PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "RUST_LOG", "RUST_BACKTRACE"};

std::string SystemError(int error) { return std::system_category().message(error); }

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&&) = delete;

  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

// Close-on-exec, so that children started concurrently by other runs do not hold our ends.
Result<Pipe> MakePipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return Error::Unavailable("cannot create a pipe: {}", SystemError(errno));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// The run's output directory, removed with its content when the run is over.
class RunDirectory {
 public:
  static Result<RunDirectory> Create(const fs::path& root, const SnosRequest& request) {
    std::string pattern =
        (root / fmt::format("snos-{}-{}-XXXXXX", request.start_block, request.end_block)).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      const int error = errno;
      // A missing or forbidden root is configuration; anything else (a full disk) may pass.
      const bool permanent = error == ENOENT || error == ENOTDIR || error == EACCES;
      return Error(permanent ? ErrorCode::kFailedPrecondition : ErrorCode::kUnavailable,
                   fmt::format("cannot create a SNOS run directory in {}: {}", root.string(),
                               SystemError(error)));
    }
    return RunDirectory(pattern);
  }

  RunDirectory(RunDirectory&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  RunDirectory& operator=(RunDirectory&&) = delete;
  ~RunDirectory() {
    if (path_.empty()) {
      return;
    }
    std::error_code error;
    fs::remove_all(path_, error);
    if (error) {
      spdlog::warn("cannot remove SNOS run directory {}: {}", path_.string(), error.message());
    }
  }

  const fs::path& path() const { return path_; }

 private:
  explicit RunDirectory(fs::path path) : path_(std::move(path)) {}

  fs::path path_;
};

// The end of the child's stderr, bounded, with the RPC URL masked as it arrives. Masking runs
// before anything is dropped from the front, and what is kept exceeds any secret's length, so
// that only the end can hold a partial secret (still arriving) and a drop never leaves part of
// one behind.
class ScrubbedTail {
 public:
  ScrubbedTail(const http::UrlScrubber& scrubber, std::size_t keep)
      : scrubber_(scrubber), keep_(keep) {}

  void Append(std::string_view data) {
    text_.append(data);
    if (text_.size() > keep_ + kScrubSlack) {
      text_ = scrubber_.Scrub(std::move(text_));
      if (text_.size() > keep_) {
        text_.erase(0, text_.size() - keep_);
      }
    }
  }

  std::string Finish() && { return scrubber_.Scrub(std::move(text_)); }

 private:
  const http::UrlScrubber& scrubber_;
  const std::size_t keep_;
  std::string text_;
};

// Reads what the non-blocking pipe holds now. Returns false once it is closed (end of file).
bool Drain(int fd, ScrubbedTail& tail) {
  std::array<char, 4096> buffer{};
  for (int reads = 0; reads < kReadsPerDrain; ++reads) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      tail.Append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    } else if (n == 0) {
      return false;
    } else if (errno != EINTR) {
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
  return true;
}

// Whether the child has exited. WNOWAIT leaves it a zombie, so that its pid, which is also its
// process group's id, cannot be reused before the group has been killed.
bool HasExited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno != EINTR;  // ECHILD: nothing left to wait for
  }
  return info.si_pid != 0;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Everything the child needs, prepared before fork: between fork and exec the child of a
// multi-threaded process may only make async-signal-safe calls (no allocation).
struct ChildSetup {
  const char* program;
  char* const* argv;
  char* const* envp;
  int null_fd;
  int stderr_fd;
  int exec_error_fd;
  pid_t parent;
};

[[noreturn]] void ExecChild(const ChildSetup& setup) {
  ::setpgid(0, 0);
  // Dies with the thread that runs it (which waits for it), e.g. when the orchestrator dies.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != setup.parent) {
    ::_exit(kExecFailedExitCode);
  }
  // Ignored signals (SIGPIPE in a server) and blocked ones would be inherited through exec.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    ::sigaction(signal_number, &default_action, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(setup.null_fd, STDIN_FILENO) >= 0 && ::dup2(setup.null_fd, STDOUT_FILENO) >= 0 &&
      ::dup2(setup.stderr_fd, STDERR_FILENO) >= 0) {
    ::execve(setup.program, setup.argv, setup.envp);
  }
  const int error = errno;
  [[maybe_unused]] const ssize_t written = ::write(setup.exec_error_fd, &error, sizeof error);
  ::_exit(kExecFailedExitCode);
}

struct Outcome {
  int wait_status = 0;
  bool timed_out = false;
  std::string stderr_text;  // the end of it, RPC URL masked
};

// Runs the program to its end (or the timeout's) and reaps it.
Result<Outcome> RunProcess(const CommandSnosRunnerOptions& options,
                           std::vector<std::string> arguments, std::vector<std::string> environment,
                           const http::UrlScrubber& scrubber, std::size_t stderr_keep) {
  std::vector<char*> argv = CStrings(arguments);
  std::vector<char*> envp = CStrings(environment);
  ORCH_ASSIGN_OR_RETURN(Pipe stderr_pipe, MakePipe());
  ORCH_ASSIGN_OR_RETURN(Pipe exec_error_pipe, MakePipe());
  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (null_fd.get() < 0) {
    return Error::Unavailable("cannot open /dev/null: {}", SystemError(errno));
  }
  const ChildSetup setup{.program = options.program.c_str(),
                         .argv = argv.data(),
                         .envp = envp.data(),
                         .null_fd = null_fd.get(),
                         .stderr_fd = stderr_pipe.write.get(),
                         .exec_error_fd = exec_error_pipe.write.get(),
                         .parent = ::getpid()};
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Error::Unavailable("cannot fork: {}", SystemError(errno));
  }
  if (pid == 0) {
    ExecChild(setup);
  }
  // As the child does: whichever runs first, the group exists before anything signals it.
  ::setpgid(pid, pid);
  stderr_pipe.write.Reset();
  exec_error_pipe.write.Reset();
  null_fd.Reset();

  int exec_error = 0;
  ssize_t n = 0;
  do {
    n = ::read(exec_error_pipe.read.get(), &exec_error, sizeof exec_error);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof exec_error) {  // otherwise end of file: the pipe closed on exec
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return Error::FailedPrecondition("cannot run {}: {}", options.program, SystemError(exec_error));
  }

  const int stderr_fd = stderr_pipe.read.get();
  ::fcntl(stderr_fd, F_SETFL, ::fcntl(stderr_fd, F_GETFL) | O_NONBLOCK);
  ScrubbedTail tail(scrubber, stderr_keep);
  bool stderr_open = true;
  // True once the child has exited; collects stderr meanwhile.
  const auto wait_until = [&](SteadyClock::time_point until) {
    while (!HasExited(pid)) {
      const auto now = SteadyClock::now();
      if (now >= until) {
        return false;
      }
      const auto tick = std::min(kPollTick, std::chrono::ceil<milliseconds>(until - now));
      const int tick_ms = static_cast<int>(tick.count());
      if (stderr_open) {
        pollfd readable{.fd = stderr_fd, .events = POLLIN, .revents = 0};
        if (::poll(&readable, 1, tick_ms) > 0) {
          stderr_open = Drain(stderr_fd, tail);
        }
      } else {
        ::poll(nullptr, 0, tick_ms);
      }
    }
    return true;
  };

  Outcome outcome;
  if (!wait_until(SteadyClock::now() + options.timeout)) {
    outcome.timed_out = true;
    ::kill(-pid, SIGTERM);
    wait_until(SteadyClock::now() + options.kill_grace);
  }
  // All of the group after a timeout; otherwise whatever the program started and left behind.
  ::kill(-pid, SIGKILL);
  if (stderr_open) {
    // What is already in the pipe; a writer that left the group is not waited for.
    Drain(stderr_fd, tail);
  }
  while (::waitpid(pid, &outcome.wait_status, 0) < 0) {
    if (errno != EINTR) {
      return Error::Internal("cannot wait for {} (pid {}): {}", options.program, pid,
                             SystemError(errno));
    }
  }
  outcome.stderr_text = std::move(tail).Finish();
  return outcome;
}

std::string Flag(bool value) { return value ? "true" : "false"; }

std::vector<std::string> SidecarArguments(const std::string& program, const SnosRequest& request,
                                          const fs::path& output_dir) {
  std::vector<std::string> arguments = {program,
                                        "--output-dir",
                                        output_dir.string(),
                                        "--start-block",
                                        std::to_string(request.start_block),
                                        "--end-block",
                                        std::to_string(request.end_block),
                                        "--layout",
                                        request.layout,
                                        "--chain-id",
                                        request.chain.chain_id,
                                        "--strk-fee-token",
                                        request.chain.strk_fee_token_address.ToHex(),
                                        "--eth-fee-token",
                                        request.chain.eth_fee_token_address.ToHex()};
  if (request.chain.is_l3) {
    arguments.emplace_back("--is-l3");
  }
  for (const auto& [name, value] : {std::pair{"--full-output", request.full_output},
                                    std::pair{"--use-kzg-da", request.use_kzg_da},
                                    std::pair{"--debug-mode", request.debug_mode}}) {
    arguments.emplace_back(name);
    arguments.push_back(Flag(value));
  }
  if (request.versioned_constants_path.has_value()) {
    arguments.emplace_back("--versioned-constants");
    arguments.push_back(*request.versioned_constants_path);
  }
  if (!request.da_public_keys.empty()) {
    std::string keys;
    for (const crypto::Felt& key : request.da_public_keys) {
      keys += keys.empty() ? "" : ",";
      keys += key.ToHex();
    }
    arguments.emplace_back("--da-public-keys");
    arguments.push_back(std::move(keys));
  }
  return arguments;
}

std::vector<std::string> SidecarEnvironment(const std::vector<std::string>& pass_environment,
                                            const std::string& rpc_url) {
  std::vector<std::string> names(kPassedEnvironment.begin(), kPassedEnvironment.end());
  for (const std::string& name : pass_environment) {
    if (std::ranges::find(names, name) == names.end() && name != kSidecarRpcUrlVariable) {
      names.push_back(name);
    }
  }
  std::vector<std::string> environment;
  for (const std::string& name : names) {
    if (const char* value = std::getenv(name.c_str()); value != nullptr) {
      environment.push_back(name + "=" + value);
    }
  }
  environment.push_back(std::string(kSidecarRpcUrlVariable) + "=" + rpc_url);
  return environment;
}

// The run's output files. Messages name a file by its name alone: its directory is gone by
// the time anyone reads them.
Result<SnosResult> ReadOutputs(const fs::path& dir) {
  const auto read = [&](std::string_view file) -> Result<std::string> {
    const fs::path path = dir / file;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      return Error::DataLoss("exited 0 but wrote no {}", file);
    }
    Result<std::string> content = ReadWholeFile(path);
    if (!content.ok()) {
      return Error::DataLoss("{}", content.error().message());
    }
    return content;
  };
  SnosResult result;
  ORCH_ASSIGN_OR_RETURN(result.cairo_pie_zip, read(kCairoPieFile));
  ORCH_RETURN_IF_ERROR(CheckCairoPieZip(result.cairo_pie_zip, kCairoPieFile));
  ORCH_ASSIGN_OR_RETURN(const std::string os_output, read(kOsOutputFile));
  ORCH_ASSIGN_OR_RETURN(result.os_output, ParseOsOutputFile(os_output, kOsOutputFile));
  return result;
}

}  // namespace

CommandSnosRunner::CommandSnosRunner(CommandSnosRunnerOptions options)
    : options_(std::move(options)) {
  ORCH_CHECK(!options_.program.empty(), "CommandSnosRunnerOptions.program must be set");
  ORCH_CHECK(options_.timeout.count() > 0, "CommandSnosRunnerOptions.timeout must be positive");
  ORCH_CHECK(options_.kill_grace.count() >= 0,
             "CommandSnosRunnerOptions.kill_grace must not be negative");
  ORCH_CHECK(options_.max_stderr_bytes > 0,
             "CommandSnosRunnerOptions.max_stderr_bytes must be positive");
  for (const std::string& name : options_.pass_environment) {
    ORCH_CHECK(!name.empty() && name.find('=') == std::string::npos,
               "CommandSnosRunnerOptions.pass_environment: \"{}\" is not a variable name", name);
  }
}

Result<SnosResult> CommandSnosRunner::Run(const SnosRequest& request) {
  ORCH_RETURN_IF_ERROR(ValidateSnosRequest(request));
  ORCH_RETURN_IF_ERROR(ValidateRpcUrl(request.rpc_url));
  const std::string context = fmt::format("SNOS sidecar {} for blocks {}..={}", options_.program,
                                          request.start_block, request.end_block);
  std::error_code error;
  const fs::path root =
      options_.work_root.empty() ? fs::temp_directory_path(error) : fs::path(options_.work_root);
  if (error) {
    return Error::FailedPrecondition("{}: no temporary directory: {}", context, error.message());
  }
  ORCH_ASSIGN_OR_RETURN(const RunDirectory dir, RunDirectory::Create(root, request));

  const http::UrlScrubber scrubber(request.rpc_url);
  // Enough beyond what is quoted that a secret cut by the quote's start is still whole (and
  // masked) in what is kept: masked forms of the URL are at most about twice its length.
  const std::size_t stderr_keep = options_.max_stderr_bytes + 2 * request.rpc_url.size();
  Result<Outcome> outcome = RunProcess(
      options_, SidecarArguments(options_.program, request, dir.path()),
      SidecarEnvironment(options_.pass_environment, request.rpc_url), scrubber, stderr_keep);
  if (!outcome.ok()) {
    return outcome.error().WithContext(context);
  }
  std::string stderr_tail = TailForMessage(outcome->stderr_text, options_.max_stderr_bytes);
  if (stderr_tail.empty()) {
    stderr_tail = "(nothing on stderr)";
  }
  if (outcome->timed_out) {
    return Error::Timeout("{}: timed out after {} ms; its process group was killed; stderr: {}",
                          context, options_.timeout.count(), stderr_tail);
  }
  const int status = outcome->wait_status;
  if (WIFSIGNALED(status)) {
    return Error::Unavailable("{}: killed by signal {}; stderr: {}", context, WTERMSIG(status),
                              stderr_tail);
  }
  const int exit_code = WEXITSTATUS(status);
  if (exit_code == kSidecarRetryExitCode) {
    return Error::Unavailable("{}: asked to be retried (exit {}); stderr: {}", context, exit_code,
                              stderr_tail);
  }
  if (exit_code != 0) {
    return Error::FailedPrecondition("{}: failed (exit {}); stderr: {}", context, exit_code,
                                     stderr_tail);
  }
  Result<SnosResult> result = ReadOutputs(dir.path());
  if (!result.ok()) {
    return result.error().WithContext(context);
  }
  return result;
}

std::string CommandSnosRunner::Describe() const { return "command:" + options_.program; }

}  // namespace orch::snos
