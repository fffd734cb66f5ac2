#pragma once

// A job service over a real SQLite store and queue, with fake handlers, a fake clock and a
// recording alerter. Tests drive it step by step: DeliverNext() takes the next visible message
// of a queue and hands it to the service, as a worker would, so nothing runs in the background.

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_job_handler.h"
#include "tests/fakes/recording_alerter.h"

#include "orch/engine/follow_up_planner.h"
#include "orch/engine/job_service.h"
#include "orch/engine/pipeline_triggers.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline engine::HandlerLimits TestLimits() {
  return {.max_process_attempts = 2,
          .max_verification_attempts = 3,
          .verification_polling_delay = seconds(30),
          .retry_base = seconds(1),
          .retry_cap = seconds(8),
          .retry_max_attempts = 4,
          .lease_duration = seconds(300)};
}

// Records the status transitions the service reports; ignores its other events. Thread-safe.
class TransitionRecorder final : public engine::EngineObserver {
 public:
  struct Transition {
    job::JobType type;
    job::JobStatus from;
    job::JobStatus to;
    bool operator==(const Transition&) const = default;
  };

  void OnTransition(job::JobType type, job::JobStatus from, job::JobStatus to) override {
    std::lock_guard lock(mutex_);
    transitions_.push_back({type, from, to});
  }
  void OnFailure(job::JobType, engine::FailureClass) override {}
  void OnProcessed(job::JobType, std::chrono::milliseconds) override {}
  void OnVerified(job::JobType, std::chrono::milliseconds) override {}
  void OnLeaseHealed(job::JobType) override {}
  void OnAlertSent() override {}
  void OnCompleted(const job::Job&) override {}

  std::vector<Transition> transitions() const {
    std::lock_guard lock(mutex_);
    return transitions_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Transition> transitions_;
};

class EngineHarness : public ::testing::Test {
 protected:
  // The limits of every fake handler; fixtures override it to test other settings.
  virtual engine::HandlerLimits HandlerLimitsForTest() const { return TestLimits(); }
  // Whether completing a job also creates its follow-ups (as in the engine), or only the
  // triggers create jobs.
  virtual bool CreateFollowUpsOnCompletion() const { return false; }
  // With follow-ups: whether the worker that completes a job runs the next stage of its block
  // itself when a processing slot of that type is free (as in the engine); one slot per type.
  virtual bool ChainFollowUps() const { return false; }

  void SetUp() override {
    for (job::JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
      auto handler = std::make_unique<FakeJobHandler>(type, HandlerLimitsForTest());
      handlers_by_type_[type] = handler.get();
      registry_.Register(std::move(handler));
    }
    OpenFreshDatabase();
  }

  // Starts over on an empty database (handlers and their call counts are kept).
  void OpenFreshDatabase() {
    triggers_.reset();
    service_.reset();
    slots_.reset();
    follow_ups_.reset();
    committer_.reset();
    queue_.reset();
    store_.reset();
    database_.reset();
    ORCH_OPEN_TEST_DATABASE(database_, SqliteBackend());
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    queue_ = std::make_unique<queue::SqlQueue>(database_->database(), clock_, signal_);
    layout_ =
        std::make_unique<engine::QueueLayout>(*engine::QueueLayout::Create(engine::Layer::kL2, {}));
    for (const queue::QueueConfig& config : layout_->Configs()) {
      ASSERT_TRUE(queue_->CreateQueue(config).ok());
    }
    committer_ = std::make_unique<engine::SqlJobCommitter>(database_->database(), *store_, *queue_);
    if (CreateFollowUpsOnCompletion()) {
      follow_ups_ =
          std::make_unique<engine::FollowUpPlanner>(*store_, chain_, engine::Layer::kL2, pipeline_);
    }
    if (ChainFollowUps()) {
      std::map<job::JobType, int> one_each;
      for (job::JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
        one_each[type] = 1;
      }
      slots_ = std::make_unique<engine::ProcessingSlots>(one_each);
    }
    service_ = std::make_unique<engine::JobService>(
        *store_, *queue_, *committer_, alerter_, registry_, *layout_, clock_, observer_,
        engine::JobServiceOptions{.instance_id = "test-instance"}, follow_ups_.get(), slots_.get());
    triggers_ = std::make_unique<engine::PipelineTriggers>(*store_, *service_, chain_,
                                                           engine::Layer::kL2, pipeline_);
  }

  FakeJobHandler& Handler(job::JobType type) { return *handlers_by_type_.at(type); }

