#include "orch/devnet/devnet_stack.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact.h"
#include "orch/cairo/pie_writer.h"
#include "orch/clients/madara/http_madara_client.h"
#include "orch/common/file.h"
#include "orch/contracts/deploy.h"
#include "orch/devnet/derived_output.h"
#include "orch/handlers/data_submission_handler.h"
#include "orch/kzg/kzg.h"
#include "orch/starknet/os_config_hash.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"

namespace orch::devnet {
namespace {

namespace fs = std::filesystem;
using crypto::Felt;

// The stand-in PIE declares this many steps (Atlantic would size the job by it).
constexpr std::uint64_t kStandInSteps = 1'000'000;
// Facts of aggregated outputs would be registered under this hash; the devnet has none.
constexpr Felt kNoAggregatorProgramHash = Felt::FromUint64(0);

Result<void> WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    return Error::Unavailable("cannot write {}", path.string());
  }
  return Ok();
}

// The parent hash block.json gives the first block (0 when it gives none), as the stand-in
// serves it.
Result<Felt> FirstParentHash(const fs::path& block_dir) {
  const fs::path path = block_dir / "block.json";
  if (!fs::exists(path)) {
    return Felt();
  }
  ORCH_ASSIGN_OR_RETURN(const std::string text, ReadFileContents(path));
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("parent_hash")) {
    return Felt();
  }
  if (!json["parent_hash"].is_string()) {
    return Error::InvalidArgument("{}: parent_hash is not a string", path.string());
  }
  return Felt::FromHex(json["parent_hash"].get<std::string>());
}

// The program hash of a given PIE, or of the stand-in program.
Result<Felt> ProgramHashOf(const std::string& pie_zip, const fs::path& path) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(pie_zip.data());
  Result<cairo::CairoPie> pie = cairo::CairoPie::ReadBytes(std::span(bytes, pie_zip.size()));
  if (!pie.ok()) {
    return Error::InvalidArgument("{}: {}", path.string(), pie.error().message());
  }
  Result<cairo::FactInfo> info = cairo::ComputeFactInfo(*pie);
  if (!info.ok()) {
    return Error::InvalidArgument("{}: {}", path.string(), info.error().message());
  }
  return info->program_hash;
}

}  // namespace

DevnetStack::~DevnetStack() = default;

