// Persistence-layer throughput on SQLite and PostgreSQL: job insert + compare-and-set update,
// queue send -> receive -> ack with 1 and 8 threads, and the raw commit rate of each database
// (one-row insert transactions through the plain client library: the physical reference the
// other figures are bounded by). PostgreSQL runs need ORCH_TEST_POSTGRES_URL. The queue runs
// on SQS too, as emulated by fauxqs (ORCH_TEST_FAUXQS_URL): an in-memory Node.js server on
// loopback, so its figures are not AWS figures (AWS adds tens of milliseconds per call and
// scales out).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <pqxx/pqxx>
#include <random>

#include "tests/contract/test_database.h"

#include "orch/aws/aws_client.h"
#include "orch/http/curl_http_client.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/queue/sqs/sqs_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::bench {
namespace {

using testing::TestDatabase;

enum Backend : int { kSqlite = 0, kPostgres = 1, kSqs = 2 };

std::unique_ptr<TestDatabase> OpenDatabase(benchmark::State& state) {
  auto database = state.range(0) == kSqlite ? testing::OpenSqliteTestDatabase()
                                            : testing::OpenPostgresTestDatabase();
  if (!database.ok()) {
    state.SkipWithError(database.error().message().c_str());
    return nullptr;
  }
  return std::move(database).value();
}

void SetLabel(benchmark::State& state) {
  switch (state.range(0)) {
    case kSqlite:
      state.SetLabel("sqlite");
      break;
    case kPostgres:
      state.SetLabel("postgres");
      break;
    default:
      state.SetLabel("sqs (fauxqs emulator)");
  }
}

void BM_JobInsertAndCompareAndSet(benchmark::State& state) {
  SetLabel(state);
  auto database = OpenDatabase(state);
  if (!database) {
    return;
  }
  SystemClock clock;
  store::SqlJobStore store(database->database(), clock);
  std::uint64_t block = 0;
  for (auto _ : state) {
    job::JobMetadata metadata;
    metadata.specific = job::SnosMetadata{.snos_batch_index = block};
    auto inserted = store.InsertIfAbsent(
        job::NewJob(job::JobType::kSnosRun, block++, std::move(metadata), clock.Now()));
    job::Job job = std::move(inserted).value().job;
    job.status = job::JobStatus::kLockedForProcessing;
    auto updated = store.UpdateJob(job, job.version);
    if (!updated.ok()) {
      state.SkipWithError(updated.error().message().c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JobInsertAndCompareAndSet)->Arg(kSqlite)->Arg(kPostgres)->UseRealTime();

// Shared between the threads of one queue benchmark run.
struct QueueFixture {
  std::mutex mutex;
  int users = 0;
  std::unique_ptr<TestDatabase> database;
  SystemClock clock;
  queue::QueueSignal signal;
  http::CurlHttpClient http;
  std::unique_ptr<aws::AwsClient> sqs;
  std::unique_ptr<queue::Queue> queue;
  std::string queue_name;
};
QueueFixture queue_fixture;

// The queue "bench-<random>" on fauxqs (one emulator may serve several runs), or nullptr.
std::unique_ptr<queue::Queue> OpenSqsQueue(benchmark::State& state) {
  const char* url = std::getenv("ORCH_TEST_FAUXQS_URL");
  if (url == nullptr) {
    state.SkipWithError("ORCH_TEST_FAUXQS_URL is not set");
    return nullptr;
  }
  aws::AwsConfig config;
  config.credentials = {"test", "test", ""};
  config.region = "us-east-1";
  config.endpoint_url = url;
  queue_fixture.sqs = std::make_unique<aws::AwsClient>(queue_fixture.http, std::move(config),
                                                       aws::SqsService(), queue_fixture.clock);
  auto queue = std::make_unique<queue::SqsQueue>(*queue_fixture.sqs, queue_fixture.clock);
  queue_fixture.queue_name = fmt::format("bench-{:08x}", std::random_device()());
  if (auto created = queue->CreateQueue({.name = queue_fixture.queue_name}); !created.ok()) {
    state.SkipWithError(created.error().message().c_str());
    return nullptr;
  }
  return queue;
}

void BM_QueueSendReceiveAck(benchmark::State& state) {
  SetLabel(state);
  std::string name;
  {
    std::lock_guard lock(queue_fixture.mutex);
    if (queue_fixture.users++ == 0) {
      if (state.range(0) == kSqs) {
        queue_fixture.queue = OpenSqsQueue(state);
      } else {
        queue_fixture.queue_name = "bench";
        queue_fixture.database = OpenDatabase(state);
        if (queue_fixture.database) {
          queue_fixture.queue = std::make_unique<queue::SqlQueue>(
              queue_fixture.database->database(), queue_fixture.clock, queue_fixture.signal);
          (void)queue_fixture.queue->CreateQueue({.name = queue_fixture.queue_name});
        }
      }
    }
    name = queue_fixture.queue_name;
  }
  queue::Queue* queue = queue_fixture.queue.get();
  for (auto _ : state) {
    if (queue == nullptr) {
      state.SkipWithError("no queue");
      break;
    }
    auto sent = queue->Send(name, R"({"id":"00000000-0000-4000-8000-000000000000"})",
                            std::chrono::milliseconds(0));
    auto received = queue->Receive(name, 1, std::chrono::seconds(5));
    if (!sent.ok() || !received.ok() || received->empty()) {
      state.SkipWithError("send or receive failed");
      break;
    }
    (void)queue->Ack(name, received->front().receipt);
  }
  state.SetItemsProcessed(state.iterations());
  std::lock_guard lock(queue_fixture.mutex);
  if (--queue_fixture.users == 0) {
    queue_fixture.queue.reset();
    queue_fixture.sqs.reset();
    queue_fixture.database.reset();
  }
}
BENCHMARK(BM_QueueSendReceiveAck)
    ->Arg(kSqlite)
    ->Arg(kPostgres)
    ->Arg(kSqs)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime();

void BM_RawCommitSqlite(benchmark::State& state) {
  testing::TempDir dir;
  sqlite3* db = nullptr;
  sqlite3_open((dir.path() + "/raw.db").c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
               "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('x')", -1, &insert, nullptr);
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawCommitSqlite)->UseRealTime();

void BM_RawCommitPostgres(benchmark::State& state) {
  const char* url = std::getenv("ORCH_TEST_POSTGRES_URL");
  if (url == nullptr) {
    state.SkipWithError("ORCH_TEST_POSTGRES_URL is not set");
    return;
  }
  pqxx::connection connection(url);
  {
    pqxx::work setup(connection);
    setup.exec("CREATE TEMP TABLE raw_commit (id BIGSERIAL PRIMARY KEY, v TEXT)");
    setup.commit();
  }
  for (auto _ : state) {
    pqxx::work transaction(connection);
    transaction.exec("INSERT INTO raw_commit (v) VALUES ('x')");
    transaction.commit();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawCommitPostgres)->UseRealTime();

}  // namespace
}  // namespace orch::bench

BENCHMARK_MAIN();
