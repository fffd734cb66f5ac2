#include "orch/engine/engine.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_job_handler.h"
#include "tests/fakes/recording_alerter.h"

#include "orch/engine/settlement_range.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Wraps a handler so that processing one block blocks until the test opens the gate.
class GatedHandler final : public engine::JobHandler {
 public:
  GatedHandler(std::unique_ptr<engine::JobHandler> inner, std::uint64_t gated_block)
      : inner_(std::move(inner)), gated_block_(gated_block) {}

  job::JobType type() const override { return inner_->type(); }
  engine::HandlerLimits limits() const override { return inner_->limits(); }
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t block) override {
    return inner_->CreateMetadata(block);
  }
  Result<job::ExternalId> Process(job::Job& job) override {
    if (job.internal_id == gated_block_) {
      std::unique_lock lock(mutex_);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
    }
    return inner_->Process(job);
  }
  Result<engine::Verification> Verify(job::Job& job) override { return inner_->Verify(job); }

  bool WaitUntilEntered(milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return entered_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::unique_ptr<engine::JobHandler> inner_;
  const std::uint64_t gated_block_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

engine::HandlerLimits FastLimits() {
  return {.max_process_attempts = 1,
          .max_verification_attempts = 3,
          .verification_polling_delay = milliseconds(0),
          .retry_base = milliseconds(10),
          .retry_cap = milliseconds(100),
          .retry_max_attempts = 3,
          .lease_duration = seconds(300)};
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, SqliteBackend());
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    queue_ = std::make_unique<queue::SqlQueue>(database_->database(), clock_, signal_);
    committer_ = std::make_unique<engine::SqlJobCommitter>(database_->database(), *store_, *queue_);
    layout_ =
        std::make_unique<engine::QueueLayout>(*engine::QueueLayout::Create(engine::Layer::kL2, {}));
    for (const queue::QueueConfig& config : layout_->Configs()) {
      ASSERT_TRUE(queue_->CreateQueue(config).ok());
    }
  }

  std::unique_ptr<engine::Engine> MakeEngine(GatedHandler** gate = nullptr,
                                             milliseconds tick = seconds(10),
                                             milliseconds sweep_tick = seconds(5),
                                             milliseconds block_poll = milliseconds(20)) {
    for (job::JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
      std::unique_ptr<engine::JobHandler> handler =
          std::make_unique<FakeJobHandler>(type, FastLimits());
      if (gate != nullptr && type == job::JobType::kSnosRun) {
        auto gated = std::make_unique<GatedHandler>(std::move(handler), /*gated_block=*/1);
        *gate = gated.get();
        handler = std::move(gated);
      }
      registry_.Register(std::move(handler));
    }
    return std::make_unique<engine::Engine>(
        *store_, *queue_, *committer_, alerter_, registry_, *layout_, chain_, clock_, observer_,
        engine::EngineOptions{.instance_id = "engine-test",
                              .trigger_interval = tick,
                              .block_poll_interval = block_poll,
                              .sweep_interval = sweep_tick,
                              .pipeline = {.min_block = 1, .snos_job_buffer_size = 10}});
  }

  bool Settled(std::uint64_t block) {
    auto job = engine::FindSettlementOf(*store_, block);
    return job.ok() && job->has_value() && (*job)->status == job::JobStatus::kCompleted;
  }

  SystemClock clock_;
  queue::QueueSignal signal_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::SqlJobStore> store_;
  std::unique_ptr<queue::SqlQueue> queue_;
  std::unique_ptr<engine::SqlJobCommitter> committer_;
  std::unique_ptr<engine::QueueLayout> layout_;
  engine::HandlerRegistry registry_;
  alert::RecordingAlerter alerter_;
  engine::NullEngineObserver observer_;
  FakeChainHead chain_;
};

