#include "orch/engine/pipeline_triggers.h"

#include "tests/unit/engine/engine_harness.h"

#include "orch/engine/settlement_range.h"

namespace orch::testing {
namespace {

using job::JobStatus;
using job::JobType;

class PipelineTriggersTest : public EngineHarness {
 protected:
  std::vector<std::uint64_t> Blocks(JobType type) {
    std::vector<std::uint64_t> blocks;
    for (const job::Job& job : *store_->ListJobs({.types = {type}})) {
      blocks.push_back(job.internal_id);
    }
    return blocks;
  }

  void UseTriggers(engine::PipelineOptions options) {
    triggers_ = std::make_unique<engine::PipelineTriggers>(*store_, *service_, chain_,
                                                           engine::Layer::kL2, options);
  }

  // Stores a job directly in `status`, without going through the queues.
  void Put(JobType type, std::uint64_t block, JobStatus status) {
    job::Job job = job::NewJob(type, block, {}, clock_.Now());
    job.metadata.specific = *Handler(type).CreateMetadata(block);
    job.status = status;
    ASSERT_TRUE(store_->InsertIfAbsent(job)->inserted);
  }
};

using BlockList = std::vector<std::uint64_t>;

struct SnosCase {
  std::string name;
  engine::PipelineOptions options;
  std::uint64_t latest;
  std::vector<std::uint64_t> existing;   // SnosRun jobs already there
  std::optional<std::uint64_t> settled;  // last Completed StateTransition
  BlockList expected;                    // SnosRun blocks after the run
};

TEST_F(PipelineTriggersTest, SnosRunBlockSelection) {
  const std::vector<SnosCase> cases = {
      {"from min_block to the chain head",
       {.min_block = 3, .snos_job_buffer_size = 10},
       6,
       {},
       {},
       {3, 4, 5, 6}},
      {"bounded by max_block",
       {.min_block = 0, .max_block = 2, .snos_job_buffer_size = 10},
       9,
       {},
       {},
       {0, 1, 2}},
      {"bounded by the buffer",
       {.min_block = 1, .snos_job_buffer_size = 3},
       100,
       {},
       {},
       {1, 2, 3}},
      {"the buffer moves with settlement",
       {.min_block = 1, .snos_job_buffer_size = 3},
       100,
       {1, 2, 3},
       2,
       {1, 2, 3, 4, 5}},
      {"gaps are filled",
       {.min_block = 1, .snos_job_buffer_size = 10},
       5,
       {1, 3, 5},
       {},
       {1, 2, 3, 4, 5}},
      {"nothing beyond the chain head",
       {.min_block = 10, .snos_job_buffer_size = 10},
       9,
       {},
       {},
       {}},
      {"buffer of zero creates nothing",
       {.min_block = 1, .snos_job_buffer_size = 0},
       9,
       {},
       {},
       {}},
  };
  for (const SnosCase& test : cases) {
    OpenFreshDatabase();
    UseTriggers(test.options);
    chain_.SetLatest(test.latest);
    for (std::uint64_t block : test.existing) {
      Put(JobType::kSnosRun, block, JobStatus::kCompleted);
    }
    if (test.settled) {
      for (std::uint64_t block = test.options.min_block; block <= *test.settled; ++block) {
        Put(JobType::kStateTransition, block, JobStatus::kCompleted);
      }
    }
    ASSERT_TRUE(triggers_->RunSnos().ok()) << test.name;
    EXPECT_EQ(Blocks(JobType::kSnosRun), test.expected) << test.name;
  }
}

TEST_F(PipelineTriggersTest, SuccessorsFollowCompletedPredecessorsOldestFirst) {
  Put(JobType::kSnosRun, 1, JobStatus::kCompleted);
  Put(JobType::kSnosRun, 2, JobStatus::kPendingVerification);
  Put(JobType::kSnosRun, 3, JobStatus::kCompleted);
  Put(JobType::kSnosRun, 4, JobStatus::kFailed);
  Put(JobType::kProofCreation, 1, JobStatus::kCompleted);
  ASSERT_EQ(*triggers_->RunSuccessor(JobType::kProofCreation), 1);
  EXPECT_EQ(Blocks(JobType::kProofCreation), (BlockList{1, 3}));
  ASSERT_EQ(*triggers_->RunSuccessor(JobType::kDataSubmission), 1);
  EXPECT_EQ(Blocks(JobType::kDataSubmission), (BlockList{1}));
  EXPECT_EQ(*triggers_->RunSuccessor(JobType::kProofCreation), 0) << "idempotent";
  EXPECT_FALSE(triggers_->RunSuccessor(JobType::kProofRegistration).ok()) << "not on L2";
}

TEST_F(PipelineTriggersTest, StateTransitionsGoStrictlyInOrderOneAtATime) {
  Put(JobType::kDataSubmission, 2, JobStatus::kCompleted);
  Put(JobType::kDataSubmission, 3, JobStatus::kCompleted);
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "the first must be min_block (1)";

  Put(JobType::kDataSubmission, 1, JobStatus::kCompleted);
  EXPECT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "one in flight";
  EXPECT_EQ(Blocks(JobType::kStateTransition), (BlockList{1}));

  job::Job first = **store_->FindJob(JobType::kStateTransition, 1);
  first.status = JobStatus::kCompleted;
  ASSERT_TRUE(store_->UpdateJob(first, first.version).ok());
  EXPECT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(Blocks(JobType::kStateTransition), (BlockList{1, 2}));
}

TEST_F(PipelineTriggersTest, OutOfOrderCompletionsWaitForTheGap) {
  Put(JobType::kStateTransition, 1, JobStatus::kCompleted);
  Put(JobType::kDataSubmission, 3, JobStatus::kCompleted);
  Put(JobType::kDataSubmission, 4, JobStatus::kCompleted);
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "block 2 is not ready";
  Put(JobType::kDataSubmission, 2, JobStatus::kCompleted);
  EXPECT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(Blocks(JobType::kStateTransition), (BlockList{1, 2}));
}

// StateTransition jobs of a handler that settles up to 4 blocks in one job.
class MultiBlockSettlementTest : public PipelineTriggersTest {
 protected:
  engine::HandlerLimits HandlerLimitsForTest() const override {
    engine::HandlerLimits limits = TestLimits();
    limits.max_blocks_per_job = 4;
    return limits;
  }

