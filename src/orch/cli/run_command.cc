#include "orch/cli/run_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "orch/api/api_server.h"
#include "orch/api/pipeline_gauges.h"
#include "orch/cli/engine_settings.h"
#include "orch/cli/settlement_settings.h"
#include "orch/common/uuid.h"
#include "orch/engine/job_service.h"
#include "orch/metrics/metrics.h"
#include "orch/store/schema.h"

namespace orch::cli {
namespace {

// Stands in for the Madara RPC client until it exists: every read says what is missing.
class UnconfiguredChainHead final : public engine::ChainHead {
 public:
  Result<std::uint64_t> LatestBlock() override {
    return Error::FailedPrecondition(
        "no Madara RPC client in this build (--madara-rpc-url arrives with the pipeline "
        "release)");
  }
};

// The clients the pipeline needs that this build cannot make yet.
constexpr std::string_view kMissingClients =
    "Madara RPC client (--madara-rpc-url), SNOS runner, prover (--prover)";

}  // namespace

Result<void> RunServer(const RunOptions& options) {
  ORCH_ASSIGN_OR_RETURN(const engine::Layer layer, engine::ParseLayer(options.common.layer));
  if (options.max_block && *options.max_block < options.min_block) {
    return Error::InvalidArgument("--max-block-to-process {} is below --min-block-to-process {}",
                                  *options.max_block, options.min_block);
  }
  if (options.graceful_shutdown_timeout_seconds <= 0) {
    return Error::InvalidArgument("--graceful-shutdown-timeout must be positive");
  }
  ORCH_ASSIGN_OR_RETURN(const app::BackendUrls urls, ResolveBackendUrls(options.common));
  const std::string instance_id = NewUuid();
  ORCH_ASSIGN_OR_RETURN(const engine::EngineOptions engine_options,
                        EngineOptionsFrom(options, layer, instance_id));
  ORCH_ASSIGN_OR_RETURN(const std::optional<EthereumSettlementSettings> settlement,
                        EthereumSettlementFrom(options));

  // Signals are taken by sigwait below; block them before any thread starts so that no other
  // thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  ORCH_ASSIGN_OR_RETURN(auto backends, app::Backends::Open(urls, clock));
  ORCH_RETURN_IF_ERROR(store::CheckSchemaIsCurrent(backends->database()));
  ORCH_ASSIGN_OR_RETURN(const engine::QueueLayout layout, engine::QueueLayout::Create(layer, {}));
  for (const queue::QueueConfig& config : layout.Configs()) {
    ORCH_RETURN_IF_ERROR(backends->queue().CreateQueue(config));
  }

  engine::HandlerRegistry handlers;
  engine::NullEngineObserver observer;
  engine::JobService jobs(backends->job_store(), backends->queue(), backends->job_committer(),
                          backends->alerter(), handlers, layout, clock, observer,
                          {.instance_id = instance_id,
                           .orchestrator_version = ORCH_VERSION,
                           .limit_overrides = engine_options.limits});
  UnconfiguredChainHead chain;
  metrics::MetricsRegistry registry;
  api::StatusReporter status(backends->job_store(), chain, clock, layer);
  api::AddPipelineGauges(registry, status, backends->job_store(), backends->queue(), layout);
  api::ApiServer::Dependencies dependencies{jobs, backends->job_store(), registry, status, clock};
  api::ApiOptions api_options{
      .host = options.host, .port = options.port, .admin_enabled = options.admin_enabled};
  if (!options.admin_token.empty()) {
    api_options.admin_token = options.admin_token;
  }
  ORCH_ASSIGN_OR_RETURN(auto server, api::ApiServer::Start(api_options, dependencies));
  spdlog::info("orchestrator {} ({}) serving on http://{}:{}", ORCH_VERSION,
               engine::ToString(layer), options.host, server->port());
  spdlog::info("engine settings (instance {}):{}", instance_id,
               DescribeEngineOptions(engine_options, layer));
  if (settlement) {
    spdlog::info("settlement: {}", DescribeEthereumSettlement(*settlement));
  }
  spdlog::warn("job engine idle: no job handlers can be built without {}{}; no block is processed",
               kMissingClients, settlement ? "" : ", settlement (--settle-on-ethereum)");

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("{} received: shutting down (at most {} s)",
               received == SIGTERM ? "SIGTERM" : "SIGINT",
               options.graceful_shutdown_timeout_seconds);
  server->Stop();
  return Ok();
}

}  // namespace orch::cli