// Completions wake the triggers: 30 blocks settle with a 10 s trigger tick well before the
// first tick would have created the second block's settlement.
TEST_F(EngineTest, SettlesBlocksEventDrivenAndStopsCleanly) {
  chain_.SetLatest(30);
  auto engine = MakeEngine();
  engine->Start();
  const auto deadline = std::chrono::steady_clock::now() + seconds(8);
  while (!Settled(30) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(Settled(30)) << "not settled before the first trigger tick";
  EXPECT_TRUE(engine->Stop(seconds(10)));
  auto settled = store_->ListJobs(
      {.types = {job::JobType::kStateTransition}, .statuses = {job::JobStatus::kCompleted}});
  EXPECT_EQ(settled->size(), 30u);
}

// With the pipeline idle, nothing completes to admit a new block: the head watcher notices it
// within the block poll interval (20 ms here), long before the scheduler's ticks (an hour).
TEST_F(EngineTest, ANewBlockStartsOnTheBlockPollNotOnTheTriggerTick) {
  chain_.SetLatest(2);
  auto engine = MakeEngine(nullptr, std::chrono::hours(1), std::chrono::hours(1));
  engine->Start();
  auto deadline = std::chrono::steady_clock::now() + seconds(8);
  while (!Settled(2) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(Settled(2));
  chain_.SetLatest(4);
  deadline = std::chrono::steady_clock::now() + seconds(8);
  while (!Settled(4) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(Settled(4)) << "blocks 3 and 4 waited for the trigger tick";
  EXPECT_TRUE(engine->Stop(seconds(10)));
}

// The scheduler wakes on the sweeper's tick too (20 ms here); the triggers wait for theirs (an
// hour; the head watcher's first poll too), so a block the node has meanwhile gets no job.
TEST_F(EngineTest, TriggersRunOnTheirTickNotOnTheSweepersTick) {
  auto engine = MakeEngine(nullptr, std::chrono::hours(1), milliseconds(20), std::chrono::hours(1));
  engine->Start();  // the first trigger run finds no block
  std::this_thread::sleep_for(milliseconds(100));
  chain_.SetLatest(1);
  std::this_thread::sleep_for(milliseconds(300));  // ~15 sweeper ticks
  EXPECT_FALSE(store_->FindJob(job::JobType::kSnosRun, 1)->has_value())
      << "a sweeper tick ran the triggers";
  engine->WakeTriggers();
  const auto deadline = std::chrono::steady_clock::now() + seconds(8);
  while (!store_->FindJob(job::JobType::kSnosRun, 1)->has_value() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(store_->FindJob(job::JobType::kSnosRun, 1)->has_value())
      << "WakeTriggers runs them at once";
  EXPECT_TRUE(engine->Stop(seconds(10)));
}

TEST_F(EngineTest, StopReleasesTheLeasesOfJobsThatDidNotFinishInTime) {
  chain_.SetLatest(1);
  GatedHandler* gate = nullptr;
  auto engine = MakeEngine(&gate);
  engine->Start();
  ASSERT_TRUE(gate->WaitUntilEntered(seconds(10)));
  const job::Job held = **store_->FindJob(job::JobType::kSnosRun, 1);
  ASSERT_EQ(held.status, job::JobStatus::kLockedForProcessing);

  EXPECT_FALSE(engine->Stop(milliseconds(200)));
  const job::Job released = **store_->FindJob(job::JobType::kSnosRun, 1);
  EXPECT_EQ(released.status, job::JobStatus::kCreated);
  EXPECT_FALSE(released.lease.has_value());
  // Re-enqueued for the next instance. A consumer still waiting in Receive may catch the
  // message and hand it back, so it is visible again shortly rather than at once.
  const std::string& processing = layout_->ProcessingQueue(job::JobType::kSnosRun);
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  bool visible = false;
  while (!visible && std::chrono::steady_clock::now() < deadline) {
    visible = *queue_->ApproximateNumberOfMessages(processing) >= 1;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(visible) << "the released job's message never became visible";
  EXPECT_EQ((**store_->FindJob(job::JobType::kSnosRun, 1)).status, job::JobStatus::kCreated)
      << "nobody processes it after the stop";
  gate->Open();  // the late handler finds its lease gone and stores nothing
}

}  // namespace
}  // namespace orch::testing
