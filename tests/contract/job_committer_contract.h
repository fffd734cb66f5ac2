#pragma once

// The JobCommitter contract: both committers (one SQL transaction, or store-then-queue steps)
// on every SQL backend. The one-transaction committer must also be atomic.

#include <gtest/gtest.h>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/engine/queue_layout.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::testing {

struct CommitterCase {
  DatabaseBackend backend;
  bool one_transaction = false;
};

inline void PrintTo(const CommitterCase& c, std::ostream* out) {
  *out << c.backend.name << (c.one_transaction ? "_sql" : "_steps");
}

struct CommitterCaseName {
  std::string operator()(const ::testing::TestParamInfo<CommitterCase>& info) const {
    return info.param.backend.name + (info.param.one_transaction ? "_sql" : "_steps");
  }
};

class JobCommitterContract : public ::testing::TestWithParam<CommitterCase> {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, GetParam().backend);
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    queue_ = std::make_unique<queue::SqlQueue>(database_->database(), clock_, signal_);
    ASSERT_TRUE(queue_->CreateQueue({.name = "process"}).ok());
    ASSERT_TRUE(queue_->CreateQueue({.name = "verify"}).ok());
    if (GetParam().one_transaction) {
      committer_ =
          std::make_unique<engine::SqlJobCommitter>(database_->database(), *store_, *queue_);
    } else {
      committer_ = std::make_unique<engine::StoreThenQueueCommitter>(*store_, *queue_);
    }
  }

  job::Job MakeJob(std::uint64_t block) {
    return job::NewJob(job::JobType::kSnosRun, block, job::JobMetadata{}, clock_.Now());
  }
  job::Job MakeFollowUp(std::uint64_t block) {
    return job::NewJob(job::JobType::kProofCreation, block, job::JobMetadata{}, clock_.Now());
  }

  std::vector<std::string> Bodies(const std::string& queue_name) {
    auto messages = queue_->Receive(queue_name, 100, std::chrono::milliseconds(0));
    EXPECT_TRUE(messages.ok());
    std::vector<std::string> bodies;
    for (const queue::Message& message : *messages) {
      bodies.push_back(message.body);
    }
    std::sort(bodies.begin(), bodies.end());
    return bodies;
  }

  FakeClock clock_;
  queue::QueueSignal signal_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::SqlJobStore> store_;
  std::unique_ptr<queue::SqlQueue> queue_;
  std::unique_ptr<engine::JobCommitter> committer_;
};

TEST_P(JobCommitterContract, InsertJobsSendsOneMessagePerNewJobOnly) {
  const job::Job existing = MakeJob(1);
  ASSERT_TRUE(store_->InsertIfAbsent(existing).ok());
  std::vector<engine::NewJob> jobs;
  for (std::uint64_t block : {1, 2, 3}) {
    jobs.push_back(
        {MakeJob(block), engine::OutgoingMessage{"process", "job-" + std::to_string(block), {}}});
  }
  auto outcomes = committer_->InsertJobs(jobs);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().ToString();
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_FALSE((*outcomes)[0].inserted);
  EXPECT_EQ((*outcomes)[0].job.id, existing.id) << "the stored job, not the proposed one";
  EXPECT_TRUE((*outcomes)[1].inserted);
  EXPECT_TRUE((*outcomes)[2].inserted);
  EXPECT_EQ((*outcomes)[2].job.internal_id, 3u);
  EXPECT_EQ(Bodies("process"), (std::vector<std::string>{"job-2", "job-3"}));
}

TEST_P(JobCommitterContract, UpdateSendsItsMessagesAndSettlesTheDelivery) {
  const job::Job job = MakeJob(5);
  ASSERT_TRUE(store_->InsertIfAbsent(job).ok());
  ASSERT_TRUE(queue_->Send("process", "job-5", {}).ok());
  auto delivered = queue_->Receive("process", 1, std::chrono::milliseconds(0));
  ASSERT_EQ(delivered->size(), 1u);

  job::Job changed = job;
  changed.status = job::JobStatus::kPendingVerification;
  auto stored =
      committer_->UpdateJob(changed, job.version, {{"verify", "job-5", std::chrono::seconds(10)}},
                            engine::DeliveredMessage{"process", delivered->front().receipt}, {});
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(stored->job.version, job.version + 1);
  EXPECT_EQ(store_->GetJob(job.id)->status, job::JobStatus::kPendingVerification);
  EXPECT_TRUE(Bodies("verify").empty()) << "sent with its delay";
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(Bodies("verify"), std::vector<std::string>{"job-5"});
  clock_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(Bodies("process").empty()) << "the delivery was acknowledged";
}

