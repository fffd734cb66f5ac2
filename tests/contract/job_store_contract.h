#pragma once

// The JobStore contract: every backend runs these tests (instantiate JobStoreContract with a
// DatabaseBackend). Time comes from a FakeClock; nothing sleeps.

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <set>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/store/schema.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::testing {

class JobStoreContract : public ::testing::TestWithParam<DatabaseBackend> {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, GetParam());
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
  }

  static job::JobMetadata SnosMetadata(std::uint64_t block) {
    job::JobMetadata metadata;
    metadata.common.orchestrator_version = "0.1.0";
    job::SnosMetadata snos;
    snos.snos_batch_index = block;
    snos.start_block = block;
    snos.end_block = block;
    snos.num_blocks = 1;
    snos.cairo_pie_path = std::to_string(block) + "/cairo_pie.zip";
    metadata.specific = snos;
    return metadata;
  }

  job::Job Insert(job::JobType type, std::uint64_t internal_id,
                  job::JobStatus status = job::JobStatus::kCreated, std::string version = "0.1.0") {
    job::Job job = job::NewJob(type, internal_id, SnosMetadata(internal_id), clock_.Now());
    job.status = status;
    job.metadata.common.orchestrator_version = std::move(version);
    auto outcome = store_->InsertIfAbsent(job);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    EXPECT_TRUE(outcome->inserted);
    return outcome->job;
  }

  static std::vector<std::uint64_t> InternalIds(const std::vector<job::Job>& jobs) {
    std::vector<std::uint64_t> ids;
    for (const job::Job& job : jobs) {
      ids.push_back(job.internal_id);
    }
    return ids;
  }

  FakeClock clock_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::JobStore> store_;
};

TEST_P(JobStoreContract, InsertedJobReadsBackFieldForField) {
  job::Job job = job::NewJob(job::JobType::kStateTransition, 7, {}, clock_.Now());
  job::StateUpdateMetadata update;
  update.program_output_path = "7/program_output.txt";
  update.tx_nonce = 115;
  update.tx_attempts.push_back({.attempt_no = 1,
                                .tx_hash = "0xabc",
                                .nonce = 115,
                                .gas_multiplier = "1.10",
                                .status = "Finalized",
                                .error = std::nullopt});
  update.context = {job::SettlementContext::Kind::kBlock, 7, std::nullopt};
  job.metadata.specific = update;
  job.metadata.common.failure_reason = "first";
  job.external_id = std::int64_t{7};

  auto outcome = store_->InsertIfAbsent(job);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->inserted);
  EXPECT_EQ(outcome->job, job);

  auto by_id = store_->GetJob(job.id);
  ASSERT_TRUE(by_id.ok()) << by_id.error().ToString();
  EXPECT_EQ(*by_id, job);
  auto by_key = store_->FindJob(job::JobType::kStateTransition, 7);
  ASSERT_TRUE(by_key.ok());
  ASSERT_TRUE(by_key->has_value());
  EXPECT_EQ(**by_key, job);
}

TEST_P(JobStoreContract, SecondInsertOfSameTypeAndInternalIdReturnsTheFirst) {
  const job::Job first = Insert(job::JobType::kSnosRun, 5);
  job::Job again = job::NewJob(job::JobType::kSnosRun, 5, SnosMetadata(99), clock_.Now());

  auto outcome = store_->InsertIfAbsent(again);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_FALSE(outcome->inserted);
  EXPECT_EQ(outcome->job.id, first.id);
  EXPECT_EQ(outcome->job.metadata, first.metadata);

  // Same internal id, other type: a different job.
  EXPECT_TRUE(store_
                  ->InsertIfAbsent(
                      job::NewJob(job::JobType::kProofCreation, 5, SnosMetadata(5), clock_.Now()))
                  ->inserted);
}

TEST_P(JobStoreContract, ConcurrentInsertsOfOneKeyCreateExactlyOneJob) {
  constexpr int kThreads = 8;
  std::atomic<int> inserted{0};
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto outcome = store_->InsertIfAbsent(
          job::NewJob(job::JobType::kSnosRun, 42, SnosMetadata(42), clock_.Now()));
      if (!outcome.ok()) {
        ++failures;
      } else if (outcome->inserted) {
        ++inserted;
      }
    });
  }
  threads.clear();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inserted.load(), 1);
}

