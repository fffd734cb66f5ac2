#include "orch/engine/follow_up_planner.h"

#include "tests/unit/engine/engine_harness.h"

namespace orch::testing {
namespace {

using engine::PlannedJob;
using job::JobStatus;
using job::JobType;

class FollowUpPlannerTest : public EngineHarness {
 protected:
  // Stores a job directly in `status`, without going through the queues.
  job::Job Put(JobType type, std::uint64_t block, JobStatus status) {
    job::Job job = job::NewJob(type, block, {}, clock_.Now());
    job.metadata.specific = *Handler(type).CreateMetadata(block);
    job.status = status;
    EXPECT_TRUE(store_->InsertIfAbsent(job)->inserted);
    return job;
  }

  // Stores a StateTransition of blocks first..=last directly in `status`.
  job::Job PutSettlement(std::uint64_t first, std::uint64_t last, JobStatus status) {
    job::Job job = job::NewJob(JobType::kStateTransition, first, {}, clock_.Now());
    job.metadata.specific = SettlementMetadata(last);
    job.status = status;
    EXPECT_TRUE(store_->InsertIfAbsent(job)->inserted);
    return job;
  }

  std::vector<PlannedJob> Plan(const job::Job& completing,
                               engine::PipelineOptions options = {.min_block = 1,
                                                                  .snos_job_buffer_size = 5},
                               engine::Layer layer = engine::Layer::kL2) {
    engine::FollowUpPlanner planner(*store_, chain_, layer, options);
    auto planned = planner.Plan(completing);
    EXPECT_TRUE(planned.ok()) << planned.error().ToString();
    return planned.ok() ? *planned : std::vector<PlannedJob>{};
  }
};

using Plans = std::vector<PlannedJob>;

TEST_F(FollowUpPlannerTest, EachStageIsFollowedByTheNextStageOfItsBlock) {
  EXPECT_EQ(Plan(Put(JobType::kSnosRun, 4, JobStatus::kPendingVerification)),
            (Plans{{JobType::kProofCreation, 4}}));
  EXPECT_EQ(Plan(Put(JobType::kProofCreation, 4, JobStatus::kPendingVerification)),
            (Plans{{JobType::kDataSubmission, 4}}));
  EXPECT_EQ(Plan(Put(JobType::kProofCreation, 5, JobStatus::kPendingVerification), {},
                 engine::Layer::kL3),
            (Plans{{JobType::kProofRegistration, 5}}))
      << "L3 registers the proof first";
}

TEST_F(FollowUpPlannerTest, NothingOutsideMinAndMaxBlock) {
  const job::Job below = Put(JobType::kSnosRun, 2, JobStatus::kPendingVerification);
  const job::Job above = Put(JobType::kSnosRun, 9, JobStatus::kPendingVerification);
  EXPECT_TRUE(Plan(below, {.min_block = 3}).empty());
  EXPECT_TRUE(Plan(above, {.min_block = 0, .max_block = 8}).empty());
  EXPECT_EQ(Plan(above, {.min_block = 0, .max_block = 9}), (Plans{{JobType::kProofCreation, 9}}));
}

TEST_F(FollowUpPlannerTest, ADataSubmissionIsSettledOnlyInItsTurn) {
  const job::Job first = Put(JobType::kDataSubmission, 1, JobStatus::kPendingVerification);
  EXPECT_EQ(Plan(first), (Plans{{JobType::kStateTransition, 1}})) << "the first block";
  const job::Job third = Put(JobType::kDataSubmission, 3, JobStatus::kPendingVerification);
  EXPECT_TRUE(Plan(third).empty()) << "block 2 is not settled";

  Put(JobType::kStateTransition, 1, JobStatus::kCompleted);
  const job::Job second = Put(JobType::kDataSubmission, 2, JobStatus::kPendingVerification);
  EXPECT_EQ(Plan(second), (Plans{{JobType::kStateTransition, 2}}));
  Put(JobType::kStateTransition, 2, JobStatus::kPendingVerification);
  EXPECT_TRUE(Plan(third).empty()) << "block 2's settlement is still in flight";
}

TEST_F(FollowUpPlannerTest, ASettlementIsFollowedByTheNextOneAndTheBlockTheLookAheadAdmits) {
  chain_.SetLatest(100);
  const job::Job settling = Put(JobType::kStateTransition, 10, JobStatus::kPendingVerification);
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kSnosRun, 15}}))
      << "block 11 is not ready for settlement; the look-ahead of 5 now reaches block 15";
  Put(JobType::kDataSubmission, 11, JobStatus::kCompleted);
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kStateTransition, 11}, {JobType::kSnosRun, 15}}));

  chain_.SetLatest(14);
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kStateTransition, 11}})) << "the node lacks 15";
  chain_.SetLatest(100);
  EXPECT_EQ(Plan(settling, {.min_block = 1, .max_block = 11, .snos_job_buffer_size = 5}),
            (Plans{{JobType::kStateTransition, 11}}));
  EXPECT_TRUE(Plan(settling, {.min_block = 1, .max_block = 10, .snos_job_buffer_size = 5}).empty());
  chain_.FailWith(Error::Unavailable("node down"));
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kStateTransition, 11}}))
      << "an unreachable node only postpones the SNOS run to the trigger tick";
}

TEST_F(FollowUpPlannerTest, ASettlementInItsTurnCoversTheFollowingCompletedDataSubmissions) {
  for (std::uint64_t block : {2, 3, 4, 6}) {
    Put(JobType::kDataSubmission, block, JobStatus::kCompleted);
  }
  const job::Job first = Put(JobType::kDataSubmission, 1, JobStatus::kPendingVerification);
  EXPECT_EQ(Plan(first), (Plans{{JobType::kStateTransition, 1, 4}})) << "block 5 is not ready";
  EXPECT_EQ(Plan(first, {.min_block = 1, .max_blocks_per_settlement = 2}),
            (Plans{{JobType::kStateTransition, 1, 2}}));
  EXPECT_EQ(Plan(first, {.min_block = 1, .max_block = 3}),
            (Plans{{JobType::kStateTransition, 1, 3}}));

  PutSettlement(1, 4, JobStatus::kCompleted);
  const job::Job fifth = Put(JobType::kDataSubmission, 5, JobStatus::kPendingVerification);
  EXPECT_EQ(Plan(fifth), (Plans{{JobType::kStateTransition, 5, 2}}))
      << "the turn comes after the last block of the latest settlement";
}

TEST_F(FollowUpPlannerTest, ASettlementOfSeveralBlocksAdmitsAsManySnosRuns) {
  chain_.SetLatest(100);
  Put(JobType::kDataSubmission, 8, JobStatus::kCompleted);
  Put(JobType::kDataSubmission, 9, JobStatus::kCompleted);
  const job::Job settling = PutSettlement(3, 7, JobStatus::kPendingVerification);
  // The look-ahead of 5 reached 3 + 5 - 1 = 7 and now reaches 7 + 5 = 12.
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kStateTransition, 8, 2},
                                   {JobType::kSnosRun, 8},
                                   {JobType::kSnosRun, 9},
                                   {JobType::kSnosRun, 10},
                                   {JobType::kSnosRun, 11},
                                   {JobType::kSnosRun, 12}}));
  chain_.SetLatest(10);
  EXPECT_EQ(Plan(settling), (Plans{{JobType::kStateTransition, 8, 2},
                                   {JobType::kSnosRun, 8},
                                   {JobType::kSnosRun, 9},
                                   {JobType::kSnosRun, 10}}))
      << "not past the node's latest block";
}

}  // namespace
}  // namespace orch::testing