  // The blocks of each StateTransition, as (first, last).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> Settlements() {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (const job::Job& job : *store_->ListJobs({.types = {JobType::kStateTransition}})) {
      ranges.emplace_back(job.internal_id, engine::LastBlockOf(job));
    }
    return ranges;
  }

  void Complete(std::uint64_t first_block) {
    job::Job job = **store_->FindJob(JobType::kStateTransition, first_block);
    job.status = JobStatus::kCompleted;
    ASSERT_TRUE(store_->UpdateJob(job, job.version).ok());
  }
};

using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

TEST_F(MultiBlockSettlementTest, ASettlementCoversTheFollowingReadyBlocksUpToTheLimits) {
  for (std::uint64_t block : {1, 2, 3, 4, 5, 6, 8}) {
    Put(JobType::kDataSubmission, block, JobStatus::kCompleted);
  }
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(Settlements(), (Ranges{{1, 4}})) << "the handler settles at most 4 blocks";
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "one in flight";
  EXPECT_EQ(*triggers_->FirstUnsettledBlock(), 1u);

  Complete(1);
  EXPECT_EQ(*triggers_->FirstUnsettledBlock(), 5u);
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(Settlements(), (Ranges{{1, 4}, {5, 6}})) << "block 7 is not ready";

  Complete(5);
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "block 7 is not ready";
  Put(JobType::kDataSubmission, 7, JobStatus::kCompleted);
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  EXPECT_EQ(Settlements(), (Ranges{{1, 4}, {5, 6}, {7, 8}}));

  EXPECT_EQ((*engine::FindSettlementOf(*store_, 3))->internal_id, 1u);
  EXPECT_EQ((*engine::FindSettlementOf(*store_, 8))->internal_id, 7u);
  EXPECT_FALSE(*engine::FindSettlementOf(*store_, 9));
}