TEST_P(JobCommitterContract, LostCompareAndSetSendsNothingAndLeavesTheDelivery) {
  const job::Job job = MakeJob(6);
  ASSERT_TRUE(store_->InsertIfAbsent(job).ok());
  ASSERT_TRUE(queue_->Send("process", "job-6", {}).ok());
  auto delivered = queue_->Receive("process", 1, std::chrono::milliseconds(0));
  ASSERT_TRUE(store_->UpdateJob(job, job.version).ok());  // another writer first

  const job::Job follow_up = MakeFollowUp(6);
  auto stored =
      committer_->UpdateJob(job, job.version, {{"verify", "job-6", {}}},
                            engine::DeliveredMessage{"process", delivered->front().receipt},
                            {{follow_up, engine::OutgoingMessage{"process", "follow-up-6", {}}}});
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(Bodies("verify").empty());
  EXPECT_FALSE(store_->FindJob(follow_up.type, 6)->has_value()) << "no follow-up either";
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(Bodies("process"), std::vector<std::string>{"job-6"})
      << "not acknowledged: delivered again after its visibility timeout";
}

TEST_P(JobCommitterContract, UpdateOfAMissingJobIsNotFoundAndWritesNothing) {
  const job::Job never_stored = MakeJob(12);
  auto stored = committer_->UpdateJob(
      never_stored, never_stored.version, {{"verify", "job-12", {}}}, std::nullopt,
      {{MakeFollowUp(12), engine::OutgoingMessage{"process", "follow-up-12", {}}}});
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().code(), ErrorCode::kNotFound) << stored.error().ToString();
  EXPECT_TRUE(Bodies("verify").empty());
  EXPECT_TRUE(Bodies("process").empty());
  EXPECT_FALSE(store_->FindJob(job::JobType::kProofCreation, 12)->has_value());
}

// A step that fails after the job change: one transaction rolls everything back; steps keep
// what they did before the failure (the change and its message) and report the error.
TEST_P(JobCommitterContract, AFailingAcknowledgementRollsBackOnlyInOneTransaction) {
  const job::Job job = MakeJob(7);
  ASSERT_TRUE(store_->InsertIfAbsent(job).ok());
  job::Job changed = job;
  changed.status = job::JobStatus::kPendingVerification;
  auto stored = committer_->UpdateJob(
      changed, job.version, {{"verify", "job-7", {}}},
      engine::DeliveredMessage{"process", "not-a-receipt"},
      {{MakeFollowUp(7), engine::OutgoingMessage{"process", "follow-up-7", {}}}});
  ASSERT_FALSE(stored.ok());
  EXPECT_NE(stored.error().message().find("not-a-receipt"), std::string::npos);
  if (GetParam().one_transaction) {
    EXPECT_EQ(store_->GetJob(job.id)->status, job::JobStatus::kCreated);
    EXPECT_TRUE(Bodies("verify").empty()) << "the send rolled back with the job change";
    EXPECT_FALSE(store_->FindJob(job::JobType::kProofCreation, 7)->has_value());
    EXPECT_TRUE(Bodies("process").empty());
  } else {
    EXPECT_EQ(store_->GetJob(job.id)->status, job::JobStatus::kPendingVerification);
    EXPECT_EQ(Bodies("verify"), std::vector<std::string>{"job-7"});
    EXPECT_TRUE(store_->FindJob(job::JobType::kProofCreation, 7)->has_value());
    EXPECT_EQ(Bodies("process"), std::vector<std::string>{"follow-up-7"});
  }
}

TEST_P(JobCommitterContract, UpdateCreatesItsFollowUpsUnlessTheyExist) {
  const job::Job job = MakeJob(8);
  ASSERT_TRUE(store_->InsertIfAbsent(job).ok());
  const job::Job existing = MakeFollowUp(9);
  ASSERT_TRUE(store_->InsertIfAbsent(existing).ok());
  job::Job changed = job;
  changed.status = job::JobStatus::kCompleted;
  auto stored = committer_->UpdateJob(
      changed, job.version, {}, std::nullopt,
      {{MakeFollowUp(8), engine::OutgoingMessage{"process", "follow-up-8", {}}},
       {MakeFollowUp(9), engine::OutgoingMessage{"process", "follow-up-9", {}}}});
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(store_->GetJob(job.id)->status, job::JobStatus::kCompleted);
  ASSERT_EQ(stored->created.size(), 2u) << "an outcome per job to create, in their order";
  EXPECT_TRUE(stored->created[0].inserted);
  EXPECT_EQ(stored->created[0].job.internal_id, 8u);
  EXPECT_FALSE(stored->created[1].inserted);
  EXPECT_EQ(stored->created[1].job.id, existing.id) << "the job that existed, as stored";
  auto created = store_->FindJob(job::JobType::kProofCreation, 8);
  ASSERT_TRUE(created->has_value());
  EXPECT_EQ((*created)->status, job::JobStatus::kCreated);
  EXPECT_EQ((*store_->FindJob(job::JobType::kProofCreation, 9))->id, existing.id)
      << "the existing job stays";
  EXPECT_EQ(Bodies("process"), std::vector<std::string>{"follow-up-8"})
      << "a message for the new job only";
}