Result<std::unique_ptr<DevnetStack>> DevnetStack::Start(const DevnetStackOptions& options,
                                                        std::ostream& progress) {
  std::unique_ptr<DevnetStack> stack(new DevnetStack());
  ORCH_ASSIGN_OR_RETURN(const starknet::StarknetVersion default_version,
                        starknet::StarknetVersion::Parse(options.default_starknet_version));
  MadaraStandinOptions standin_options{.blocks_dir = options.blocks_dir,
                                       .default_version = default_version,
                                       .chain_id = options.chain_id};
  ORCH_ASSIGN_OR_RETURN(stack->standin_, MadaraStandin::Start(standin_options));
  stack->first_block_ = stack->standin_->first_block();
  stack->last_block_ = stack->standin_->last_block();
  stack->madara_url_ = stack->standin_->url();
  progress << fmt::format("devnet: Madara stand-in serves blocks {}..{} of {} at {}\n",
                          stack->first_block_, stack->last_block_, options.blocks_dir.string(),
                          stack->madara_url_);

  stack->anvil_state_file_ = fs::absolute(options.work_dir) / "anvil-state.json";
  stack->block_time_seconds_ = options.block_time_seconds;
  ORCH_ASSIGN_OR_RETURN(AnvilProcess anvil,
                        AnvilProcess::Start({.state_file = stack->anvil_state_file_.string(),
                                             .block_time_seconds = options.block_time_seconds}));
  stack->anvil_.emplace(std::move(anvil));
  stack->rpc_ = std::make_unique<ethereum::HttpEthereumRpc>(
      stack->http_, stack->anvil_->url(),
      ethereum::HttpEthereumRpcOptions{.request_timeout = std::chrono::seconds(30)});
  progress << fmt::format("devnet: Anvil at {}\n", stack->anvil_->url());

  ORCH_ASSIGN_OR_RETURN(const kzg::Kzg* kzg, kzg::Kzg::Shared());
  ORCH_ASSIGN_OR_RETURN(const Felt chain_id, Felt::FromShortString(options.chain_id));
  const Felt config_hash = starknet::OsConfigHash(
      {.chain_id = chain_id, .fee_token_address = standin_options.strk_fee_token_address});

  // Each block's OS output and PIE, as the fixture SNOS runner hands them out.
  stack->fixture_dir_ = options.work_dir / "snos-fixtures";
  std::error_code error;
  fs::create_directories(stack->fixture_dir_, error);
  if (error) {
    return Error::Unavailable("cannot create {}: {}", stack->fixture_dir_.string(),
                              error.message());
  }
  madara::HttpMadaraClient madara(stack->http_, stack->madara_url_);
  std::optional<Felt> program_hash;
  Felt previous_hash;
  for (std::uint64_t block = stack->first_block_; block <= stack->last_block_; ++block) {
    const fs::path block_dir = options.blocks_dir / std::to_string(block);
    ORCH_ASSIGN_OR_RETURN(const madara::BlockStateUpdate state, madara.GetStateUpdate(block));
    if (block == stack->first_block_) {
      ORCH_ASSIGN_OR_RETURN(previous_hash, FirstParentHash(block_dir));
    }
    std::vector<Felt> output;
    if (const fs::path given = block_dir / "program_output.txt"; fs::exists(given)) {
      ORCH_ASSIGN_OR_RETURN(const std::string text, ReadFileContents(given));
      Result<std::vector<Felt>> parsed = starknet::ParseProgramOutputAnyFormat(text);
      if (!parsed.ok()) {
        return Error::InvalidArgument("{}: {}", given.string(), parsed.error().message());
      }
      output = std::move(parsed).value();
    } else {
      ORCH_ASSIGN_OR_RETURN(const handlers::BlockBlobs encoded,
                            handlers::EncodeBlockBlobs(madara, block));
      ORCH_ASSIGN_OR_RETURN(
          output, DeriveKzgDaOsOutput({.old_root = state.update.old_root.value_or(Felt()),
                                       .new_root = state.update.new_root.value_or(Felt()),
                                       .block_number = block,
                                       .prev_block_hash = previous_hash,
                                       .block_hash = state.update.block_hash.value_or(Felt()),
                                       .config_hash = config_hash},
                                      encoded.blobs, *kzg));
    }
    previous_hash = state.update.block_hash.value_or(Felt());

    std::string pie;
    Felt pie_program_hash = cairo::StandInProgramHash();
    if (const fs::path given = block_dir / "cairo_pie.zip"; fs::exists(given)) {
      ORCH_ASSIGN_OR_RETURN(pie, ReadFileContents(given));
      ORCH_ASSIGN_OR_RETURN(pie_program_hash, ProgramHashOf(pie, given));
    } else {
      ORCH_ASSIGN_OR_RETURN(pie, cairo::BuildStandInPie(output, kStandInSteps));
    }
    if (program_hash && *program_hash != pie_program_hash) {
      return Error::InvalidArgument(
          "block {}: its PIE's program hash {} differs from the earlier blocks' {}: the core "
          "contract accepts one OS program",
          block, pie_program_hash.ToHex(), program_hash->ToHex());
    }
    program_hash = pie_program_hash;

    const fs::path fixture = stack->fixture_dir_ / std::to_string(block);
    fs::create_directories(fixture, error);
    ORCH_RETURN_IF_ERROR(WriteFile(fixture / "cairo_pie.zip", pie));
    ORCH_RETURN_IF_ERROR(WriteFile(
        fixture / "os_output.json",
        starknet::EncodeProgramOutput(output, starknet::ProgramOutputFormat::kJsonArray)));
    stack->outputs_.push_back(std::move(output));
  }

  const std::vector<Felt>& first = stack->outputs_.front();
  Result<starknet::OsOutput> header =
      starknet::ParseOsOutput(first, starknet::OsOutputLayout::kV0_13_2);
  if (!header.ok() || !header->use_kzg_da) {
    return Error::InvalidArgument(
        "block {}: the devnet settles 10-word OS outputs with KZG DA (use_kzg_da = 1){}",
        stack->first_block_, header.ok() ? "" : ": " + header.error().message());
  }
  ORCH_ASSIGN_OR_RETURN(const eth::PrivateKey owner,
                        eth::PrivateKey::FromHex(AnvilProcess::kDevPrivateKey));
  ORCH_ASSIGN_OR_RETURN(const contracts::Deployment verifier,
                        contracts::DeployMockGpsVerifier(*stack->rpc_, owner));
  stack->verifier_ = verifier.address;
  ORCH_ASSIGN_OR_RETURN(const contracts::Deployment core,
                        contracts::DeployStarknetCoreContract(
                            *stack->rpc_, owner,
                            {.verifier = verifier.address,
                             .program_hash = *program_hash,
                             .aggregator_program_hash = kNoAggregatorProgramHash,
                             .config_hash = first[7],
                             .state_root = first[0],
                             .block_number = static_cast<std::int64_t>(stack->first_block_) - 1,
                             .block_hash = first[4]}));
  stack->core_contract_ = core.address;
  progress << fmt::format(
      "devnet: core contract {} (verifier {}) at the state before block {}; SNOS fixtures in {}\n",
      stack->core_contract_, stack->verifier_, stack->first_block_, stack->fixture_dir_.string());
  return stack;
}

