// Runs the whole L2 pipeline (SnosRun, ProofCreation, DataSubmission, StateTransition) over
// instant simulated services, with the engine's default options, and prints one JSON line:
//   pipeline_bench --backend sqlite|postgres [--blocks 10000] [--rss-blocks 50000]
//                  [--concurrency N] [--buffer N]
// blocks_per_second: settled blocks over wall time for the first --blocks blocks.
// Latency of a block: from the creation of its SnosRun job (the orchestrator noticing the
// block) to its StateTransition completing. commits_per_block: write transactions per block.
// sqlite_writes_per_commit (SQLite only): write transactions per SQLite commit, i.e. the
// average group of the group commit; sqlite_checkpoints: WAL checkpoints over the whole run.
// Peak RSS is read after --blocks and after --rss-blocks blocks (flat memory means the second
// is barely above the first). look_ahead (--buffer) bounds the blocks in flight, and so the
// latency: about look_ahead / blocks_per_second. PostgreSQL needs ORCH_TEST_POSTGRES_URL.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/support/simulated_pipeline.h"

#include "orch/alert/log/log_alerter.h"
#include "orch/engine/engine.h"
#include "orch/engine/settlement_range.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/sql/sqlite/sqlite_database.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::bench {
namespace {

// Counts write transactions on the way to the real database.
class CountingDatabase final : public sql::SqlDatabase {
 public:
  explicit CountingDatabase(sql::SqlDatabase& inner) : inner_(inner) {}
  sql::Dialect dialect() const override { return inner_.dialect(); }
  Result<void> InTransaction(Access access,
                             const std::function<Result<void>(sql::SqlSession&)>& body) override {
    if (access != Access::kRead) {
      ++writes_;
    }
    return inner_.InTransaction(access, body);
  }
  std::uint64_t writes() const { return writes_.load(); }

 private:
  sql::SqlDatabase& inner_;
  std::atomic<std::uint64_t> writes_{0};
};

double PeakRssMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0;
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[index];
}

struct Options {
  std::string backend = "sqlite";
  std::uint64_t blocks = 10'000;
  std::uint64_t rss_blocks = 50'000;
  std::uint64_t steady_blocks = 2'000;
  double steady_rate = 200;                  // blocks per second
  std::optional<int> concurrency;            // consumers per queue (engine default otherwise)
  std::optional<std::uint64_t> buffer_size;  // look-ahead (engine default otherwise)
};

