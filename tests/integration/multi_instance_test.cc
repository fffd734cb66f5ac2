// Three orchestrator processes share one PostgreSQL database and push 2,000 blocks through the
// whole L2 pipeline over simulated services, while one of them is killed with SIGKILL at
// random moments three times and restarted. At the end every block is settled, every job
// exists exactly once, and every (job type, block) side effect was committed exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/support/simulated_pipeline.h"

#include "orch/store/sql/sql_job_store.h"

namespace orch::testing {
namespace {

constexpr std::uint64_t kLastBlock = 2000;
constexpr int kInstances = 3;
constexpr int kKills = 3;

pid_t StartWorker(const std::string& url, const std::string& instance) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(ORCH_PIPELINE_WORKER, ORCH_PIPELINE_WORKER, url.c_str(), instance.c_str(),
          std::to_string(kLastBlock).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

class MultiInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override { ORCH_OPEN_TEST_DATABASE(database_, PostgresBackend()); }

  bool Settled(store::JobStore& store) {
    auto last = store.FindJob(job::JobType::kStateTransition, kLastBlock);
    return last.ok() && last->has_value() && (*last)->status == job::JobStatus::kCompleted;
  }

  std::unique_ptr<TestDatabase> database_;
};

TEST_F(MultiInstanceTest, ThreeInstancesWithKillsSettleEveryBlockExactlyOnce) {
  SystemClock clock;
  store::SqlJobStore store(database_->database(), clock);
  SimulatedServices services(&database_->database());
  ASSERT_TRUE(services.Prepare().ok());

  std::vector<pid_t> workers;
  for (int i = 0; i < kInstances; ++i) {
    workers.push_back(StartWorker(database_->url(), "instance-" + std::to_string(i)));
  }
  std::mt19937 random(20261128);
  for (int kill_round = 0; kill_round < kKills && !Settled(store); ++kill_round) {
    const auto pause = std::chrono::milliseconds(1000 + random() % 3000);
    const auto until = std::chrono::steady_clock::now() + pause;
    while (std::chrono::steady_clock::now() < until && !Settled(store)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const std::size_t victim = random() % workers.size();
    kill(workers[victim], SIGKILL);
    int status = 0;
    waitpid(workers[victim], &status, 0);
    workers[victim] = StartWorker(database_->url(), "instance-" + std::to_string(victim) +
                                                        "-restart-" + std::to_string(kill_round));
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!Settled(store) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (pid_t worker : workers) {
    kill(worker, SIGTERM);
  }
  for (pid_t worker : workers) {
    int status = 0;
    waitpid(worker, &status, 0);
  }
  ASSERT_TRUE(Settled(store)) << "block " << kLastBlock << " was not settled in time";

  for (job::JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
    auto jobs = store.ListJobs({.types = {type}, .limit = 10'000});
    ASSERT_TRUE(jobs.ok());
    ASSERT_EQ(jobs->size(), kLastBlock) << job::ToString(type);
    for (std::size_t i = 0; i < jobs->size(); ++i) {
      EXPECT_EQ((*jobs)[i].internal_id, i + 1) << job::ToString(type);
      EXPECT_EQ((*jobs)[i].status, job::JobStatus::kCompleted)
          << job::ToString(type) << " " << (*jobs)[i].internal_id;
    }
  }
  auto records = services.Records();
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), kLastBlock * 4);
  std::int64_t duplicates = 0;
  for (const auto& [key, record] : *records) {
    EXPECT_EQ(record.commits, 1) << key.first << " " << key.second;
    duplicates += record.submissions - 1;
  }
  std::printf("duplicate submissions absorbed by dedup keys: %lld\n",
              static_cast<long long>(duplicates));
}

}  // namespace
}  // namespace orch::testing