  // Receives one visible message of the queue (without waiting) and hands it to the service,
  // as the engine's consumers do (processing queues receive and claim in one commit).
  // Returns the outcome, or nullopt when the queue had no visible message.
  std::optional<engine::MessageOutcome> DeliverNext(const std::string& queue_name) {
    const bool processing = queue_name != layout_->DeadLetterQueue() &&
                            queue_name.find("verification") == std::string::npos;
    Result<std::vector<engine::ReceivedMessage>> received = std::vector<engine::ReceivedMessage>{};
    if (processing) {
      received = service_->ReceiveForProcessing(queue_name, 1, milliseconds(0));
    } else if (auto messages = queue_->Receive(queue_name, 1, milliseconds(0)); messages.ok()) {
      for (queue::Message& message : *messages) {
        received->push_back({.message = std::move(message)});
      }
    } else {
      received = messages.error();
    }
    EXPECT_TRUE(received.ok()) << received.error().ToString();
    if (!received.ok() || received->empty()) {
      return std::nullopt;
    }
    const queue::Message& message = received->front().message;
    const engine::DeliveredMessage delivery{queue_name, message.receipt};
    const std::string id = *engine::ParseJobMessage(message.body);
    Result<engine::MessageOutcome> outcome = Error::Internal("unreachable");
    if (queue_name == layout_->DeadLetterQueue()) {
      outcome = service_->HandleDeadLetter(id, delivery);
    } else if (!processing) {
      outcome = service_->VerifyJob(id, delivery);
    } else {
      outcome = service_->ProcessReceived(received->front(), delivery);
    }
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    if (!outcome.ok()) {
      return std::nullopt;
    }
    using Action = engine::MessageOutcome::Action;
    if (outcome->action == Action::kAck) {
      EXPECT_TRUE(queue_->Ack(queue_name, message.receipt).ok());
    } else if (outcome->action == Action::kRetryAfter) {
      EXPECT_TRUE(queue_->Nack(queue_name, message.receipt, outcome->nack_delay).ok());
    }
    return *outcome;
  }

  // Whether a delivery was handled for good (acked or settled), not handed back for a retry.
  static bool Handled(const std::optional<engine::MessageOutcome>& outcome) {
    return outcome.has_value() && outcome->action != engine::MessageOutcome::Action::kRetryAfter;
  }

  std::optional<engine::MessageOutcome> Process(job::JobType type) {
    return DeliverNext(layout_->ProcessingQueue(type));
  }
  std::optional<engine::MessageOutcome> Verify(job::JobType type) {
    return DeliverNext(layout_->VerificationQueue(type));
  }

  std::uint64_t Visible(const std::string& queue_name) {
    return *queue_->ApproximateNumberOfMessages(queue_name);
  }

  job::Job Reload(const job::Job& job) { return *store_->GetJob(job.id); }

  // Runs the pipeline until no queue has a visible message (the clock jumps over delays).
  void Drain(int max_steps = 10'000) {
    for (int step = 0; step < max_steps; ++step) {
      bool delivered = false;
      for (const queue::QueueConfig& config : layout_->Configs()) {
        if (config.name == layout_->TriggerQueue()) {
          continue;
        }
        delivered = DeliverNext(config.name).has_value() || delivered;
      }
      if (!delivered) {
        ASSERT_TRUE(triggers_->RunAll().ok());
        clock_.Advance(seconds(60));
        bool any = false;
        for (const queue::QueueConfig& config : layout_->Configs()) {
          any = any || Visible(config.name) > 0;
        }
        if (!any) {
          return;
        }
      }
    }
    FAIL() << "the pipeline did not settle";
  }

  FakeClock clock_;
  queue::QueueSignal signal_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::SqlJobStore> store_;
  std::unique_ptr<queue::SqlQueue> queue_;
  std::unique_ptr<engine::SqlJobCommitter> committer_;
  std::unique_ptr<engine::QueueLayout> layout_;
  engine::HandlerRegistry registry_;
  std::map<job::JobType, FakeJobHandler*> handlers_by_type_;
  alert::RecordingAlerter alerter_;
  TransitionRecorder observer_;
  FakeChainHead chain_;
  engine::PipelineOptions pipeline_{.min_block = 1, .snos_job_buffer_size = 5};
  std::unique_ptr<engine::FollowUpPlanner> follow_ups_;
  std::unique_ptr<engine::ProcessingSlots> slots_;  // with ChainFollowUps()
  std::unique_ptr<engine::JobService> service_;
  std::unique_ptr<engine::PipelineTriggers> triggers_;
};

}  // namespace orch::testing