TEST_P(JobStoreContract, MissingJobsAreNotFound) {
  auto missing = store_->GetJob("5a0ac1a4-63a7-4a47-9d6b-3f7d3bb1d8a1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto absent = store_->FindJob(job::JobType::kSnosRun, 1);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST_P(JobStoreContract, UpdateIsCompareAndSetOnVersion) {
  job::Job job = Insert(job::JobType::kSnosRun, 1);
  job.status = job::JobStatus::kLockedForProcessing;
  job.lease =
      job::Lease{"instance-a", clock_.Now() + std::chrono::seconds(30), job::JobStatus::kCreated};
  job.external_id = std::string("task-1");
  clock_.Advance(std::chrono::seconds(2));

  auto updated = store_->UpdateJob(job, 0);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->version, 1);
  EXPECT_EQ(updated->updated_at, clock_.Now());
  EXPECT_EQ(*store_->GetJob(job.id), *updated);

  job::Job stale = job;
  stale.status = job::JobStatus::kFailed;
  auto conflict = store_->UpdateJob(stale, 0);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(conflict.error().transient());
  EXPECT_EQ(store_->GetJob(job.id)->status, job::JobStatus::kLockedForProcessing);

  job::Job unknown = job;
  unknown.id = "00000000-0000-4000-8000-000000000000";
  auto not_found = store_->UpdateJob(unknown, 0);
  ASSERT_FALSE(not_found.ok());
  EXPECT_EQ(not_found.error().code(), ErrorCode::kNotFound);
}

TEST_P(JobStoreContract, OfTwoThreadsRacingACompareAndSetExactlyOneWins) {
  const job::Job job = Insert(job::JobType::kSnosRun, 1);
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const job::Job current = *store_->GetJob(job.id);
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::barrier start(2);
    {
      std::vector<std::jthread> racers;
      for (int racer = 0; racer < 2; ++racer) {
        racers.emplace_back([&, racer] {
          job::Job mine = current;
          mine.external_id = std::string("racer-") + std::to_string(racer);
          start.arrive_and_wait();
          auto result = store_->UpdateJob(mine, current.version);
          if (result.ok()) {
            ++wins;
          } else if (result.error().code() == ErrorCode::kConflict) {
            ++conflicts;
          }
        });
      }
    }
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), 1) << "round " << round;
    EXPECT_EQ(store_->GetJob(job.id)->version, current.version + 1);
  }
}

TEST_P(JobStoreContract, ListJobsFiltersAndOrders) {
  Insert(job::JobType::kSnosRun, 1, job::JobStatus::kCompleted);
  Insert(job::JobType::kSnosRun, 2, job::JobStatus::kCompleted);
  Insert(job::JobType::kSnosRun, 3, job::JobStatus::kFailed);
  Insert(job::JobType::kSnosRun, 4, job::JobStatus::kCreated, "0.0.9");
  Insert(job::JobType::kProofCreation, 1, job::JobStatus::kCreated);

  using job::JobStatus;
  using job::JobType;
  auto by_status = store_->ListJobs({.statuses = {JobStatus::kCreated}});
  ASSERT_TRUE(by_status.ok()) << by_status.error().ToString();
  EXPECT_EQ(InternalIds(*by_status), (std::vector<std::uint64_t>{1, 4}));

  auto snos = store_->ListJobs({.types = {JobType::kSnosRun}});
  EXPECT_EQ(InternalIds(*snos), (std::vector<std::uint64_t>{1, 2, 3, 4}));

  auto excluded = store_->ListJobs(
      {.types = {JobType::kSnosRun}, .excluded_statuses = {JobStatus::kCompleted}});
  EXPECT_EQ(InternalIds(*excluded), (std::vector<std::uint64_t>{3, 4}));

  auto range =
      store_->ListJobs({.types = {JobType::kSnosRun}, .min_internal_id = 2, .max_internal_id = 3});
  EXPECT_EQ(InternalIds(*range), (std::vector<std::uint64_t>{2, 3}));

  auto newest = store_->ListJobs({.types = {JobType::kSnosRun}, .newest_first = true, .limit = 2});
  EXPECT_EQ(InternalIds(*newest), (std::vector<std::uint64_t>{4, 3}));

  auto versioned =
      store_->ListJobs({.types = {JobType::kSnosRun}, .orchestrator_version = "0.1.0"});
  EXPECT_EQ(InternalIds(*versioned), (std::vector<std::uint64_t>{1, 2, 3}));

  clock_.Advance(std::chrono::seconds(10));
  job::Job touched = *store_->FindJob(JobType::kSnosRun, 2).value();
  ASSERT_TRUE(store_->UpdateJob(touched, touched.version).ok());
  auto stale = store_->ListJobs(
      {.types = {JobType::kSnosRun}, .updated_before = clock_.Now() - std::chrono::seconds(5)});
  EXPECT_EQ(InternalIds(*stale), (std::vector<std::uint64_t>{1, 3, 4}));

  auto both_statuses = store_->ListJobs(
      {.statuses = {JobStatus::kFailed, JobStatus::kCreated}, .min_internal_id = 2});
  EXPECT_EQ(InternalIds(*both_statuses), (std::vector<std::uint64_t>{3, 4}));
}

