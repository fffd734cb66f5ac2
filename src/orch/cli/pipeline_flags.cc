#include "orch/cli/pipeline_flags.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::cli {
namespace {

Result<void> CheckHttpUrl(std::string_view flag, const std::string& url) {
  Result<Url> parsed = Url::Parse(url);
  if (!parsed.ok() || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    // The URL may carry a key: say what is wrong, not what it is.
    return Error::InvalidArgument("{}: expected an http(s) URL", flag);
  }
  return Ok();
}

Result<void> CheckLayout(std::string_view flag, const std::string& layout) {
  const std::vector<std::string>& known = KnownLayouts();
  if (std::find(known.begin(), known.end(), layout) == known.end()) {
    return Error::InvalidArgument("{}: unknown layout '{}' (known: {})", flag, layout,
                                  fmt::join(known, ", "));
  }
  return Ok();
}

// One of `choices` (compared case-insensitively), or an error listing them.
template <typename Value>
Result<Value> Choose(std::string_view flag, const std::string& text,
                     std::initializer_list<std::pair<std::string_view, Value>> choices) {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : choices) {
    if (ToLower(text) == name) {
      return value;
    }
    names.push_back(name);
  }
  return Error::InvalidArgument("{}: expected one of {}, got '{}'", flag, fmt::join(names, ", "),
                                text);
}

Result<crypto::Felt> ParseFeltFlag(std::string_view flag, std::string_view text) {
  Result<crypto::Felt> felt = crypto::Felt::FromHex(TrimWhitespace(text));
  if (!felt.ok()) {
    return Error::InvalidArgument("{}: '{}' is not a field element ({})", flag, text,
                                  felt.error().message());
  }
  return *felt;
}

Result<app::SnosRunnerSettings> ParseSnosRunner(const RunOptions& options) {
  if (options.snos_runner.empty()) {
    return Error::InvalidArgument(
        "the pipeline needs --snos-runner command:<program> | http:<url> | fixture:<dir> "
        "(docs/snos.md)");
  }
  const auto colon = options.snos_runner.find(':');
  const std::string kind = colon == std::string::npos ? "" : options.snos_runner.substr(0, colon);
  const std::string target =
      colon == std::string::npos ? "" : options.snos_runner.substr(colon + 1);
  if (options.snos_runner_timeout_seconds <= 0) {
    return Error::InvalidArgument("--snos-runner-timeout-seconds must be positive");
  }
  if (options.snos_runner_timeout_seconds >= options.snos_job_timeout_seconds) {
    return Error::InvalidArgument(
        "--snos-runner-timeout-seconds ({}) must be below --snos-job-timeout-seconds ({}): a run "
        "still going when its lease expires would be started a second time elsewhere",
        options.snos_runner_timeout_seconds, options.snos_job_timeout_seconds);
  }
  app::SnosRunnerSettings runner{
      .target = target, .timeout = std::chrono::seconds(options.snos_runner_timeout_seconds)};
  if (kind == "command") {
    runner.kind = app::SnosRunnerSettings::Kind::kCommand;
  } else if (kind == "http") {
    runner.kind = app::SnosRunnerSettings::Kind::kHttp;
    ORCH_RETURN_IF_ERROR(CheckHttpUrl("--snos-runner http:", target));
  } else if (kind == "fixture") {
    runner.kind = app::SnosRunnerSettings::Kind::kFixture;
  } else {
    return Error::InvalidArgument(
        "--snos-runner: expected command:<program>, http:<url> or fixture:<dir>, got a value "
        "of kind '{}'",
        kind);
  }
  if (target.empty()) {
    return Error::InvalidArgument("--snos-runner {}: the {} is missing", kind,
                                  kind == "http"      ? "URL"
                                  : kind == "command" ? "program"
                                                      : "directory");
  }
  return runner;
}

