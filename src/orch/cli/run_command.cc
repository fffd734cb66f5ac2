#include "orch/cli/run_command.h"

#include <fmt/ranges.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "orch/api/api_server.h"
#include "orch/api/pipeline_gauges.h"
#include "orch/app/pipeline.h"
#include "orch/cli/engine_settings.h"
#include "orch/cli/pipeline_flags.h"
#include "orch/cli/settlement_settings.h"
#include "orch/common/uuid.h"
#include "orch/engine/engine.h"
#include "orch/engine/metrics_engine_observer.h"
#include "orch/metrics/metrics.h"
#include "orch/store/schema.h"

namespace orch::cli {
namespace {

// The engine's chain head when no pipeline is configured: every read says what is missing.
class UnconfiguredChainHead final : public engine::ChainHead {
 public:
  Result<std::uint64_t> LatestBlock() override {
    return Error::FailedPrecondition("no Madara RPC configured (--madara-rpc-url)");
  }
};

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
  ORCH_ASSIGN_OR_RETURN(std::optional<app::PipelineSettings> pipeline_settings,
                        PipelineSettingsFrom(options, layer, settlement));

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
  ORCH_ASSIGN_OR_RETURN(const engine::QueueLayout::Options layout_options,
                        QueueLayoutOptionsFrom(options.common));
  ORCH_ASSIGN_OR_RETURN(const engine::QueueLayout layout,
                        engine::QueueLayout::Create(layer, layout_options));
  ORCH_RETURN_IF_ERROR(backends->EnsureQueues(layout.Configs()));
  if (const std::vector<std::string> failures = backends->Preflight(); !failures.empty()) {
    return Error::FailedPrecondition("startup checks failed:\n  {}", fmt::join(failures, "\n  "));
  }

  std::unique_ptr<app::Pipeline> pipeline;
  if (pipeline_settings) {
    ORCH_ASSIGN_OR_RETURN(pipeline,
                          app::Pipeline::Create(std::move(*pipeline_settings), *backends, clock));
    for (const std::string& line : pipeline->Describe()) {
      spdlog::info("pipeline: {}", line);
    }
    const std::vector<std::string> failures = pipeline->Preflight();
    if (!failures.empty()) {
      return Error::FailedPrecondition("startup checks failed:\n  {}", fmt::join(failures, "\n  "));
    }
  }
  const engine::HandlerRegistry no_handlers;
  UnconfiguredChainHead no_chain;
  engine::ChainHead& chain = pipeline ? pipeline->chain_head() : no_chain;
  metrics::MetricsRegistry registry;
  engine::MetricsEngineObserver observer(registry);
  engine::Engine engine(backends->job_store(), backends->queue(), backends->job_committer(),
                        backends->alerter(), pipeline ? pipeline->handlers() : no_handlers, layout,
                        chain, clock, observer, engine_options);
  api::StatusReporter status(backends->job_store(), chain, clock, layer);
  api::AddPipelineGauges(registry, status, backends->job_store(), backends->queue(), layout);
  api::ApiServer::Dependencies dependencies{engine.jobs(), backends->job_store(), registry, status,
                                            clock};
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
  if (pipeline) {
    engine.Start();
    spdlog::info("pipeline running from block {}{}", options.min_block,
                 options.max_block ? fmt::format(" to block {}", *options.max_block) : "");
  } else {
    spdlog::warn(
        "job engine idle: no Madara node configured (--madara-rpc-url, with --snos-runner, "
        "--prover and --settle-on-ethereum); no block is processed");
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("{} received: shutting down (at most {} s)",
               received == SIGTERM ? "SIGTERM" : "SIGINT",
               options.graceful_shutdown_timeout_seconds);
  server->Stop();
  if (pipeline && !engine.Stop(std::chrono::seconds(options.graceful_shutdown_timeout_seconds))) {
    spdlog::warn(
        "shutdown: some jobs did not finish in time; their leases were released and "
        "another run picks them up");
    // Their handlers still run and use the engine: exit without waiting for them (as a kill
    // would; every step is idempotent and its lease is already released).
    spdlog::shutdown();
    std::_Exit(0);
  }
  return Ok();
}

}  // namespace orch::cli