TEST_P(JobStoreContract, LatestAndOldestQueries) {
  using job::JobStatus;
  using job::JobType;
  auto none = store::LatestJobByType(*store_, JobType::kSnosRun);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  Insert(JobType::kSnosRun, 10, JobStatus::kCompleted);
  Insert(JobType::kSnosRun, 11, JobStatus::kPendingVerification);
  Insert(JobType::kSnosRun, 12, JobStatus::kCreated);
  Insert(JobType::kSnosRun, 13, JobStatus::kCreated, "0.0.9");
  Insert(JobType::kProofCreation, 50, JobStatus::kCreated);

  auto latest = store::LatestJobByType(*store_, JobType::kSnosRun);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*latest)->internal_id, 13u);
  auto latest_versioned = store::LatestJobByType(*store_, JobType::kSnosRun, "0.1.0");
  EXPECT_EQ((*latest_versioned)->internal_id, 12u);

  auto oldest =
      store::OldestJobByTypeExcludingStatuses(*store_, JobType::kSnosRun, {JobStatus::kCompleted});
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ((*oldest)->internal_id, 11u);
  auto oldest_excluding_more = store::OldestJobByTypeExcludingStatuses(
      *store_, JobType::kSnosRun, {JobStatus::kCompleted, JobStatus::kPendingVerification});
  EXPECT_EQ((*oldest_excluding_more)->internal_id, 12u);
}

TEST_P(JobStoreContract, JobsWithoutSuccessorSkipsThoseWithOne) {
  using job::JobStatus;
  using job::JobType;
  for (std::uint64_t block = 1; block <= 6; ++block) {
    Insert(JobType::kSnosRun, block, block == 4 ? JobStatus::kFailed : JobStatus::kCompleted);
  }
  Insert(JobType::kProofCreation, 2);
  Insert(JobType::kProofCreation, 5);
  Insert(JobType::kDataSubmission, 3);  // another type does not count as the successor

  auto pending = store_->JobsWithoutSuccessor(JobType::kSnosRun, JobStatus::kCompleted,
                                              JobType::kProofCreation, 0, 100, std::nullopt);
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  EXPECT_EQ(InternalIds(*pending), (std::vector<std::uint64_t>{1, 3, 6}));

  auto bounded = store_->JobsWithoutSuccessor(JobType::kSnosRun, JobStatus::kCompleted,
                                              JobType::kProofCreation, 2, 1, std::nullopt);
  EXPECT_EQ(InternalIds(*bounded), (std::vector<std::uint64_t>{3}));

  auto other_version = store_->JobsWithoutSuccessor(JobType::kSnosRun, JobStatus::kCompleted,
                                                    JobType::kProofCreation, 0, 100, "9.9.9");
  EXPECT_TRUE(other_version->empty());
}

