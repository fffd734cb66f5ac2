#include "orch/app/pipeline.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/clients/madara/feeder_gateway_client.h"
#include "orch/clients/madara/http_madara_client.h"
#include "orch/clients/prover/atlantic_client.h"
#include "orch/clients/prover/ethereum_fact_registry.h"
#include "orch/clients/prover/mock_prover.h"
#include "orch/clients/prover/sharp_client.h"
#include "orch/clients/settlement/ethereum/transaction_manager.h"
#include "orch/clients/snos/command_snos_runner.h"
#include "orch/clients/snos/fixture_snos_runner.h"
#include "orch/clients/snos/http_snos_runner.h"
#include "orch/contracts/deploy.h"
#include "orch/handlers/data_submission_handler.h"
#include "orch/handlers/proving_handlers.h"
#include "orch/handlers/snos_run_handler.h"
#include "orch/handlers/state_transition_handler.h"
#include "orch/http/curl_http_client.h"
#include "orch/kzg/kzg.h"

namespace orch::app {
namespace {

// The Madara node's latest block, for the SnosRun trigger.
class MadaraChainHead final : public engine::ChainHead {
 public:
  explicit MadaraChainHead(madara::MadaraClient& madara) : madara_(madara) {}
  Result<std::uint64_t> LatestBlock() override { return madara_.LatestBlockNumber(); }

