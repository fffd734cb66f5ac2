// Runs every store and queue contract against PostgreSQL (ORCH_TEST_POSTGRES_URL).
#include "tests/contract/job_committer_contract.h"
#include "tests/contract/job_store_contract.h"
#include "tests/contract/lock_store_contract.h"
#include "tests/contract/queue_contract.h"

#include "orch/queue/postgres/postgres_queue_listener.h"
#include "orch/sql/postgres/postgres_database.h"

namespace orch::testing {

INSTANTIATE_TEST_SUITE_P(Postgres, JobStoreContract, ::testing::Values(PostgresBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Postgres, LockStoreContract, ::testing::Values(PostgresBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Postgres, QueueContract,
                         ::testing::Values(SqlQueueBackend(PostgresBackend())), BackendName());

INSTANTIATE_TEST_SUITE_P(Postgres, JobCommitterContract,
                         ::testing::Values(CommitterCase{PostgresBackend(), true},
                                           CommitterCase{PostgresBackend(), false}),
                         CommitterCaseName());

// SqlJobCommitter writes a change as one statement on PostgreSQL; the notification that wakes
// other processes' receivers must be part of it, for the jobs it creates and the messages it
// sends alike.
TEST(PostgresJobCommitterTest, AChangeWakesTheReceiversOfOtherProcesses) {
  std::unique_ptr<TestDatabase> database;
  ORCH_OPEN_TEST_DATABASE(database, PostgresBackend());
  FakeClock clock;
  queue::QueueSignal signal;
  store::SqlJobStore store(database->database(), clock);
  queue::SqlQueue queue(database->database(), clock, signal);
  ASSERT_TRUE(queue.CreateQueue({.name = "process"}).ok());
  ASSERT_TRUE(queue.CreateQueue({.name = "verify"}).ok());
  engine::SqlJobCommitter committer(database->database(), store, queue);

  auto other = sql::PostgresDatabase::Open(database->url(), {});
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  queue::QueueSignal other_signal;
  auto listener = queue::PostgresQueueListener::Start(**other, other_signal);
  ASSERT_TRUE(listener.ok()) << listener.error().ToString();
  // The listener LISTENs from its own thread: wait until a plain send reaches it.
  bool listening = false;
  for (int attempt = 0; attempt < 100 && !listening; ++attempt) {
    const std::uint64_t before = other_signal.Sequence("verify");
    ASSERT_TRUE(queue.Send("verify", "probe", {}).ok());
    listening = other_signal.WaitFor("verify", before, std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(listening) << "the listener never received a notification";
  const std::uint64_t process_seen = other_signal.Sequence("process");
  const std::uint64_t verify_seen = other_signal.Sequence("verify");

  const job::Job job = job::NewJob(job::JobType::kSnosRun, 1, job::JobMetadata{}, clock.Now());
  ASSERT_TRUE(store.InsertIfAbsent(job).ok());
  job::Job changed = job;
  changed.status = job::JobStatus::kCompleted;
  const job::Job follow_up =
      job::NewJob(job::JobType::kProofCreation, 1, job::JobMetadata{}, clock.Now());
  auto stored = committer.UpdateJob(changed, job.version, {{"verify", "job-1", {}}}, std::nullopt,
                                    {{follow_up, engine::OutgoingMessage{"process", "pc-1", {}}}});
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_TRUE(other_signal.WaitFor("verify", verify_seen, std::chrono::seconds(10)));
  EXPECT_TRUE(other_signal.WaitFor("process", process_seen, std::chrono::seconds(10)));
}

}  // namespace orch::testing
