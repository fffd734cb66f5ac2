#include "orch/clients/snos/fixture_snos_runner.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "orch/clients/snos/sidecar_contract.h"
#include "orch/starknet/program_output_file.h"

namespace orch::snos {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kProgramOutputFile = "program_output.txt";

// The std::filesystem queries without exceptions: an unreadable path counts as absent.
bool IsDirectory(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

bool IsRegularFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

}  // namespace

FixtureSnosRunner::FixtureSnosRunner(std::string directory) : directory_(std::move(directory)) {}

Result<SnosResult> FixtureSnosRunner::Run(const SnosRequest& request) {
  ORCH_RETURN_IF_ERROR(ValidateSnosRequest(request));
  if (request.start_block != request.end_block) {
    return Error::InvalidArgument(
        "SNOS fixtures hold one block each; cannot run blocks {}..={} (set the SNOS batch size "
        "to 1)",
        request.start_block, request.end_block);
  }
  const std::uint64_t block = request.start_block;
  if (!IsDirectory(directory_)) {
    return Error::FailedPrecondition("SNOS fixture directory {} does not exist or cannot be read",
                                     directory_);
  }
  const fs::path block_dir = fs::path(directory_) / std::to_string(block);
  if (!IsDirectory(block_dir)) {
    return Error::Unavailable("block {} has no SNOS fixture yet ({} does not exist)", block,
                              block_dir.string());
  }

  const fs::path pie_path = block_dir / kCairoPieFile;
  if (!IsRegularFile(pie_path)) {
    return Error::FailedPrecondition("SNOS fixture of block {}: {} is missing", block,
                                     pie_path.string());
  }
  SnosResult result;
  ORCH_ASSIGN_OR_RETURN(result.cairo_pie_zip, ReadWholeFile(pie_path));
  ORCH_RETURN_IF_ERROR(CheckCairoPieZip(result.cairo_pie_zip, pie_path.string()));

  if (const fs::path json_path = block_dir / kOsOutputFile; IsRegularFile(json_path)) {
    ORCH_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(json_path));
    ORCH_ASSIGN_OR_RETURN(result.os_output, ParseOsOutputFile(text, json_path));
    return result;
  }
  const fs::path text_path = block_dir / kProgramOutputFile;
  if (!IsRegularFile(text_path)) {
    return Error::FailedPrecondition("SNOS fixture of block {}: neither {} nor {} exists", block,
                                     (block_dir / kOsOutputFile).string(), text_path.string());
  }
  ORCH_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(text_path));
  Result<std::vector<crypto::Felt>> felts = starknet::ParseProgramOutputAnyFormat(text);
  if (!felts.ok()) {
    return Error::DataLoss("{}: {}", text_path.string(), felts.error().message());
  }
  if (felts->empty()) {
    return Error::DataLoss("{}: no felts; an OS output has at least a header", text_path.string());
  }
  result.os_output = *std::move(felts);
  return result;
}

std::string FixtureSnosRunner::Describe() const { return "fixture:" + directory_; }

}  // namespace orch::snos
