// Three orchestrator processes share one PostgreSQL database and push blocks through the whole
// L2 pipeline over simulated services, while one of them is killed with SIGKILL at random
// moments three times and restarted. At the end every block is settled, every job exists
// exactly once, and every (job type, block) side effect was committed exactly once.
//
// One deployment per test executable (ORCH_MULTI_INSTANCE_ON_AWS, set at compile time so that
// each executable carries the labels of the services it needs):
//  - postgres: the queues are tables in the same database, committed with the jobs;
//  - sqs_s3: the jobs in PostgreSQL, the queues on SQS (fauxqs) and the artifacts in S3
//    (s3rver), composed by app::Backends as `orchestrator run` does, so job changes and their
//    messages go through the store-then-queue committer. SnosRun stores an artifact per block
//    that ProofCreation reads back, and at the end the bucket holds exactly one per block, with
//    the block's bytes. This deployment fails (never skips) without the emulators.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/contract/test_database.h"
#include "tests/support/exec_arguments.h"
#include "tests/support/fauxqs_sqs.h"
#include "tests/support/simulated_pipeline.h"

#include "orch/app/aws_services.h"
#include "orch/app/backends.h"
#include "orch/engine/settlement_range.h"
#include "orch/store/sql/sql_job_store.h"

extern char** environ;