TEST_P(JobStoreContract, ExpiredLeasesAreFoundOnceTheyExpire) {
  job::Job held = Insert(job::JobType::kSnosRun, 1);
  held.status = job::JobStatus::kLockedForProcessing;
  held.lease = job::Lease{"instance-a", clock_.Now() + std::chrono::seconds(30),
                          job::JobStatus::kPendingRetry};
  ASSERT_TRUE(store_->UpdateJob(held, held.version).ok());
  Insert(job::JobType::kSnosRun, 2);

  EXPECT_TRUE(store_->JobsWithExpiredLease(clock_.Now(), 10)->empty());
  clock_.Advance(std::chrono::seconds(30));
  auto expired = store_->JobsWithExpiredLease(clock_.Now(), 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().id, held.id);
  ASSERT_TRUE(expired->front().lease.has_value());
  EXPECT_EQ(expired->front().lease->previous_status, job::JobStatus::kPendingRetry);
  EXPECT_EQ(expired->front().lease->owner, "instance-a");

  auto mine = store_->ListJobs({.lease_owner = "instance-a"});
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(InternalIds(*mine), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(store_->ListJobs({.lease_owner = "instance-b"})->empty());
}

TEST_P(JobStoreContract, CountsJobsByTypeAndStatus) {
  Insert(job::JobType::kSnosRun, 1, job::JobStatus::kCompleted);
  Insert(job::JobType::kSnosRun, 2, job::JobStatus::kCompleted);
  Insert(job::JobType::kSnosRun, 3, job::JobStatus::kFailed);
  Insert(job::JobType::kProofCreation, 1, job::JobStatus::kCreated);

  auto counts = store_->CountJobsByTypeAndStatus();
  ASSERT_TRUE(counts.ok());
  const std::map<std::pair<job::JobType, job::JobStatus>, std::int64_t> expected = {
      {{job::JobType::kSnosRun, job::JobStatus::kCompleted}, 2},
      {{job::JobType::kSnosRun, job::JobStatus::kFailed}, 1},
      {{job::JobType::kProofCreation, job::JobStatus::kCreated}, 1},
  };
  EXPECT_EQ(*counts, expected);
}

TEST_P(JobStoreContract, InternalIdsBeyondInt64AreRefused) {
  const std::uint64_t too_big = std::uint64_t{1} << 63;
  auto outcome = store_->InsertIfAbsent(
      job::NewJob(job::JobType::kSnosRun, too_big, SnosMetadata(1), clock_.Now()));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(JobStoreContract, ACorruptRowIsReportedWithItsId) {
  const job::Job job = Insert(job::JobType::kSnosRun, 1);
  sql::SqlDatabase& database = database_->database();
  ASSERT_TRUE(database
                  .InTransaction(sql::SqlDatabase::Access::kWrite,
                                 [&](sql::SqlSession& session) -> Result<void> {
                                   sql::ParamList params(database);
                                   const std::string update = fmt::format(
                                       "UPDATE jobs SET metadata = {} WHERE id = {}",
                                       params.Add(std::string(R"({"common": {}, "specific": )"
                                                              R"({"type": "Snos"}})")),
                                       params.Add(job.id));
                                   ORCH_RETURN_IF_ERROR(session.Execute(update, params.values()));
                                   return Ok();
                                 })
                  .ok());
  auto read = store_->GetJob(job.id);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(read.error().message().find(job.id), std::string::npos) << read.error().message();
  EXPECT_NE(read.error().message().find("snos_batch_index"), std::string::npos)
      << read.error().message();
}

// Migration 0002 drops the indexes on status, internal_id and lease expiry: a database made by
// the first release upgrades, and what those indexes served still finds its jobs.
TEST_P(JobStoreContract, AVersionOneSchemaUpgradesAndItsJobsStayFindable) {
  using job::JobStatus;
  using job::JobType;
  sql::SqlDatabase& database = database_->database();
  const auto run = [&](const std::string& script) {
    return database.InTransaction(
        sql::SqlDatabase::Access::kWrite,
        [&](sql::SqlSession& session) -> Result<void> { return session.ExecuteScript(script); });
  };
  ASSERT_TRUE(run("CREATE INDEX jobs_status ON jobs (status);"
                  "CREATE INDEX jobs_internal_id ON jobs (internal_id);"
                  "CREATE INDEX jobs_lease_expires_at ON jobs (lease_expires_at) "
                  "WHERE lease_expires_at IS NOT NULL;"
                  "DELETE FROM schema_migrations WHERE version >= 2;")
                  .ok());
  ASSERT_EQ(*store::SchemaVersion(database), 1);
  Insert(JobType::kSnosRun, 1, JobStatus::kCompleted);
  Insert(JobType::kSnosRun, 2, JobStatus::kFailed);
  job::Job held = Insert(JobType::kProofCreation, 1);
  held.status = JobStatus::kLockedForProcessing;
  held.lease = job::Lease{"instance-a", clock_.Now(), JobStatus::kCreated};
  ASSERT_TRUE(store_->UpdateJob(held, held.version).ok());
  EXPECT_FALSE(store::CheckSchemaIsCurrent(database).ok());

  Result<int> applied = store::ApplyMigrations(database);
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_EQ(*applied, 1);
  EXPECT_TRUE(store::CheckSchemaIsCurrent(database).ok());
  std::int64_t dropped_left = -1;
  ASSERT_TRUE(database
                  .InTransaction(
                      sql::SqlDatabase::Access::kRead,
                      [&](sql::SqlSession& session) -> Result<void> {
                        const std::string query =
                            database.dialect() == sql::Dialect::kSqlite
                                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                                  "name IN ('jobs_status', 'jobs_internal_id', "
                                  "'jobs_lease_expires_at')"
                                : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = "
                                  "current_schema() AND indexname IN ('jobs_status', "
                                  "'jobs_internal_id', 'jobs_lease_expires_at')";
                        ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(query, {}));
                        ORCH_ASSIGN_OR_RETURN(dropped_left, sql::ColumnInt64(rows.at(0), 0, "n"));
                        return Ok();
                      })
                  .ok());
  EXPECT_EQ(dropped_left, 0);

  auto failed = store_->ListJobs({.statuses = {JobStatus::kFailed}});
  ASSERT_TRUE(failed.ok()) << failed.error().ToString();
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().internal_id, 2u);
  auto block_one = store_->ListJobs({.min_internal_id = 1, .max_internal_id = 1});
  ASSERT_TRUE(block_one.ok());
  std::set<JobType> types;
  for (const job::Job& job : *block_one) {
    types.insert(job.type);
  }
  EXPECT_EQ(block_one->size(), 2u);
  EXPECT_EQ(types, (std::set<JobType>{JobType::kSnosRun, JobType::kProofCreation}));
  auto expired = store_->JobsWithExpiredLease(clock_.Now(), 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().id, held.id);
}

}  // namespace orch::testing
