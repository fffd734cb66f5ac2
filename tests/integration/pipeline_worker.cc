// One orchestrator instance over simulated services, for the multi-instance crash test:
//   pipeline_worker DATABASE_URL INSTANCE_ID LAST_BLOCK
// Runs the job engine until StateTransition LAST_BLOCK is Completed (exit 0) or SIGTERM.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "tests/support/simulated_pipeline.h"

#include "orch/alert/log/log_alerter.h"
#include "orch/app/backends.h"
#include "orch/engine/engine.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void OnSignal(int /*signal*/) { stop_requested = 1; }

}  // namespace

int main(int argc, char** argv) {
  using namespace orch;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATABASE_URL INSTANCE_ID LAST_BLOCK\n", argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  std::signal(SIGTERM, OnSignal);
  const std::uint64_t last_block = std::strtoull(argv[3], nullptr, 10);

  auto database = app::OpenDatabase(argv[1]);
  if (!database.ok()) {
    std::fprintf(stderr, "error: %s\n", database.error().ToString().c_str());
    return 1;
  }
  SystemClock clock;
  queue::QueueSignal signal;
  store::SqlJobStore store(**database, clock);
  queue::SqlQueue queue(**database, clock, signal);
  alert::LogAlerter alerter;
  auto layout = engine::QueueLayout::Create(
      engine::Layer::kL2, {.visibility_timeout = std::chrono::seconds(5),
                           .state_transition_visibility_timeout = std::chrono::seconds(5)});
  for (const queue::QueueConfig& config : layout->Configs()) {
    if (auto created = queue.CreateQueue(config); !created.ok()) {
      std::fprintf(stderr, "error: %s\n", created.error().ToString().c_str());
      return 1;
    }
  }
  testing::SimulatedServices services(database->get());
  (void)services.Prepare();
  engine::HandlerRegistry handlers;
  testing::RegisterSimulatedHandlers(handlers, services, engine::Layer::kL2,
                                     {.lease_duration = std::chrono::seconds(2)});
  testing::FixedChainHead chain(last_block);
  engine::NullEngineObserver observer;
  engine::SqlJobCommitter committer(**database, store, queue);
  engine::Engine engine(store, queue, committer, alerter, handlers, *layout, chain, clock, observer,
                        {.instance_id = argv[2],
                         .trigger_interval = std::chrono::milliseconds(500),
                         .sweep_interval = std::chrono::milliseconds(500),
                         .stale_grace = std::chrono::seconds(3),
                         .default_concurrency = 2,
                         .pipeline = {.min_block = 1, .snos_job_buffer_size = 100}});
  engine.Start();
  while (stop_requested == 0) {
    auto settled = store.FindJob(job::JobType::kStateTransition, last_block);
    if (settled.ok() && settled->has_value() && (*settled)->status == job::JobStatus::kCompleted) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return engine.Stop(std::chrono::seconds(10)) ? 0 : 1;
}
