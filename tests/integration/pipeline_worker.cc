// One orchestrator instance over simulated services, for the multi-instance crash test:
//   pipeline_worker DATABASE_URL INSTANCE_ID LAST_BLOCK [QUEUE_URL STORAGE_URL QUEUE_TEMPLATE]
// With three arguments the queues are tables in the database and there are no artifacts. With
// six, the backends come from the composition root: the queues at QUEUE_URL ("sqs:") named
// after QUEUE_TEMPLATE (a QueueLayout template, unique per test run on a shared emulator), the
// artifacts the simulated handlers pass along at STORAGE_URL (s3://bucket/prefix), AWS settings
// from the AWS_* environment.
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
#include "orch/engine/settlement_range.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace {

using namespace orch;

volatile std::sig_atomic_t stop_requested = 0;

void OnSignal(int /*signal*/) { stop_requested = 1; }

// What the engine runs on, however it was composed.
struct Stack {
  sql::SqlDatabase& database;
  store::JobStore& store;
  queue::Queue& queue;
  engine::JobCommitter& committer;
  alert::Alerter& alerter;
  objects::ObjectStore* artifacts;  // null: the handlers pass no artifacts
};

int Fail(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.ToString().c_str());
  return 1;
}

int Run(const Stack& stack, const std::string& queue_template, const std::string& instance_id,
        std::uint64_t last_block) {
  SystemClock clock;
  // Whole seconds throughout, so that SQS (which rounds up to seconds) gets the same values.
  auto layout = engine::QueueLayout::Create(
      engine::Layer::kL2, {.name_template = queue_template,
                           .visibility_timeout = std::chrono::seconds(5),
                           .state_transition_visibility_timeout = std::chrono::seconds(5)});
  if (!layout.ok()) {
    return Fail(layout.error());
  }
  // Idempotent, so every worker (restarts included) may create them; on SQS this also sets
  // the visibility timeouts and the dead-letter redrive.
  for (const queue::QueueConfig& config : layout->Configs()) {
    if (auto created = stack.queue.CreateQueue(config); !created.ok()) {
      return Fail(created.error());
    }
  }
  testing::SimulatedServices services(&stack.database);
  (void)services.Prepare();
  engine::HandlerRegistry handlers;
  testing::RegisterSimulatedHandlers(handlers, services, engine::Layer::kL2,
                                     {.lease_duration = std::chrono::seconds(2)}, stack.artifacts);
  testing::FixedChainHead chain(last_block);
  engine::NullEngineObserver observer;
  engine::Engine engine(stack.store, stack.queue, stack.committer, stack.alerter, handlers, *layout,
                        chain, clock, observer,
                        {.instance_id = instance_id,
                         .trigger_interval = std::chrono::milliseconds(500),
                         .sweep_interval = std::chrono::milliseconds(500),
                         .stale_grace = std::chrono::seconds(3),
                         .default_concurrency = 2,
                         .pipeline = {.min_block = 1, .snos_job_buffer_size = 100}});
  engine.Start();
  while (stop_requested == 0) {
    auto settled = engine::FindSettlementOf(stack.store, last_block);
    if (settled.ok() && settled->has_value() && (*settled)->status == job::JobStatus::kCompleted) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return engine.Stop(std::chrono::seconds(10)) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 7) {
    std::fprintf(stderr,
                 "usage: %s DATABASE_URL INSTANCE_ID LAST_BLOCK [QUEUE_URL STORAGE_URL "
                 "QUEUE_TEMPLATE]\n",
                 argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  std::signal(SIGTERM, OnSignal);
  const std::string instance_id = argv[2];
  const std::uint64_t last_block = std::strtoull(argv[3], nullptr, 10);

  if (argc == 7) {
    SystemClock clock;
    auto backends = app::Backends::Open({.database_url = argv[1],
                                         .queue_url = argv[4],
                                         .storage_url = argv[5],
                                         .alert_url = "log:"},
                                        clock);
    if (!backends.ok()) {
      return Fail(backends.error());
    }
    app::Backends& opened = **backends;
    return Run({opened.database(), opened.job_store(), opened.queue(), opened.job_committer(),
                opened.alerter(), &opened.object_store()},
               argv[6], instance_id, last_block);
  }

  auto database = app::OpenDatabase(argv[1]);
  if (!database.ok()) {
    return Fail(database.error());
  }
  SystemClock clock;
  queue::QueueSignal signal;
  store::SqlJobStore store(**database, clock);
  queue::SqlQueue queue(**database, clock, signal);
  engine::SqlJobCommitter committer(**database, store, queue);
  alert::LogAlerter alerter;
  return Run({**database, store, queue, committer, alerter, nullptr},
             engine::QueueLayout::Options{}.name_template, instance_id, last_block);
}