int Run(const Options& options) {
  auto opened = options.backend == "sqlite" ? testing::OpenSqliteTestDatabase()
                                            : testing::OpenPostgresTestDatabase();
  if (!opened.ok()) {
    std::fprintf(stderr, "error: %s\n", opened.error().ToString().c_str());
    return 1;
  }
  auto test_database = std::move(opened).value();
  CountingDatabase database(test_database->database());
  SystemClock clock;
  queue::QueueSignal signal;
  store::SqlJobStore store(database, clock);
  queue::SqlQueue queue(database, clock, signal);
  alert::LogAlerter alerter;
  auto layout = engine::QueueLayout::Create(engine::Layer::kL2, {});
  for (const queue::QueueConfig& config : layout->Configs()) {
    (void)queue.CreateQueue(config);
  }
  testing::SimulatedServices services(nullptr);
  engine::HandlerRegistry handlers;
  testing::RegisterSimulatedHandlers(handlers, services, engine::Layer::kL2, {});
  const std::uint64_t last = std::max(options.blocks, options.rss_blocks);
  testing::AdvancingChainHead chain(last);
  engine::NullEngineObserver observer;
  engine::SqlJobCommitter committer(database, store, queue);
  engine::EngineOptions engine_options{.instance_id = "bench", .pipeline = {.min_block = 1}};
  if (options.concurrency) {
    engine_options.default_concurrency = *options.concurrency;
  }
  if (options.buffer_size) {
    engine_options.pipeline.snos_job_buffer_size = *options.buffer_size;
  }
  engine::Engine engine(store, queue, committer, alerter, handlers, *layout, chain, clock, observer,
                        engine_options);

  const auto settled = [&](std::uint64_t block) {
    auto job = engine::FindSettlementOf(store, block);
    return job.ok() && job->has_value() && (*job)->status == job::JobStatus::kCompleted;
  };
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t writes_before = database.writes();
  engine.Start();
  while (!settled(options.blocks)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uint64_t writes = database.writes() - writes_before;
  const double rss_first = PeakRssMegabytes();
  while (options.rss_blocks > options.blocks && !settled(options.rss_blocks)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double rss_second = PeakRssMegabytes();
  // The node produces blocks at a steady rate; each one's latency runs from its arrival.
  std::map<std::uint64_t, std::int64_t> available_at;  // Unix ms
  const auto steady_start = std::chrono::steady_clock::now();
  const auto period = std::chrono::duration<double>(1.0 / options.steady_rate);
  for (std::uint64_t i = 1; i <= options.steady_blocks; ++i) {
    std::this_thread::sleep_until(
        steady_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * i));
    available_at[last + i] = ToUnixMillis(clock.Now());
    chain.Advance(last + i);
  }
  while (!settled(last + options.steady_blocks)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  engine.Stop(std::chrono::seconds(30));

  const auto latencies_from = [&](const std::map<std::uint64_t, std::int64_t>& start,
                                  std::uint64_t first, std::uint64_t end) {
    std::vector<double> latencies;
    const auto settlements = store.ListJobs({.types = {job::JobType::kStateTransition},
                                             .min_internal_id = first,
                                             .max_internal_id = end,
                                             .limit = static_cast<std::uint32_t>(end - first + 1)});
    for (const job::Job& settlement : *settlements) {
      for (std::uint64_t block = settlement.internal_id; block <= engine::LastBlockOf(settlement);
           ++block) {
        if (const auto found = start.find(block); found != start.end()) {
          latencies.push_back(
              static_cast<double>(ToUnixMillis(settlement.updated_at) - found->second));
        }
      }
    }
    return latencies;
  };
  std::map<std::uint64_t, std::int64_t> noticed_at;  // Unix ms
  const auto snos = store.ListJobs({.types = {job::JobType::kSnosRun},
                                    .max_internal_id = options.blocks,
                                    .limit = static_cast<std::uint32_t>(options.blocks)});
  for (const job::Job& job : *snos) {
    noticed_at[job.internal_id] = ToUnixMillis(job.created_at);
  }
  const std::vector<double> catch_up = latencies_from(noticed_at, 1, options.blocks);
  const std::vector<double> steady =
      latencies_from(available_at, last + 1, last + options.steady_blocks);
  nlohmann::ordered_json line = {
      {"backend", options.backend},
      {"blocks", options.blocks},
      {"blocks_per_second", static_cast<double>(options.blocks) / seconds},
      {"p50_latency_ms", Percentile(steady, 0.5)},
      {"p99_latency_ms", Percentile(steady, 0.99)},
      {"steady_blocks", options.steady_blocks},
      {"steady_blocks_per_second", options.steady_rate},
      {"catch_up_p50_latency_ms", Percentile(catch_up, 0.5)},
      {"catch_up_p99_latency_ms", Percentile(catch_up, 0.99)},
      {"commits_per_block", static_cast<double>(writes) / static_cast<double>(options.blocks)},
      {"look_ahead", engine_options.pipeline.snos_job_buffer_size},
      {"consumers_per_queue", engine_options.default_concurrency},
      {"peak_rss_mb_" + std::to_string(options.blocks / 1000) + "k", rss_first},
  };
  if (const auto* sqlite = dynamic_cast<const sql::SqliteDatabase*>(&test_database->database())) {
    const sql::SqliteWriteStatistics statistics = sqlite->write_statistics();
    line["sqlite_writes_per_commit"] =
        static_cast<double>(statistics.writes) /
        static_cast<double>(std::max<std::uint64_t>(statistics.groups, 1));
    line["sqlite_checkpoints"] = statistics.checkpoints;
    line["sqlite_wal_restarts"] = statistics.wal_restarts;
  }
  if (options.rss_blocks > options.blocks) {
    line["peak_rss_mb_" + std::to_string(options.rss_blocks / 1000) + "k"] = rss_second;
  }
  std::printf("%s\n", line.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace orch::bench

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  orch::bench::Options options;
  constexpr const char* kUsage =
      "usage: pipeline_bench [--backend sqlite|postgres] [--blocks N] [--rss-blocks N] "
      "[--steady-blocks N] [--steady-rate BLOCKS_PER_SECOND] [--concurrency N] [--buffer N]\n";
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", flag.c_str(), kUsage);
      return 2;
    }
    if (flag == "--backend") {
      options.backend = argv[i + 1];
    } else if (flag == "--blocks") {
      options.blocks = std::stoull(argv[i + 1]);
    } else if (flag == "--rss-blocks") {
      options.rss_blocks = std::stoull(argv[i + 1]);
    } else if (flag == "--steady-blocks") {
      options.steady_blocks = std::stoull(argv[i + 1]);
    } else if (flag == "--steady-rate") {
      options.steady_rate = std::stod(argv[i + 1]);
    } else if (flag == "--concurrency") {
      options.concurrency = std::stoi(argv[i + 1]);
    } else if (flag == "--buffer") {
      options.buffer_size = std::stoull(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown flag %s\n%s", flag.c_str(), kUsage);
      return 2;
    }
  }
  if (!(options.steady_rate > 0)) {
    std::fprintf(stderr, "--steady-rate must be positive\n%s", kUsage);
    return 2;
  }
  return orch::bench::Run(options);
}