TEST_F(MultiBlockSettlementTest, ASettlementStopsAtMaxBlockAndTheConfiguredLimit) {
  UseTriggers({.min_block = 1, .max_block = 3, .max_blocks_per_settlement = 2});
  for (std::uint64_t block = 1; block <= 6; ++block) {
    Put(JobType::kDataSubmission, block, JobStatus::kCompleted);
  }
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  Complete(1);
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  Complete(3);
  EXPECT_EQ(*triggers_->RunStateTransition(), 0) << "max_block is 3";
  EXPECT_EQ(Settlements(), (Ranges{{1, 2}, {3, 3}}));
}

TEST_F(PipelineTriggersTest, AHandlerThatSettlesOneBlockPerJobGetsOneBlockPerJob) {
  for (std::uint64_t block = 1; block <= 3; ++block) {
    Put(JobType::kDataSubmission, block, JobStatus::kCompleted);
  }
  ASSERT_EQ(*triggers_->RunStateTransition(), 1);
  const job::Job settlement = **store_->FindJob(JobType::kStateTransition, 1);
  EXPECT_EQ(engine::LastBlockOf(settlement), 1u) << "the fake handler's limit is one block";
  Result<job::SpecificMetadata> range = Handler(JobType::kSnosRun).CreateMetadataForBlocks(2, 3);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().code(), ErrorCode::kInvalidArgument);
}

// A DataSubmission failing at block 7 stops settlement from block 7 on, while SNOS runs and
// proofs of later blocks go on up to the look-ahead buffer.
TEST_F(PipelineTriggersTest, AFailureStopsOnlyWhatDependsOnIt) {
  UseTriggers({.min_block = 1, .snos_job_buffer_size = 10});
  chain_.SetLatest(100);
  Handler(JobType::kDataSubmission).ScriptProcess(7, Error::InvalidArgument("bad state diff"));
  Drain();

  EXPECT_EQ(Reload(**store_->FindJob(JobType::kDataSubmission, 7)).status, JobStatus::kFailed);
  EXPECT_EQ(Blocks(JobType::kStateTransition), (BlockList{1, 2, 3, 4, 5, 6}));
  const BlockList look_ahead = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  EXPECT_EQ(Blocks(JobType::kSnosRun), look_ahead) << "7 + buffer of 10 - 1 = 16";
  EXPECT_EQ(Blocks(JobType::kProofCreation), look_ahead);
  for (const job::Job& job :
       *store_->ListJobs({.types = {JobType::kSnosRun, JobType::kProofCreation}})) {
    EXPECT_EQ(job.status, JobStatus::kCompleted) << job::ToString(job.type) << job.internal_id;
  }
  EXPECT_EQ(alerter_.alerts().size(), 1u);

  // Retrying the failed job lets everything behind it through, up to the chain head.
  ASSERT_TRUE(service_->RetryJob((**store_->FindJob(JobType::kDataSubmission, 7)).id).ok());
  Drain();
  EXPECT_EQ(Blocks(JobType::kStateTransition).size(), 100u);
  EXPECT_EQ(Blocks(JobType::kSnosRun).size(), 100u);
}

TEST_F(PipelineTriggersTest, ChainHeadErrorsAreReportedAndCreateNothing) {
  chain_.FailWith(Error::Unavailable("madara down"));
  auto result = triggers_->RunAll();
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().transient());
  EXPECT_TRUE(Blocks(JobType::kSnosRun).empty());
}

TEST_F(PipelineTriggersTest, TriggersRunByTheirReferenceNames) {
  chain_.SetLatest(2);
  EXPECT_EQ(*triggers_->RunByName("Snos"), 2);
  EXPECT_EQ(*triggers_->RunByName("Proving"), 0);
  EXPECT_EQ(*triggers_->RunByName("DataSubmission"), 0);
  EXPECT_EQ(*triggers_->RunByName("UpdateState"), 0);
  auto unknown = triggers_->RunByName("AggregatorBatching");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orch::testing