Result<void> FillAtlantic(const RunOptions& options,
                          const std::optional<app::EthereumSettlementSettings>& settlement,
                          app::ProverSettings& prover) {
  if (options.atlantic_api_key.empty()) {
    return Error::InvalidArgument(
        "--prover atlantic needs --atlantic-api-key (or "
        "MADARA_ORCHESTRATOR_ATLANTIC_API_KEY[_FILE])");
  }
  ORCH_RETURN_IF_ERROR(CheckHttpUrl("--atlantic-service-url", options.atlantic_service_url));
  ORCH_RETURN_IF_ERROR(
      CheckHttpUrl("--atlantic-artifacts-base-url", options.atlantic_artifacts_base_url));
  ORCH_RETURN_IF_ERROR(CheckLayout("--prover-layout-name", options.prover_layout_name));
  if (options.atlantic_request_timeout_seconds <= 0) {
    return Error::InvalidArgument("--atlantic-request-timeout-seconds must be positive");
  }
  prover::AtlanticClientOptions& atlantic = prover.atlantic;
  atlantic.request_timeout = std::chrono::seconds(options.atlantic_request_timeout_seconds);
  atlantic.service_url = options.atlantic_service_url;
  atlantic.api_key = options.atlantic_api_key;
  atlantic.artifacts_base_url = options.atlantic_artifacts_base_url;
  atlantic.prover_layout = options.prover_layout_name;
  ORCH_ASSIGN_OR_RETURN(atlantic.network, Choose<prover::AtlanticNetwork>(
                                              "--atlantic-network", options.atlantic_network,
                                              {{"mainnet", prover::AtlanticNetwork::kMainnet},
                                               {"testnet", prover::AtlanticNetwork::kTestnet}}));
  ORCH_ASSIGN_OR_RETURN(
      atlantic.cairo_vm,
      Choose<prover::AtlanticCairoVm>("--atlantic-verifier-cairo-vm", options.atlantic_cairo_vm,
                                      {{"rust", prover::AtlanticCairoVm::kRust},
                                       {"python", prover::AtlanticCairoVm::kPython}}));
  ORCH_ASSIGN_OR_RETURN(
      atlantic.sharp_prover,
      Choose<prover::AtlanticSharpProver>("--atlantic-sharp-prover", options.atlantic_sharp_prover,
                                          {{"stone", prover::AtlanticSharpProver::kStone},
                                           {"stwo", prover::AtlanticSharpProver::kStwo}}));
  ORCH_ASSIGN_OR_RETURN(atlantic.settlement_layer,
                        Choose<prover::AtlanticSettlementLayer>(
                            "--atlantic-settlement-layer", options.atlantic_settlement_layer,
                            {{"ethereum", prover::AtlanticSettlementLayer::kEthereum},
                             {"starknet", prover::AtlanticSettlementLayer::kStarknet}}));
  ORCH_ASSIGN_OR_RETURN(atlantic.mock_fact_hash,
                        Choose<bool>("--atlantic-mock-fact-hash", options.atlantic_mock_fact_hash,
                                     {{"true", true}, {"false", false}}));
  // The CLI takes the result step in kebab case (proof-generation), the API in SCREAMING_SNAKE.
  std::string step = options.atlantic_result;
  std::transform(step.begin(), step.end(), step.begin(), [](char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  atlantic.result_step = step;
  atlantic.cairo_verifier_program_hash = options.cairo_verifier_program_hash;
  if (!options.atlantic_verifier_contract_address.empty() && !atlantic.mock_fact_hash) {
    Result<eth::Address> verifier = eth::Address::Parse(options.atlantic_verifier_contract_address);
    if (!verifier.ok()) {
      return Error::InvalidArgument("--atlantic-verifier-contract-address: {}",
                                    verifier.error().message());
    }
    std::string rpc_url = options.atlantic_rpc_node_url;
    if (rpc_url.empty() && settlement) {
      rpc_url = settlement->rpc_url;
    }
    if (rpc_url.empty()) {
      return Error::InvalidArgument(
          "--atlantic-verifier-contract-address needs --atlantic-rpc-node-url");
    }
    ORCH_RETURN_IF_ERROR(CheckHttpUrl("--atlantic-rpc-node-url", rpc_url));
    prover.atlantic_fact_check = app::FactCheckSettings{.rpc_url = rpc_url, .verifier = *verifier};
  }
  return Ok();
}

Result<void> FillSharp(const RunOptions& options, app::ProverSettings& prover) {
  const struct {
    const char* flag;
    const std::string& value;
  } required[] = {
      {"--sharp-url", options.sharp_url},
      {"--sharp-customer-id", options.sharp_customer_id},
      {"--sharp-user-crt-file", options.sharp_user_crt_file},
      {"--sharp-user-key-file", options.sharp_user_key_file},
      {"--sharp-server-crt-file", options.sharp_server_crt_file},
  };
  for (const auto& flag : required) {
    if (flag.value.empty()) {
      return Error::InvalidArgument("--prover sharp needs {}", flag.flag);
    }
  }
  ORCH_RETURN_IF_ERROR(CheckHttpUrl("--sharp-url", options.sharp_url));
  for (const std::string* file : {&options.sharp_user_crt_file, &options.sharp_user_key_file,
                                  &options.sharp_server_crt_file}) {
    if (!std::filesystem::is_regular_file(*file)) {
      return Error::InvalidArgument("SHARP certificate file {} does not exist", *file);
    }
  }
  prover.sharp.url = options.sharp_url;
  prover.sharp.customer_id = options.sharp_customer_id;
  prover.sharp_tls = http::TlsOptions{.client_cert_file = options.sharp_user_crt_file,
                                      .client_key_file = options.sharp_user_key_file,
                                      .ca_file = options.sharp_server_crt_file};
  return Ok();
}

Result<app::ProverSettings> ParseProver(
    const RunOptions& options, const std::optional<app::EthereumSettlementSettings>& settlement) {
  if (options.prover.empty()) {
    return Error::InvalidArgument("the pipeline needs --prover atlantic | sharp | mock");
  }
  app::ProverSettings prover;
  ORCH_ASSIGN_OR_RETURN(prover.kind, Choose<app::ProverSettings::Kind>(
                                         "--prover", options.prover,
                                         {{"atlantic", app::ProverSettings::Kind::kAtlantic},
                                          {"sharp", app::ProverSettings::Kind::kSharp},
                                          {"mock", app::ProverSettings::Kind::kMock}}));
  switch (prover.kind) {
    case app::ProverSettings::Kind::kAtlantic:
      ORCH_RETURN_IF_ERROR(FillAtlantic(options, settlement, prover));
      break;
    case app::ProverSettings::Kind::kSharp:
      ORCH_RETURN_IF_ERROR(FillSharp(options, prover));
      break;
    case app::ProverSettings::Kind::kMock:
      if (options.store_audit_artifacts) {
        return Error::InvalidArgument(
            "--store-audit-artifacts needs a prover that makes proofs; the mock prover does not");
      }
      if (!options.mock_verifier_address.empty()) {
        Result<eth::Address> verifier = eth::Address::Parse(options.mock_verifier_address);
        if (!verifier.ok()) {
          return Error::InvalidArgument("--mock-verifier-address: {}", verifier.error().message());
        }
        prover.mock.verifier = *verifier;
      }
      if (!options.mock_prover_private_key.empty()) {
        Result<eth::PrivateKey> key = eth::PrivateKey::FromHex(options.mock_prover_private_key);
        if (!key.ok()) {
          return Error::InvalidArgument(
              "--mock-prover-private-key: not a secp256k1 private key (expected 32 bytes of "
              "hex)");
        }
        prover.mock.sender = *key;
      }
      break;
  }
  return prover;
}

}  // namespace

const std::vector<std::string>& KnownLayouts() {
  static const std::vector<std::string> layouts = {"plain",
                                                   "small",
                                                   "dex",
                                                   "recursive",
                                                   "starknet",
                                                   "starknet_with_keccak",
                                                   "recursive_large_output",
                                                   "recursive_with_poseidon",
                                                   "all_solidity",
                                                   "all_cairo",
                                                   "dynamic",
                                                   "all_cairo_stwo"};
  return layouts;
}

Result<std::optional<app::PipelineSettings>> PipelineSettingsFrom(
    const RunOptions& options, engine::Layer layer,
    const std::optional<app::EthereumSettlementSettings>& settlement) {
  if (options.madara_rpc_url.empty()) {
    if (!options.snos_runner.empty() || !options.prover.empty()) {
      return Error::InvalidArgument(
          "--snos-runner and --prover drive the pipeline, which needs --madara-rpc-url");
    }
    return std::optional<app::PipelineSettings>();
  }
  ORCH_RETURN_IF_ERROR(CheckHttpUrl("--madara-rpc-url", options.madara_rpc_url));
  if (options.da_on_ethereum && !options.settle_on_ethereum) {
    return Error::InvalidArgument(
        "--da-on-ethereum puts the blobs in the settlement transaction: it needs "
        "--settle-on-ethereum");
  }
  app::PipelineSettings settings{
      .layer = layer,
      .madara_rpc_url = options.madara_rpc_url,
      .snos_rpc_url = options.rpc_for_snos.empty() ? options.madara_rpc_url : options.rpc_for_snos};
  ORCH_RETURN_IF_ERROR(CheckHttpUrl("--rpc-for-snos", settings.snos_rpc_url));
  // The sidecar appends its RPC version path itself (upstream trims the slash too).
  while (settings.snos_rpc_url.ends_with('/')) {
    settings.snos_rpc_url.pop_back();
  }
  ORCH_ASSIGN_OR_RETURN(settings.snos_runner, ParseSnosRunner(options));

  ORCH_RETURN_IF_ERROR(CheckLayout("--snos-layout-name", options.snos_layout_name));
  settings.snos.layout = options.snos_layout_name;
  settings.snos.full_output = options.snos_full_output;
  if (!options.versioned_constants.empty()) {
    if (!std::filesystem::is_regular_file(options.versioned_constants)) {
      return Error::InvalidArgument("--versioned-constants: {} does not exist",
                                    options.versioned_constants);
    }
    settings.snos.versioned_constants_path = options.versioned_constants;
  }
  if (!options.da_public_keys.empty()) {
    for (std::string_view key : SplitString(options.da_public_keys, ',')) {
      ORCH_ASSIGN_OR_RETURN(const crypto::Felt felt, ParseFeltFlag("--da-public-keys", key));
      settings.snos.da_public_keys.push_back(felt);
    }
  }
  settings.feeder_gateway_url = options.madara_feeder_gateway_url.empty()
                                    ? options.madara_rpc_url
                                    : options.madara_feeder_gateway_url;
  ORCH_RETURN_IF_ERROR(CheckHttpUrl("--madara-feeder-gateway-url", settings.feeder_gateway_url));
  if (!options.strk_fee_token_address.empty()) {
    ORCH_ASSIGN_OR_RETURN(
        settings.strk_fee_token_address,
        ParseFeltFlag("--strk-fee-token-address", options.strk_fee_token_address));
  }
  if (!options.eth_fee_token_address.empty()) {
    ORCH_ASSIGN_OR_RETURN(settings.eth_fee_token_address,
                          ParseFeltFlag("--eth-fee-token-address", options.eth_fee_token_address));
  }
  settings.snos.chain.is_l3 = layer == engine::Layer::kL3;

  ORCH_ASSIGN_OR_RETURN(settings.prover, ParseProver(options, settlement));
  settings.store_audit_artifacts = options.store_audit_artifacts;
  if (options.verification_poll_ms < 0) {
    return Error::InvalidArgument("--verification-poll-ms must not be negative");
  }
  if (options.verification_poll_ms > 0) {
    settings.verification_polling_delay = std::chrono::milliseconds(options.verification_poll_ms);
  }
  settings.settlement = settlement;
  return std::optional(std::move(settings));
}

}  // namespace orch::cli