namespace orch::testing {
namespace {

constexpr int kInstances = 3;
constexpr int kKills = 3;

// Where the workers keep their queues and artifacts, and how many blocks they settle.
struct Deployment {
  std::string name;
  std::uint64_t last_block = 0;
  // Queues on SQS and artifacts in S3; else queues in PostgreSQL and no artifacts.
  bool on_aws = false;
};

void PrintTo(const Deployment& deployment, std::ostream* out) { *out << deployment.name; }

Deployment PostgresDeployment() { return {.name = "postgres", .last_block = 2000}; }

// 1,500 blocks: about as many as fit in two minutes on a 2-core machine that also runs
// PostgreSQL, fauxqs and s3rver for the three workers. Measured over five runs while builds
// loaded the machine (load average 4 to 9): settled in 66-106 s, 78-134 s in all with the
// artifact checks and cleanup (1,000 blocks: 76 s in all). Every message is an HTTP round trip
// to fauxqs instead of a row in the job's transaction, so a block costs about three times what
// it costs with the queues in PostgreSQL (2,000 blocks in 43-53 s there). The 5-minute deadline
// is well over twice the slowest run.
Deployment AwsDeployment() { return {.name = "sqs_s3", .last_block = 1500, .on_aws = true}; }

// Every S3 artifact of all runs lives in this bucket, under a prefix unique to the run.
constexpr std::string_view kBucket = "orch-multi-instance";

// The current environment without AWS_* (a developer's own AWS settings must not redirect the
// workers), plus `aws`.
std::vector<std::string> WorkerEnvironment(const std::map<std::string, std::string>& aws) {
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (!std::string_view(*variable).starts_with("AWS_")) {
      environment.emplace_back(*variable);
    }
  }
  for (const auto& [name, value] : aws) {
    environment.push_back(name + "=" + value);
  }
  return environment;
}

pid_t StartWorker(const std::vector<std::string>& arguments,
                  const std::vector<std::string>& environment) {
  const std::vector<char*> argv = test_support::ExecArray(arguments, ORCH_PIPELINE_WORKER);
  const std::vector<char*> envp = test_support::ExecArray(environment);
  const pid_t pid = fork();
  if (pid == 0) {
    execve(ORCH_PIPELINE_WORKER, argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

class MultiInstanceTest : public ::testing::TestWithParam<Deployment> {
 protected:
  void SetUp() override {
    if (GetParam().on_aws) {
      ASSERT_NO_FATAL_FAILURE(OpenAws());
    } else {
      ORCH_OPEN_TEST_DATABASE(database_, PostgresBackend());
    }
  }

  void TearDown() override {
    if (backends_ == nullptr) {
      return;
    }
    // Best effort, but visible: s3rver keeps every run's objects on disk until it stops.
    Result<std::vector<std::string>> keys = backends_->object_store().List("");
    EXPECT_TRUE(keys.ok()) << keys.error().ToString();
    for (const std::string& key : keys.ok() ? *keys : std::vector<std::string>{}) {
      Result<void> deleted = backends_->object_store().Delete(key);
      EXPECT_TRUE(deleted.ok()) << deleted.error().ToString();
    }
  }

  // Jobs in PostgreSQL, queues on fauxqs, artifacts on s3rver, under names unique to this run.
  void OpenAws() {
    const char* postgres = std::getenv("ORCH_TEST_POSTGRES_URL");
    const char* fauxqs = std::getenv("ORCH_TEST_FAUXQS_URL");
    const char* s3rver = std::getenv("ORCH_TEST_S3RVER_URL");
    ASSERT_TRUE(postgres != nullptr && fauxqs != nullptr && s3rver != nullptr)
        << "this test needs ORCH_TEST_POSTGRES_URL, ORCH_TEST_FAUXQS_URL and "
           "ORCH_TEST_S3RVER_URL: start PostgreSQL and the AWS emulators with "
           "eval \"$(scripts/test-services.sh start DIR)\" (and stop them with "
           "scripts/test-services.sh stop DIR)";
    Result<std::unique_ptr<TestDatabase>> database = OpenPostgresTestDatabase();
    ASSERT_TRUE(database.ok()) << database.error().ToString();
    database_ = std::move(database).value();
    // s3rver accepts only its own key; fauxqs accepts any.
    aws_ = {{"AWS_ACCESS_KEY_ID", "S3RVER"},
            {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ENDPOINT_URL", fauxqs},
            {"AWS_ENDPOINT_URL_S3", s3rver}};
    queue_template_ = UniqueAwsName("mi") + "_mo_{}_queue";
    storage_url_ = fmt::format("s3://{}/{}", kBucket, UniqueAwsName("run"));
    const aws::EnvLookup lookup = [this](std::string_view name) -> std::optional<std::string> {
      const auto it = aws_.find(std::string(name));
      return it == aws_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    Result<std::unique_ptr<app::Backends>> backends =
        app::Backends::Open({.database_url = database_->url(),
                             .queue_url = "sqs:",
                             .storage_url = storage_url_,
                             .alert_url = "log:"},
                            clock_, lookup);
    ASSERT_TRUE(backends.ok()) << backends.error().ToString();
    backends_ = std::move(backends).value();
    auto bucket = app::OpenS3Store(fmt::format("s3://{}", kBucket), backends_->aws());
    ASSERT_TRUE(bucket.ok()) << bucket.error().ToString();
    Result<void> created = (*bucket)->CreateBucket();
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }

  // The worker's command line after the executable.
  std::vector<std::string> WorkerArguments(const std::string& instance) const {
    std::vector<std::string> arguments{database_->url(), instance,
                                       std::to_string(GetParam().last_block)};
    if (backends_ != nullptr) {
      arguments.insert(arguments.end(), {"sqs:", storage_url_, queue_template_});
    }
    return arguments;
  }

  bool Settled(store::JobStore& store) {
    auto last = engine::FindSettlementOf(store, GetParam().last_block);
    return last.ok() && last->has_value() && (*last)->status == job::JobStatus::kCompleted;
  }

  SystemClock clock_;
  std::unique_ptr<TestDatabase> database_;
  std::map<std::string, std::string> aws_;  // the AWS_* variables of the workers (none: PG)
  std::string queue_template_;
  std::string storage_url_;
  std::unique_ptr<app::Backends> backends_;  // the AWS deployment's, for looking into S3
};

TEST_P(MultiInstanceTest, ThreeInstancesWithKillsSettleEveryBlockExactlyOnce) {
  const std::uint64_t last_block = GetParam().last_block;
  store::SqlJobStore store(database_->database(), clock_);
  SimulatedServices services(&database_->database());
  ASSERT_TRUE(services.Prepare().ok());

  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> environment = WorkerEnvironment(aws_);
  std::vector<pid_t> workers;
  for (int i = 0; i < kInstances; ++i) {
    workers.push_back(StartWorker(WorkerArguments("instance-" + std::to_string(i)), environment));
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
    workers[victim] = StartWorker(WorkerArguments("instance-" + std::to_string(victim) +
                                                  "-restart-" + std::to_string(kill_round)),
                                  environment);
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
  ASSERT_TRUE(Settled(store)) << "block " << last_block << " was not settled in time";
  std::printf("%s: %llu blocks settled in %.1f s\n", GetParam().name.c_str(),
              static_cast<unsigned long long>(last_block),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  // One job per block for every stage; the settlements cover every block once, in order.
  std::size_t settlements = 0;
  for (job::JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
    auto jobs = store.ListJobs({.types = {type}, .limit = 10'000});
    ASSERT_TRUE(jobs.ok());
    std::uint64_t next_block = 1;
    for (const job::Job& job : *jobs) {
      EXPECT_EQ(job.internal_id, next_block) << job::ToString(type);
      EXPECT_EQ(job.status, job::JobStatus::kCompleted)
          << job::ToString(type) << " " << job.internal_id;
      next_block = engine::LastBlockOf(job) + 1;
    }
    EXPECT_EQ(next_block, last_block + 1) << job::ToString(type);
    if (type == job::JobType::kStateTransition) {
      settlements = jobs->size();
    } else {
      EXPECT_EQ(jobs->size(), last_block) << job::ToString(type);
    }
  }
  std::printf("%zu settlements for %llu blocks\n", settlements,
              static_cast<unsigned long long>(last_block));
  auto records = services.Records();
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), last_block * 4);
  std::int64_t duplicates = 0;
  for (const auto& [key, record] : *records) {
    EXPECT_EQ(record.commits, 1) << key.first << " " << key.second;
    duplicates += record.submissions - 1;
  }
  std::printf("duplicate submissions absorbed by dedup keys: %lld\n",
              static_cast<long long>(duplicates));

  if (backends_ == nullptr) {
    return;
  }
  objects::ObjectStore& artifacts = backends_->object_store();
  Result<std::vector<std::string>> keys = artifacts.List("");
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  std::set<std::string> expected;
  for (std::uint64_t block = 1; block <= last_block; ++block) {
    expected.insert(SimulatedArtifactKey(block));
  }
  EXPECT_EQ(std::set<std::string>(keys->begin(), keys->end()), expected);
  EXPECT_EQ(keys->size(), expected.size()) << "a key listed twice";
  for (std::uint64_t block = 1; block <= last_block; ++block) {
    Result<std::string> artifact = artifacts.Get(SimulatedArtifactKey(block));
    ASSERT_TRUE(artifact.ok()) << artifact.error().ToString();
    EXPECT_EQ(*artifact, SimulatedArtifact(block)) << "block " << block;
  }
}

INSTANTIATE_TEST_SUITE_P(Deployments, MultiInstanceTest,
                         ::testing::Values(ORCH_MULTI_INSTANCE_ON_AWS ? AwsDeployment()
                                                                      : PostgresDeployment()),
                         [](const ::testing::TestParamInfo<Deployment>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace orch::testing