app::PipelineSettings DevnetStack::PipelineSettings(std::chrono::milliseconds poll) const {
  app::PipelineSettings settings{
      .layer = engine::Layer::kL2,
      .madara_rpc_url = madara_url_,
      .snos_rpc_url = madara_url_,
      .snos_runner = {.kind = app::SnosRunnerSettings::Kind::kFixture,
                      .target = fixture_dir_.string(),
                      .timeout = std::chrono::seconds(60)},
  };
  settings.prover.kind = app::ProverSettings::Kind::kMock;
  settings.prover.mock.verifier = verifier_;
  settings.prover.mock.sender =
      eth::PrivateKey::FromHex(AnvilProcess::kSecondDevPrivateKey).value();
  settings.settlement = app::EthereumSettlementSettings{
      .rpc_url = anvil_->url(),
      .key = eth::PrivateKey::FromHex(AnvilProcess::kDevPrivateKey).value(),
      .core_contract = core_contract_,
      .sidecar_version = eth::SidecarVersion::kEip4844,
      .transactions = {.max_fee_bumps = 3,
                       .replace_after = std::chrono::seconds(30),
                       .confirmations = 1,
                       .max_total_fee_wei = crypto::U256(1'000'000'000'000'000'000ULL)}};
  settings.verification_polling_delay = poll;
  return settings;
}

std::vector<std::string> DevnetStack::RunFlags(
    const std::optional<AtlanticService>& atlantic) const {
  std::vector<std::string> flags = {"--madara-rpc-url",
                                    madara_url_,
                                    "--snos-runner",
                                    "fixture:" + fixture_dir_.string(),
                                    "--snos-runner-timeout-seconds",
                                    "60",
                                    "--settle-on-ethereum",
                                    "--ethereum-rpc-url",
                                    anvil_->url(),
                                    "--ethereum-private-key",
                                    AnvilProcess::kDevPrivateKey,
                                    "--l1-core-contract-address",
                                    core_contract_.ToChecksumHex(),
                                    "--ethereum-confirmations",
                                    "1",
                                    "--disable-peerdas",
                                    "--min-block-to-process",
                                    std::to_string(first_block_),
                                    "--max-block-to-process",
                                    std::to_string(last_block_)};
  std::vector<std::string> prover;
  if (atlantic) {
    // The fact check asks the settlement node, where the verifier is.
    prover = {"--prover",
              "atlantic",
              "--atlantic-service-url",
              atlantic->url,
              "--atlantic-artifacts-base-url",
              atlantic->url,
              "--atlantic-api-key",
              atlantic->api_key,
              "--atlantic-verifier-contract-address",
              verifier_.ToChecksumHex()};
  } else {
    prover = {"--prover",
              "mock",
              "--mock-verifier-address",
              verifier_.ToChecksumHex(),
              "--mock-prover-private-key",
              AnvilProcess::kSecondDevPrivateKey};
  }
  flags.insert(flags.end(), prover.begin(), prover.end());
  return flags;
}

Result<void> DevnetStack::RestartAnvil() {
  const int port = anvil_->port();
  anvil_->Stop();
  anvil_.reset();
  ORCH_ASSIGN_OR_RETURN(AnvilProcess anvil,
                        AnvilProcess::Start({.port = port,
                                             .state_file = anvil_state_file_.string(),
                                             .block_time_seconds = block_time_seconds_}));
  anvil_.emplace(std::move(anvil));
  return Ok();
}

Result<settlement::CoreContractState> DevnetStack::ContractState() {
  return settlement::ReadCoreContractState(*rpc_, core_contract_);
}

}  // namespace orch::devnet
