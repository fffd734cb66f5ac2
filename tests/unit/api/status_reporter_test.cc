#include "orch/api/status_reporter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/store/sql/sql_job_store.h"

namespace orch::api {
namespace {

using job::JobStatus;
using job::JobType;
using nlohmann::json;
using std::chrono_literals::operator""s;

// A node whose latest block the test sets, or which is unreachable.
class FakeChainHead final : public engine::ChainHead {
 public:
  Result<std::uint64_t> LatestBlock() override {
    if (down_) {
      return Error::Unavailable("connection refused");
    }
    return latest_.load();
  }

  void Set(std::uint64_t block) { latest_ = block; }
  void TakeDown() { down_ = true; }

 private:
  std::atomic<std::uint64_t> latest_ = 0;
  std::atomic<bool> down_ = false;
};

class StatusReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::OpenSqliteTestDatabase();
    ASSERT_TRUE(database.ok()) << database.error().ToString();
    database_ = std::move(database).value();
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    chain_.Set(10);
  }

  job::Job Insert(JobType type, std::uint64_t block, JobStatus status,
                  std::optional<std::string> failure_reason = std::nullopt) {
    job::JobMetadata metadata;
    metadata.specific = job::DaMetadata{.block_number = block};
    metadata.common.failure_reason = std::move(failure_reason);
    job::Job job = job::NewJob(type, block, std::move(metadata), clock_.Now());
    job.status = status;
    auto outcome = store_->InsertIfAbsent(job);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    return outcome->job;
  }

  json Report(engine::Layer layer = engine::Layer::kL2) {
    StatusReporter reporter(*store_, chain_, clock_, layer);
    auto report = reporter.Report();
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : json();
  }

  testing::FakeClock clock_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<store::SqlJobStore> store_;
  FakeChainHead chain_;
};

TEST_F(StatusReporterTest, EmptyStoreListsEveryStageWithNothingDone) {
  const json report = Report();
  EXPECT_EQ(report["layer"], "l2");
  EXPECT_EQ(report["chain_latest_block"], 10);
  EXPECT_FALSE(report.contains("chain_error"));
  ASSERT_EQ(report["job_types"].size(), 4u);
  const std::vector<std::string> expected = {"SnosRun", "ProofCreation", "DataSubmission",
                                             "StateTransition"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json& entry = report["job_types"][i];
    EXPECT_EQ(entry, json({{"job_type", expected[i]},
                           {"latest_completed_block", nullptr},
                           {"counts", json::object()},
                           {"oldest_unfinished", nullptr},
                           {"block_lag", nullptr}}));
  }
  EXPECT_EQ(report["blocked"], json::array());
  EXPECT_EQ(report["blocked_total"], 0);
}

TEST_F(StatusReporterTest, L3ListsItsFiveStagesInPipelineOrder) {
  const json report = Report(engine::Layer::kL3);
  EXPECT_EQ(report["layer"], "l3");
  ASSERT_EQ(report["job_types"].size(), 5u);
  EXPECT_EQ(report["job_types"][2]["job_type"], "ProofRegistration");
}

TEST_F(StatusReporterTest, ReportsProgressLagAndTheOldestUnfinishedJob) {
  for (std::uint64_t block = 0; block <= 3; ++block) {
    Insert(JobType::kSnosRun, block, JobStatus::kCompleted);
  }
  const job::Job oldest = Insert(JobType::kSnosRun, 4, JobStatus::kCreated);
  clock_.Advance(30s);
  Insert(JobType::kSnosRun, 5, JobStatus::kLockedForProcessing);
  Insert(JobType::kProofCreation, 0, JobStatus::kCompleted);
  clock_.Advance(60s);

  const json report = Report();
  const json& snos = report["job_types"][0];
  EXPECT_EQ(snos["latest_completed_block"], 3);
  EXPECT_EQ(snos["block_lag"], 7);
  EXPECT_EQ(snos["counts"], json({{"Completed", 4}, {"Created", 1}, {"LockedForProcessing", 1}}));
  EXPECT_EQ(
      snos["oldest_unfinished"],
      json({{"id", oldest.id}, {"internal_id", 4}, {"status", "Created"}, {"age_seconds", 90}}));

  const json& proving = report["job_types"][1];
  EXPECT_EQ(proving["latest_completed_block"], 0);
  EXPECT_EQ(proving["block_lag"], 10);
  EXPECT_EQ(proving["oldest_unfinished"], nullptr);
  EXPECT_EQ(report["job_types"][3]["block_lag"], nullptr);  // nothing settled yet
}