// Many jobs at once (more than SqlJobCommitter composes into one PostgreSQL statement).
TEST_P(JobCommitterContract, ManyJobsAtOnceAreCreatedLikeAFew) {
  ASSERT_TRUE(store_->InsertIfAbsent(MakeJob(100)).ok());
  std::vector<engine::NewJob> jobs;
  for (std::uint64_t block = 100; block < 130; ++block) {
    jobs.push_back(
        {MakeJob(block), engine::OutgoingMessage{"process", "job-" + std::to_string(block), {}}});
  }
  auto outcomes = committer_->InsertJobs(jobs);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().ToString();
  ASSERT_EQ(outcomes->size(), 30u);
  EXPECT_FALSE(outcomes->front().inserted);
  EXPECT_EQ(std::count_if(outcomes->begin(), outcomes->end(),
                          [](const store::InsertOutcome& outcome) { return outcome.inserted; }),
            29);

  const job::Job settling = MakeFollowUp(99);
  ASSERT_TRUE(store_->InsertIfAbsent(settling).ok());
  std::vector<engine::NewJob> follow_ups;
  for (std::uint64_t block = 100; block < 130; ++block) {
    follow_ups.push_back({MakeFollowUp(block),
                          engine::OutgoingMessage{"verify", "pc-" + std::to_string(block), {}}});
  }
  job::Job changed = settling;
  changed.status = job::JobStatus::kCompleted;
  auto stored = committer_->UpdateJob(changed, settling.version, {}, std::nullopt, follow_ups);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  ASSERT_EQ(stored->created.size(), 30u);
  EXPECT_EQ(store_->GetJob(settling.id)->status, job::JobStatus::kCompleted);
  EXPECT_EQ(Bodies("process").size(), 29u);
  EXPECT_EQ(Bodies("verify").size(), 30u);
}

TEST_P(JobCommitterContract, ReceiveAndClaimClaimsTheJobsItIsToldToAndAcknowledgesTheirMessages) {
  const job::Job taken = MakeJob(10);
  const job::Job declined = MakeJob(11);
  ASSERT_TRUE(store_->InsertIfAbsent(taken).ok());
  ASSERT_TRUE(store_->InsertIfAbsent(declined).ok());
  const std::string unknown = engine::JobMessage("00000000-0000-4000-8000-000000000000");
  for (const std::string& body : {engine::JobMessage(taken.id), engine::JobMessage(declined.id),
                                  unknown, std::string("not json")}) {
    ASSERT_TRUE(queue_->Send("process", body, {}).ok());
  }
  std::vector<std::string> asked;
  auto received = committer_->ReceiveAndClaim(
      "process", 10, std::chrono::milliseconds(0),
      [&](const job::Job& stored) -> std::optional<job::Job> {
        asked.push_back(stored.id);
        if (stored.id != taken.id) {
          return std::nullopt;
        }
        job::Job locked = stored;
        locked.status = job::JobStatus::kLockedForProcessing;
        locked.lease = job::Lease{"me", clock_.Now() + std::chrono::minutes(5), stored.status};
        return locked;
      });
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  ASSERT_EQ(received->size(), 4u);
  int claimed = 0;
  for (const engine::ReceivedMessage& item : *received) {
    if (item.claimed) {
      ++claimed;
      EXPECT_EQ(item.claimed->id, taken.id);
      EXPECT_EQ(item.claimed->version, taken.version + 1);
      EXPECT_EQ(item.claimed_from, job::JobStatus::kCreated);
      EXPECT_EQ(item.message.body, engine::JobMessage(taken.id));
    }
  }
  EXPECT_EQ(claimed, 1);
  std::sort(asked.begin(), asked.end());
  std::vector<std::string> stored_ids = {taken.id, declined.id};
  std::sort(stored_ids.begin(), stored_ids.end());
  EXPECT_EQ(asked, stored_ids) << "asked about the stored jobs only";
  EXPECT_EQ(store_->GetJob(taken.id)->status, job::JobStatus::kLockedForProcessing);
  EXPECT_EQ(store_->GetJob(taken.id)->lease->owner, "me");
  EXPECT_EQ(store_->GetJob(declined.id)->status, job::JobStatus::kCreated);

  clock_.Advance(std::chrono::hours(1));  // past the visibility timeout
  std::vector<std::string> again = {engine::JobMessage(declined.id), unknown, "not json"};
  std::sort(again.begin(), again.end());
  EXPECT_EQ(Bodies("process"), again)
      << "the unclaimed messages come back; the claimed one was acknowledged";
}

}  // namespace orch::testing
