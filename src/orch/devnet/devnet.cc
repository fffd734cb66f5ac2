#include "orch/devnet/devnet.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "orch/app/backends.h"
#include "orch/app/pipeline.h"
#include "orch/engine/engine.h"
#include "orch/engine/settlement_range.h"
#include "orch/store/schema.h"

namespace orch::devnet {
namespace {

namespace fs = std::filesystem;

// The stages progress is shown for, in pipeline order.
constexpr job::JobType kStages[] = {job::JobType::kSnosRun, job::JobType::kProofCreation,
                                    job::JobType::kDataSubmission, job::JobType::kStateTransition};

// User and system CPU time of this process so far.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Why the run stopped early: the first job that failed for good, with its reason.
Result<std::string> FailedJob(store::JobStore& store) {
  ORCH_ASSIGN_OR_RETURN(
      const std::vector<job::Job> failed,
      store.ListJobs({.statuses = {job::JobStatus::kFailed, job::JobStatus::kVerificationTimeout},
                      .limit = 1}));
  if (failed.empty()) {
    return std::string();
  }
  const job::Job& job = failed.front();
  return fmt::format("{} of block {} is {}: {}", job::ToString(job.type), job.internal_id,
                     job::ToString(job.status),
                     job.metadata.common.failure_reason.value_or("no reason recorded"));
}

}  // namespace

nlohmann::json ToJson(const DevnetSummary& summary) {
  nlohmann::json json = {{"settled", summary.settled},
                         {"settled_through", summary.settled_through},
                         {"l1_state_block_number", summary.l1_state_block_number},
                         {"l1_state_root", summary.l1_state_root},
                         {"transactions", summary.transactions},
                         {"seconds", summary.seconds},
                         {"cpu_seconds", summary.cpu_seconds}};
  if (!summary.failure.empty()) {
    json["failure"] = summary.failure;
  }
  return json;
}

Result<DevnetSummary> RunDevnet(const DevnetOptions& options, std::ostream& progress) {
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<DevnetStack> stack,
                        DevnetStack::Start(options.stack, progress));
  const std::uint64_t first = stack->first_block();
  const std::uint64_t last = stack->last_block();
  const std::uint64_t blocks = last - first + 1;

  SystemClock clock;
  const fs::path work = fs::absolute(options.stack.work_dir);
  const app::BackendUrls urls{.database_url = "sqlite://" + (work / "orchestrator.db").string(),
                              .storage_url = "file://" + (work / "artifacts").string(),
                              .alert_url = "log:"};
  {
    ORCH_ASSIGN_OR_RETURN(auto database, app::OpenDatabase(urls.database_url));
    ORCH_RETURN_IF_ERROR(store::ApplyMigrations(*database));
  }
  ORCH_ASSIGN_OR_RETURN(auto backends, app::Backends::Open(urls, clock));
  ORCH_ASSIGN_OR_RETURN(const engine::QueueLayout layout,
                        engine::QueueLayout::Create(engine::Layer::kL2, {}));
  for (const queue::QueueConfig& config : layout.Configs()) {
    ORCH_RETURN_IF_ERROR(backends->queue().CreateQueue(config));
  }
  ORCH_ASSIGN_OR_RETURN(auto pipeline, app::Pipeline::Create(stack->PipelineSettings(options.poll),
                                                             *backends, clock));
  if (const std::vector<std::string> failures = pipeline->Preflight(); !failures.empty()) {
    return Error::FailedPrecondition("devnet startup checks failed: {}", fmt::join(failures, "; "));
  }

  engine::NullEngineObserver observer;
  engine::Engine engine(
      backends->job_store(), backends->queue(), backends->job_committer(), backends->alerter(),
      pipeline->handlers(), layout, pipeline->chain_head(), clock, observer,
      {.instance_id = "devnet",
       .trigger_interval = std::chrono::milliseconds(500),
       .sweep_interval = std::chrono::seconds(1),
       .stale_grace = std::chrono::seconds(10),
       .default_concurrency = 4,
       .pipeline = {.min_block = first, .max_block = last, .snos_job_buffer_size = 64}});
  const auto started = std::chrono::steady_clock::now();
  const double cpu_at_start = ProcessCpuSeconds();
  engine.Start();
  progress << fmt::format("devnet: orchestrator running, settling blocks {}..{}\n", first, last);

  store::JobStore& store = backends->job_store();
  DevnetSummary summary;
  std::string shown;
  while (true) {
    Result<std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t>> counts =
        store.CountJobsByTypeAndStatus();
    if (counts.ok()) {
      std::string line;
      for (const job::JobType type : kStages) {
        const auto found = counts->find({type, job::JobStatus::kCompleted});
        line += fmt::format("{}{} {}/{}", line.empty() ? "" : " · ", job::ToString(type),
                            found == counts->end() ? 0 : found->second, blocks);
      }
      if (line != shown) {
        progress << "devnet: " << line << "\n";
        shown = line;
      }
    }
    Result<std::optional<job::Job>> settled = engine::FindSettlementOf(store, last);
    if (settled.ok() && *settled && (**settled).status == job::JobStatus::kCompleted) {
      summary.settled = true;
      break;
    }
    if (Result<std::string> failed = FailedJob(store); failed.ok() && !failed->empty()) {
      summary.failure = *failed;
      break;
    }
    if (std::chrono::steady_clock::now() - started > options.timeout) {
      summary.failure = fmt::format("not settled within {} s", options.timeout.count());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.cpu_seconds = ProcessCpuSeconds() - cpu_at_start;
  engine.Stop(std::chrono::seconds(10));

  ORCH_ASSIGN_OR_RETURN(const std::vector<job::Job> transitions,
                        store.ListJobs({.types = {job::JobType::kStateTransition},
                                        .statuses = {job::JobStatus::kCompleted},
                                        .limit = static_cast<std::uint32_t>(blocks)}));
  for (const job::Job& job : transitions) {
    summary.settled_through = std::max(summary.settled_through, engine::LastBlockOf(job));
    const auto* metadata = std::get_if<job::StateUpdateMetadata>(&job.metadata.specific);
    if (metadata != nullptr && metadata->tx_hash) {
      summary.transactions.push_back(*metadata->tx_hash);
    }
  }
  ORCH_ASSIGN_OR_RETURN(const settlement::CoreContractState state, stack->ContractState());
  summary.l1_state_block_number = state.block_number;
  summary.l1_state_root = state.state_root.ToHex();
  progress << fmt::format("devnet: {} in {:.1f} s; shutting down\n",
                          summary.settled ? "every block settled" : "stopped: " + summary.failure,
                          summary.seconds);
  return summary;
}

}  // namespace orch::devnet