TEST_F(StatusReporterTest, ASettlementOfSeveralBlocksCountsUpToItsLastBlock) {
  job::JobMetadata metadata;
  metadata.specific =
      job::StateUpdateMetadata{.context = {job::SettlementContext::Kind::kBlock, 6, {}}};
  job::Job settlement =
      job::NewJob(JobType::kStateTransition, 3, std::move(metadata), clock_.Now());
  settlement.status = JobStatus::kCompleted;
  ASSERT_TRUE(store_->InsertIfAbsent(settlement).ok());

  const json report = Report();
  const json& settled = report["job_types"][3];
  EXPECT_EQ(settled["latest_completed_block"], 6);
  EXPECT_EQ(settled["block_lag"], 4);
}

TEST_F(StatusReporterTest, AnUnreachableNodeIsReportedNotFatal) {
  Insert(JobType::kSnosRun, 0, JobStatus::kCompleted);
  chain_.TakeDown();

  const json report = Report();
  EXPECT_EQ(report["chain_latest_block"], nullptr);
  EXPECT_NE(report["chain_error"].get<std::string>().find("connection refused"), std::string::npos);
  EXPECT_EQ(report["job_types"][0]["latest_completed_block"], 0);
  EXPECT_EQ(report["job_types"][0]["block_lag"], nullptr);
}

TEST_F(StatusReporterTest, ListsBlockingJobsLowestBlockFirstWithWhatTheyHoldUp) {
  const job::Job snos = Insert(JobType::kSnosRun, 7, JobStatus::kFailed, "bad block");
  const job::Job settle =
      Insert(JobType::kStateTransition, 3, JobStatus::kVerificationTimeout, "tx not final");
  Insert(JobType::kProofCreation, 2, JobStatus::kPendingVerification);

  const json report = Report();
  EXPECT_EQ(report["blocked_total"], 2);
  ASSERT_EQ(report["blocked"].size(), 2u);
  EXPECT_EQ(report["blocked"][0], json({{"job_type", "StateTransition"},
                                        {"internal_id", 3},
                                        {"id", settle.id},
                                        {"status", "VerificationTimeout"},
                                        {"reason", "tx not final"},
                                        {"updated_at", ToUnixSeconds(clock_.Now())},
                                        {"blocks", "settlement of block 3 and later"}}));
  EXPECT_EQ(report["blocked"][1]["id"], snos.id);
  EXPECT_EQ(report["blocked"][1]["reason"], "bad block");
  EXPECT_EQ(report["blocked"][1]["blocks"],
            "ProofCreation, DataSubmission, StateTransition of block 7; settlement of block 7 "
            "and later");
}

TEST_F(StatusReporterTest, ListsAtMostFiftyBlockingJobsButCountsAll) {
  for (std::uint64_t block = 0; block < 60; ++block) {
    Insert(JobType::kProofCreation, block, JobStatus::kFailed);
  }
  const json report = Report();
  EXPECT_EQ(report["blocked_total"], 60);
  ASSERT_EQ(report["blocked"].size(), 50u);
  EXPECT_EQ(report["blocked"][0]["internal_id"], 0);
  EXPECT_EQ(report["blocked"][49]["internal_id"], 49);
  EXPECT_EQ(report["blocked"][0]["reason"], nullptr);
}

}  // namespace
}  // namespace orch::api
