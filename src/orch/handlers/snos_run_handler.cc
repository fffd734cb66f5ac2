#include "orch/handlers/snos_run_handler.h"

#include <fmt/format.h>

#include <span>

#include "orch/cairo/fact.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"

namespace orch::handlers {
namespace {

using crypto::Felt;

job::SnosMetadata* SnosMetadataOf(job::Job& job) {
  return std::get_if<job::SnosMetadata>(&job.metadata.specific);
}

// The runner's output is not what a run over these blocks produces: permanent, as running the
// same OS on the same blocks gives the same output.
template <typename... Args>
Error BadRun(std::uint64_t block, fmt::format_string<Args...> format, Args&&... args) {
  return Error::DataLoss("the SNOS run for block {} is unusable: {}", block,
                         fmt::format(format, std::forward<Args>(args)...));
}

// The OS output's header names the blocks the job asked for, with the flags it asked for.
Result<void> CheckOutputMatches(const job::SnosMetadata& metadata, const SnosRunOptions& options,
                                const starknet::OsOutput& output) {
  const std::uint64_t block = metadata.start_block;
  if (output.new_block_number != Felt::FromUint64(metadata.end_block)) {
    return BadRun(block, "its output settles block {}, not {}", output.new_block_number.ToHex(),
                  metadata.end_block);
  }
  // Before block 0 the OS writes -1 as a felt.
  const Felt previous =
      metadata.start_block == 0 ? -Felt::One() : Felt::FromUint64(metadata.start_block - 1);
  if (output.prev_block_number && *output.prev_block_number != previous) {
    return BadRun(block, "its output starts after block {}, not {}",
                  output.prev_block_number->ToHex(), previous.ToHex());
  }
  if (output.use_kzg_da != options.use_kzg_da) {
    return BadRun(block, "its output has use_kzg_da = {}, the run asked for {}",
                  output.use_kzg_da ? 1 : 0, options.use_kzg_da ? 1 : 0);
  }
  if (output.full_output && *output.full_output != options.full_output) {
    return BadRun(block, "its output has full_output = {}, the run asked for {}",
                  *output.full_output ? 1 : 0, options.full_output ? 1 : 0);
  }
  return Ok();
}

std::string SnosOutputJson(std::span<const Felt> words) {
  return starknet::EncodeProgramOutput(words, starknet::ProgramOutputFormat::kJsonArray);
}

}  // namespace

SnosRunHandler::SnosRunHandler(snos::SnosRunner& runner, madara::MadaraClient& snos_rpc,
                               objects::ObjectStore& store, SnosRunOptions options)
    : runner_(runner), snos_rpc_(snos_rpc), store_(store), options_(std::move(options)) {}

job::JobType SnosRunHandler::type() const { return job::JobType::kSnosRun; }

engine::HandlerLimits SnosRunHandler::limits() const { return options_.limits; }

std::string SnosRunHandler::CairoPieKey(std::uint64_t block_number) {
  return fmt::format("{}/cairo_pie.zip", block_number);
}
std::string SnosRunHandler::SnosOutputKey(std::uint64_t block_number) {
  return fmt::format("{}/snos_output.json", block_number);
}
std::string SnosRunHandler::ProgramOutputKey(std::uint64_t block_number) {
  return fmt::format("{}/program_output.txt", block_number);
}

Result<job::SpecificMetadata> SnosRunHandler::CreateMetadata(std::uint64_t internal_id) {
  return job::SnosMetadata{
      .snos_batch_index = internal_id,
      .start_block = internal_id,
      .end_block = internal_id,
      .num_blocks = 1,
      .full_output = options_.full_output,
      .cairo_pie_path = CairoPieKey(internal_id),
      // The reference reserves this key and never writes it; kept for tooling that reads it.
      .on_chain_data_path = fmt::format("{}/onchain_data.json", internal_id),
      .snos_output_path = SnosOutputKey(internal_id),
      .program_output_path = ProgramOutputKey(internal_id),
  };
}

Result<job::ExternalId> SnosRunHandler::Process(job::Job& job) {
  job::SnosMetadata* metadata = SnosMetadataOf(job);
  if (metadata == nullptr || !metadata->cairo_pie_path || !metadata->snos_output_path ||
      !metadata->program_output_path || metadata->end_block < metadata->start_block) {
    return Error::FailedPrecondition("SnosRun job {} has no usable Snos metadata", job.id);
  }
  const std::uint64_t block = metadata->start_block;
  if (Result<Felt> chain_id = snos_rpc_.ChainId(); !chain_id.ok()) {
    return Error(chain_id.error().code(),
                 fmt::format("the SNOS RPC is not healthy (starknet_chainId failed: {})",
                             chain_id.error().message()),
                 /*transient=*/true);
  }

  const snos::SnosRequest request{
      .start_block = metadata->start_block,
      .end_block = metadata->end_block,
      .rpc_url = options_.rpc_url,
      .layout = options_.layout,
      .chain = options_.chain,
      .full_output = options_.full_output,
      .use_kzg_da = options_.use_kzg_da,
      .debug_mode = true,
      .versioned_constants_path = options_.versioned_constants_path,
      .da_public_keys = options_.da_public_keys,
  };
  Result<snos::SnosResult> run = runner_.Run(request);
  if (!run.ok()) {
    return run.error().WithContext(fmt::format("SNOS run for block {}", block));
  }

  const auto* zip = reinterpret_cast<const std::uint8_t*>(run->cairo_pie_zip.data());
  Result<cairo::CairoPie> pie =
      cairo::CairoPie::ReadBytes(std::span(zip, run->cairo_pie_zip.size()), options_.pie_limits);
  if (!pie.ok()) {
    return BadRun(block, "its Cairo PIE does not read: {}", pie.error().message());
  }
  Result<std::vector<Felt>> pie_output = pie->ProgramOutput();
  if (!pie_output.ok()) {
    return BadRun(block, "its Cairo PIE has no program output: {}", pie_output.error().message());
  }
  if (*pie_output != run->os_output) {
    std::size_t first = 0;
    while (first < pie_output->size() && first < run->os_output.size() &&
           (*pie_output)[first] == run->os_output[first]) {
      ++first;
    }
    return BadRun(block,
                  "the PIE's output segment ({} words) and the OS output ({} words) differ from "
                  "word {} on",
                  pie_output->size(), run->os_output.size(), first);
  }
  Result<starknet::OsOutput> output =
      starknet::ParseOsOutput(run->os_output, starknet::OsOutputLayout::kV0_13_2);
  if (!output.ok()) {
    return BadRun(block, "its OS output does not parse: {}", output.error().message());
  }
  ORCH_RETURN_IF_ERROR(CheckOutputMatches(*metadata, options_, *output));

  std::string fact;
  if (output->use_kzg_da) {
    Result<cairo::FactInfo> info = cairo::ComputeFactInfo(*pie);
    if (!info.ok()) {
      return BadRun(block, "its fact cannot be computed: {}", info.error().message());
    }
    fact = info->fact.ToPaddedHex();
  } else {
    fact = cairo::ComputeL2Fact(run->os_output).ToPaddedHex();
  }

  ORCH_RETURN_IF_ERROR(store_.Put(*metadata->cairo_pie_path, run->cairo_pie_zip));
  ORCH_RETURN_IF_ERROR(store_.Put(*metadata->snos_output_path, SnosOutputJson(run->os_output)));
  ORCH_RETURN_IF_ERROR(store_.Put(
      *metadata->program_output_path,
      starknet::EncodeProgramOutput(*pie_output, starknet::ProgramOutputFormat::kBincode)));
  metadata->snos_fact = fact;
  metadata->snos_n_steps = pie->execution_resources().n_steps;
  return job::ExternalId(std::to_string(metadata->snos_batch_index));
}

Result<engine::Verification> SnosRunHandler::Verify(job::Job& job) {
  const job::SnosMetadata* metadata = SnosMetadataOf(job);
  if (metadata == nullptr || !metadata->snos_fact) {
    return engine::Verification::Rejected("the job recorded no fact");
  }
  for (const std::optional<std::string>& key :
       {metadata->cairo_pie_path, metadata->snos_output_path, metadata->program_output_path}) {
    if (!key) {
      return engine::Verification::Rejected("the job's metadata lacks an artifact key");
    }
    ORCH_ASSIGN_OR_RETURN(const bool exists, store_.Exists(*key));
    if (!exists) {
      return engine::Verification::Rejected(
          fmt::format("{} is missing from the object store", *key));
    }
  }
  return engine::Verification::Verified();
}

}  // namespace orch::handlers