 private:
  madara::MadaraClient& madara_;
};

std::string_view ToString(ProverSettings::Kind kind) {
  switch (kind) {
    case ProverSettings::Kind::kAtlantic:
      return "atlantic";
    case ProverSettings::Kind::kSharp:
      return "sharp";
    case ProverSettings::Kind::kMock:
      return "mock";
  }
  return "?";
}

std::string DescribeRunner(const SnosRunnerSettings& runner) {
  switch (runner.kind) {
    case SnosRunnerSettings::Kind::kCommand:
      return "command:" + runner.target;
    case SnosRunnerSettings::Kind::kHttp:
      return "http:" + OriginOf(runner.target);
    case SnosRunnerSettings::Kind::kFixture:
      return "fixture:" + runner.target;
  }
  return "?";
}

}  // namespace

/// The clients of one pipeline, in dependency order (destroyed in reverse).
class PipelineClients {
 public:
  http::CurlHttpClient http;
  std::unique_ptr<http::CurlHttpClient> sharp_http;  // with the SHARP client certificate
  std::unique_ptr<madara::HttpMadaraClient> madara;
  std::unique_ptr<madara::HttpMadaraClient> snos_rpc;
  std::unique_ptr<madara::FeederGatewayClient> feeder_gateway;
  std::unique_ptr<MadaraChainHead> chain_head;
  std::unique_ptr<snos::SnosRunner> runner;
  std::unique_ptr<ethereum::HttpEthereumRpc> ethereum;
  std::unique_ptr<ethereum::HttpEthereumRpc> fact_check_rpc;
  std::unique_ptr<prover::FactRegistry> fact_registry;
  std::unique_ptr<prover::ProverClient> prover;
  std::unique_ptr<settlement::EthereumTransactionManager> transactions;
  const kzg::Kzg* kzg = nullptr;
};

Pipeline::Pipeline(PipelineSettings settings, Backends& backends, const Clock& clock)
    : settings_(std::move(settings)),
      backends_(backends),
      clock_(clock),
      clients_(std::make_unique<PipelineClients>()) {}

Pipeline::~Pipeline() = default;

Result<std::unique_ptr<Pipeline>> Pipeline::Create(PipelineSettings settings, Backends& backends,
                                                   const Clock& clock) {
  if (settings.layer == engine::Layer::kL3) {
    return Error::InvalidArgument(
        "--layer l3 needs settlement on Starknet (Piltover), which this release does not have; "
        "run --layer l2 with --settle-on-ethereum");
  }
  if (!settings.settlement) {
    return Error::InvalidArgument(
        "the L2 pipeline settles on Ethereum: add --settle-on-ethereum with its flags");
  }
  if (settings.madara_rpc_url.empty()) {
    return Error::InvalidArgument("the pipeline needs --madara-rpc-url");
  }
  if (settings.snos_rpc_url.empty()) {
    settings.snos_rpc_url = settings.madara_rpc_url;
  }
  if (settings.feeder_gateway_url.empty()) {
    settings.feeder_gateway_url = settings.madara_rpc_url;
  }
  if (settings.prover.kind == ProverSettings::Kind::kMock && settings.prover.mock.verifier &&
      !settings.prover.mock.sender) {
    return Error::InvalidArgument(
        "--mock-verifier-address needs --mock-prover-private-key (a key of its own: the "
        "settlement key sends its own transactions and the two would race for nonces)");
  }
  if (settings.prover.mock.sender &&
      settings.prover.mock.sender->GetAddress() == settings.settlement->key.GetAddress()) {
    return Error::InvalidArgument(
        "--mock-prover-private-key must differ from --ethereum-private-key: both accounts send "
        "transactions concurrently and would race for nonces");
  }

  std::unique_ptr<Pipeline> pipeline(new Pipeline(std::move(settings), backends, clock));
  PipelineSettings& s = pipeline->settings_;
  PipelineClients& c = *pipeline->clients_;
  c.madara = std::make_unique<madara::HttpMadaraClient>(c.http, s.madara_rpc_url);
  c.snos_rpc = std::make_unique<madara::HttpMadaraClient>(c.http, s.snos_rpc_url);
  c.feeder_gateway = std::make_unique<madara::FeederGatewayClient>(c.http, s.feeder_gateway_url);
  c.chain_head = std::make_unique<MadaraChainHead>(*c.madara);

  switch (s.snos_runner.kind) {
    case SnosRunnerSettings::Kind::kCommand:
      c.runner = std::make_unique<snos::CommandSnosRunner>(snos::CommandSnosRunnerOptions{
          .program = s.snos_runner.target, .timeout = s.snos_runner.timeout});
      break;
    case SnosRunnerSettings::Kind::kHttp:
      c.runner = std::make_unique<snos::HttpSnosRunner>(
          c.http, snos::HttpSnosRunnerOptions{.base_url = s.snos_runner.target,
                                              .timeout = s.snos_runner.timeout});
      break;
    case SnosRunnerSettings::Kind::kFixture:
      c.runner = std::make_unique<snos::FixtureSnosRunner>(s.snos_runner.target);
      break;
  }

  c.ethereum = std::make_unique<ethereum::HttpEthereumRpc>(c.http, s.settlement->rpc_url);
  switch (s.prover.kind) {
    case ProverSettings::Kind::kAtlantic: {
      prover::AtlanticClientOptions options = s.prover.atlantic;
      if (s.prover.atlantic_fact_check && !options.mock_fact_hash) {
        c.fact_check_rpc = std::make_unique<ethereum::HttpEthereumRpc>(
            c.http, s.prover.atlantic_fact_check->rpc_url);
        c.fact_registry = std::make_unique<prover::EthereumFactRegistry>(
            *c.fact_check_rpc, s.prover.atlantic_fact_check->verifier);
        options.fact_registry = c.fact_registry.get();
      }
      c.prover = std::make_unique<prover::AtlanticClient>(c.http, std::move(options));
      break;
    }
    case ProverSettings::Kind::kSharp:
      c.sharp_http = std::make_unique<http::CurlHttpClient>(s.prover.sharp_tls);
      c.prover = std::make_unique<prover::SharpClient>(*c.sharp_http, s.prover.sharp);
      break;
    case ProverSettings::Kind::kMock: {
      std::optional<prover::MockVerifier> verifier;
      if (s.prover.mock.verifier) {
        verifier =
            prover::MockVerifier{.rpc = c.ethereum.get(),
                                 .address = *s.prover.mock.verifier,
                                 .sender = *s.prover.mock.sender,
                                 .send_options = {.max_receipt_polls = 600,
                                                  .poll_interval = std::chrono::milliseconds(100)}};
      }
      c.prover = std::make_unique<prover::MockProver>(std::move(verifier));
      break;
    }
  }

  Result<const kzg::Kzg*> kzg = kzg::Kzg::Shared(s.trusted_setup);
  if (!kzg.ok()) {
    return kzg.error().WithContext("loading the KZG trusted setup");
  }
  c.kzg = *kzg;
  return pipeline;
}

engine::ChainHead& Pipeline::chain_head() { return *clients_->chain_head; }

std::vector<std::string> Pipeline::Preflight() {
  PipelineSettings& s = settings_;
  PipelineClients& c = *clients_;
  std::vector<std::string> failures;

  Result<crypto::Felt> chain_id = c.madara->ChainId();
  if (!chain_id.ok()) {
    failures.push_back(fmt::format("Madara RPC at {}: {}", OriginOf(s.madara_rpc_url),
                                   chain_id.error().message()));
  } else if (Result<std::string> ascii = chain_id->ToShortString(); !ascii.ok()) {
    failures.push_back(fmt::format("Madara RPC at {}: the chain id {} is not a short string",
                                   OriginOf(s.madara_rpc_url), chain_id->ToHex()));
  } else {
    s.snos.chain.chain_id = *ascii;
    Result<crypto::Felt> snos_chain = c.snos_rpc->ChainId();
    if (!snos_chain.ok()) {
      failures.push_back(fmt::format("SNOS RPC at {}: {}", OriginOf(s.snos_rpc_url),
                                     snos_chain.error().message()));
    } else if (*snos_chain != *chain_id) {
      failures.push_back(fmt::format(
          "SNOS RPC at {} serves chain {}, the Madara RPC chain {}: they must be the same chain",
          OriginOf(s.snos_rpc_url), snos_chain->ToHex(), chain_id->ToHex()));
    }
  }

  if (!s.strk_fee_token_address || !s.eth_fee_token_address) {
    Result<madara::ContractAddresses> addresses = c.feeder_gateway->GetContractAddresses();
    if (!addresses.ok()) {
      failures.push_back(fmt::format(
          "feeder gateway at {} (for the fee tokens; or give --strk-fee-token-address and "
          "--eth-fee-token-address): {}",
          OriginOf(s.feeder_gateway_url), addresses.error().message()));
    } else {
      s.strk_fee_token_address =
          s.strk_fee_token_address.value_or(addresses->strk_l2_token_address);
      s.eth_fee_token_address = s.eth_fee_token_address.value_or(addresses->eth_l2_token_address);
    }
  }

  if (s.snos_runner.kind == SnosRunnerSettings::Kind::kCommand &&
      access(s.snos_runner.target.c_str(), X_OK) != 0) {
    failures.push_back(
        fmt::format("SNOS runner: {} is not an executable file", s.snos_runner.target));
  }
  if (s.snos_runner.kind == SnosRunnerSettings::Kind::kFixture &&
      !std::filesystem::is_directory(s.snos_runner.target)) {
    failures.push_back(
        fmt::format("SNOS runner: the fixture directory {} does not exist", s.snos_runner.target));
  }

  EthereumSettlementSettings& settlement = *s.settlement;
  if (Result<std::uint64_t> l1_chain = c.ethereum->ChainId(); !l1_chain.ok()) {
    failures.push_back(fmt::format("Ethereum RPC at {}: {}", OriginOf(settlement.rpc_url),
                                   l1_chain.error().message()));
  } else {
    settlement.transactions.chain_id = *l1_chain;
    Result<bool> deployed = contracts::HasCode(*c.ethereum, settlement.core_contract);
    if (!deployed.ok()) {
      failures.push_back(fmt::format("Ethereum RPC at {}: {}", OriginOf(settlement.rpc_url),
                                     deployed.error().message()));
    } else if (!*deployed) {
      failures.push_back(fmt::format("no contract at the core contract address {} on chain {}",
                                     settlement.core_contract, *l1_chain));
    }
  }

  if (Result<void> prover = c.prover->CheckReachable(); !prover.ok()) {
    failures.push_back(fmt::format("prover ({}): {}", c.prover->name(), prover.error().message()));
  }
  if (!failures.empty()) {
    return failures;
  }

  BuildHandlers();
  return failures;
}

void Pipeline::BuildHandlers() {
  PipelineSettings& s = settings_;
  PipelineClients& c = *clients_;
  const EthereumSettlementSettings& settlement = *s.settlement;
  const auto polling = [&s](engine::HandlerLimits limits) {
    if (s.verification_polling_delay) {
      limits.verification_polling_delay = *s.verification_polling_delay;
    }
    return limits;
  };
  objects::ObjectStore& store = backends_.object_store();

  handlers::SnosRunOptions snos = s.snos;
  snos.rpc_url = s.snos_rpc_url;
  snos.chain.strk_fee_token_address = *s.strk_fee_token_address;
  snos.chain.eth_fee_token_address = *s.eth_fee_token_address;
  snos.limits = polling(snos.limits);
  handlers_.Register(
      std::make_unique<handlers::SnosRunHandler>(*c.runner, *c.snos_rpc, store, snos));

  handlers::ProofCreationOptions proving{
      .dedup_key = s.prover.kind == ProverSettings::Kind::kAtlantic
                       ? handlers::ProverDedupKey::kJobId
                       : handlers::ProverDedupKey::kSnosFact,
      .download_proof = s.store_audit_artifacts};
  proving.limits = polling(proving.limits);
  handlers_.Register(std::make_unique<handlers::ProofCreationHandler>(
      *c.prover, backends_.job_store(), store, proving));

  handlers::DataSubmissionOptions data;
  data.limits = polling(data.limits);
  handlers_.Register(std::make_unique<handlers::DataSubmissionHandler>(*c.madara, store, data));

  c.transactions = std::make_unique<settlement::EthereumTransactionManager>(
      *c.ethereum, settlement.key, clock_, settlement.transactions);
  handlers::StateTransitionOptions transition{.core_contract = settlement.core_contract,
                                              .sidecar_version = settlement.sidecar_version};
  transition.limits = polling(transition.limits);
  handlers_.Register(std::make_unique<handlers::StateTransitionHandler>(
      store, *c.ethereum, *c.transactions, backends_.alerter(), clock_, *c.kzg, transition));
}

std::vector<std::string> Pipeline::Describe() const {
  const PipelineSettings& s = settings_;
  std::vector<std::string> lines = {
      fmt::format("Madara RPC {}, SNOS RPC {}", OriginOf(s.madara_rpc_url),
                  OriginOf(s.snos_rpc_url)),
      fmt::format("SNOS runner {} (layout {}, timeout {} s)", DescribeRunner(s.snos_runner),
                  s.snos.layout,
                  std::chrono::duration_cast<std::chrono::seconds>(s.snos_runner.timeout).count()),
      fmt::format("prover {}{}", ToString(s.prover.kind),
                  s.prover.kind == ProverSettings::Kind::kMock && s.prover.mock.verifier
                      ? fmt::format(" (registers facts on {} from {})", *s.prover.mock.verifier,
                                    s.prover.mock.sender->GetAddress())
                      : ""),
  };
  if (s.store_audit_artifacts) {
    lines.push_back("audit artifacts: each block's proof is kept at <block>/proof.json");
  }
  return lines;
}

}  // namespace orch::app
