#include "orch/cli/devnet_command.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "orch/devnet/devnet.h"

namespace orch::cli {
namespace {

namespace fs = std::filesystem;

// A directory for one run, removed at the end unless the operator named it.
class WorkDir {
 public:
  static Result<WorkDir> Make(const std::string& requested) {
    if (!requested.empty()) {
      std::error_code error;
      fs::create_directories(requested, error);
      if (error) {
        return Error::InvalidArgument("--work-dir {}: {}", requested, error.message());
      }
      if (!fs::is_empty(requested, error)) {
        return Error::InvalidArgument(
            "--work-dir {} is not empty: the devnet starts a new chain and database every run",
            requested);
      }
      return WorkDir(requested, false);
    }
    std::string pattern = (fs::temp_directory_path() / "orch-devnet-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Error::Unavailable("cannot create a temporary directory under {}",
                                fs::temp_directory_path().string());
    }
    return WorkDir(pattern, true);
  }
  WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)), remove_(other.remove_) {
    other.remove_ = false;
  }
  ~WorkDir() {
    if (remove_) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  const fs::path& path() const { return path_; }

 private:
  WorkDir(fs::path path, bool remove) : path_(std::move(path)), remove_(remove) {}
  fs::path path_;
  bool remove_;
};

}  // namespace

Result<bool> RunDevnetCommand(const DevnetCommandOptions& options, std::ostream& out,
                              std::ostream& progress) {
  if (!fs::is_directory(options.blocks_dir)) {
    return Error::InvalidArgument("--blocks {} is not a directory", options.blocks_dir);
  }
  if (options.timeout_seconds <= 0 || options.poll_milliseconds <= 0 ||
      options.block_time_seconds < 0) {
    return Error::InvalidArgument(
        "--timeout-seconds and --poll-ms must be positive, --block-time not negative");
  }
  // The stages' own log lines would drown the progress lines; LOG_LEVEL or RUST_LOG bring them
  // back.
  if (getenv("LOG_LEVEL") == nullptr && getenv("RUST_LOG") == nullptr) {
    spdlog::set_level(spdlog::level::warn);
  }
  ORCH_ASSIGN_OR_RETURN(const WorkDir work, WorkDir::Make(options.work_dir));
  devnet::DevnetOptions devnet{
      .stack = {.blocks_dir = options.blocks_dir,
                .work_dir = work.path(),
                .chain_id = options.chain_id,
                .block_time_seconds = options.block_time_seconds,
                .default_starknet_version = options.default_starknet_version},
      .poll = std::chrono::milliseconds(options.poll_milliseconds),
      .timeout = std::chrono::seconds(options.timeout_seconds)};
  ORCH_ASSIGN_OR_RETURN(const devnet::DevnetSummary summary, devnet::RunDevnet(devnet, progress));
  out << devnet::ToJson(summary).dump() << std::endl;
  return summary.settled;
}

}  // namespace orch::cli
