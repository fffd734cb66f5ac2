#pragma once

// The Queue contract: every backend runs these tests. Semantics are SQS's (see queue.h).
// A backend provides a QueueHarness: how to make its queues, how time passes for them and at
// what scale. The SQL backends advance a FakeClock over minute-long timeouts; SQS runs on a
// server's real clock and counts whole seconds, so its harness really waits, over timeouts of
// two or three seconds. The concurrency tests use the real clock and wait on conditions with
// deadlines.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/queue/sql/sql_queue.h"

namespace orch::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// The durations the time-based tests use, in the backend's scale.
struct QueueTiming {
  milliseconds visibility;  // the test queues' visibility timeout
  milliseconds delay;       // of delayed sends and of nacks; shorter than `visibility`
  milliseconds step;        // "not yet" is checked this long before a deadline
  milliseconds long_wait;   // long enough for anything not deleted to be visible again
};

/// What a backend provides to run the Queue contract. Used by one test thread.
class QueueHarness {
 public:
  virtual ~QueueHarness() = default;

  /// A Queue over the backend's shared state, on `clock`.
  virtual std::unique_ptr<queue::Queue> MakeQueue(const Clock& clock) = 0;
  /// The clock of the fixture's queue.
  virtual const Clock& clock() const = 0;
  /// Lets `duration` pass for the fixture's queue: advances a fake clock, or really waits.
  virtual void Advance(milliseconds duration) = 0;
  /// The physical name of the test's queue `name`: unique when tests share the backend.
  virtual std::string QueueName(std::string_view name) const = 0;
  virtual QueueTiming timing() const = 0;
  /// Whether ApproximateAgeOfOldestMessage is known; a backend that cannot know it must say
  /// so with kFailedPrecondition rather than answer a made-up value.
  virtual bool reports_message_age() const = 0;
  /// How far a message's sent_at may lie outside the clock readings around its send (0: the
  /// backend stamps with the harness clock; else another clock and its resolution).
  virtual milliseconds clock_tolerance() const = 0;
  /// Messages through the concurrency test: what the backend moves in seconds.
  virtual int bulk_messages() const = 0;
};

/// A backend the Queue contract runs against.
struct QueueBackend {
  std::string name;
  std::function<Result<std::unique_ptr<QueueHarness>>()> open;
};

inline void PrintTo(const QueueBackend& backend, std::ostream* out) { *out << backend.name; }

/// SqlQueue over a fresh test database, on a FakeClock.
class SqlQueueHarness final : public QueueHarness {
 public:
  explicit SqlQueueHarness(std::unique_ptr<TestDatabase> database)
      : database_(std::move(database)) {}

  std::unique_ptr<queue::Queue> MakeQueue(const Clock& clock) override {
    return std::make_unique<queue::SqlQueue>(database_->database(), clock, signal_);
  }
  const Clock& clock() const override { return clock_; }
  void Advance(milliseconds duration) override { clock_.Advance(duration); }
  // Each test has a database of its own.
  std::string QueueName(std::string_view name) const override { return std::string(name); }
  QueueTiming timing() const override {
    return {.visibility = seconds(60),
            .delay = seconds(30),
            .step = seconds(1),
            .long_wait = seconds(600)};
  }
  bool reports_message_age() const override { return true; }
  milliseconds clock_tolerance() const override { return milliseconds(0); }
  int bulk_messages() const override { return 10'000; }

 private:
  FakeClock clock_;
  queue::QueueSignal signal_;
  std::unique_ptr<TestDatabase> database_;
};

inline QueueBackend SqlQueueBackend(DatabaseBackend database) {
  return {
      database.name, [database]() -> Result<std::unique_ptr<QueueHarness>> {
        ORCH_ASSIGN_OR_RETURN(std::unique_ptr<TestDatabase> opened, database.open());
        return std::unique_ptr<QueueHarness>(std::make_unique<SqlQueueHarness>(std::move(opened)));
      }};
}

class QueueContract : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    // Skips like the database suites when a server is not configured outside CI.
    ORCH_OPEN_TEST_DATABASE(harness_, GetParam());
    timing_ = harness_->timing();
    work_ = harness_->QueueName("work");
    dlq_ = harness_->QueueName("dlq");
    nope_ = harness_->QueueName("nope");
    queue_ = harness_->MakeQueue(harness_->clock());
    ASSERT_TRUE(queue_->CreateQueue({.name = dlq_, .visibility_timeout = timing_.visibility}).ok());
    ASSERT_TRUE(queue_
                    ->CreateQueue({.name = work_,
                                   .visibility_timeout = timing_.visibility,
                                   .dead_letter_queue = dlq_,
                                   .max_receive_count = 3})
                    .ok());
  }

  std::unique_ptr<queue::Queue> MakeQueue(const Clock& clock) { return harness_->MakeQueue(clock); }
  void Advance(milliseconds duration) { harness_->Advance(duration); }
  TimePoint Now() const { return harness_->clock().Now(); }

  // Receives without waiting; the harness's time decides what is visible.
  std::vector<queue::Message> ReceiveNow(std::string_view name, std::uint32_t max = 10) {
    auto messages = queue_->Receive(name, max, milliseconds(0));
    EXPECT_TRUE(messages.ok()) << messages.error().ToString();
    return messages.ok() ? *messages : std::vector<queue::Message>();
  }

  std::unique_ptr<QueueHarness> harness_;
  QueueTiming timing_{};
  std::string work_;
  std::string dlq_;
  std::string nope_;
  std::unique_ptr<queue::Queue> queue_;
};

TEST_P(QueueContract, SendReceiveAck) {
  const TimePoint before_send = Now();
  auto id = queue_->Send(work_, R"({"id":"a"})", milliseconds(0));
  const TimePoint after_send = Now();
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages(work_), 1u);

  auto messages = ReceiveNow(work_);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, *id);
  EXPECT_EQ(messages[0].body, R"({"id":"a"})");
  EXPECT_EQ(messages[0].receive_count, 1u);
  // On a fake clock the bounds are one instant: sent_at is exactly the time of the send.
  EXPECT_GE(messages[0].sent_at, before_send - harness_->clock_tolerance());
  EXPECT_LE(messages[0].sent_at, after_send + harness_->clock_tolerance());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages(work_), 0u) << "in flight is not visible";
  EXPECT_TRUE(ReceiveNow(work_).empty());

  ASSERT_TRUE(queue_->Ack(work_, messages[0].receipt).ok());
  Advance(2 * timing_.visibility);
  EXPECT_TRUE(ReceiveNow(work_).empty()) << "an acked message never comes back";
}

TEST_P(QueueContract, AgeOfOldestMessageCountsEveryUndeletedMessage) {
  if (!harness_->reports_message_age()) {
    // SQS has it only as a CloudWatch metric: the backend says it does not know.
    auto age = queue_->ApproximateAgeOfOldestMessage(work_);
    ASSERT_FALSE(age.ok());
    EXPECT_EQ(age.error().code(), ErrorCode::kFailedPrecondition) << age.error().ToString();
    EXPECT_EQ(queue_->ApproximateAgeOfOldestMessage(nope_).error().code(), ErrorCode::kNotFound);
    return;
  }
  auto empty = queue_->ApproximateAgeOfOldestMessage(work_);
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_FALSE(empty->has_value());
  ASSERT_TRUE(queue_->Send(work_, "first", milliseconds(0)).ok());
  Advance(seconds(10));
  ASSERT_TRUE(queue_->Send(work_, "second", seconds(60)).ok());
  Advance(seconds(5));
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage(work_), seconds(15));
  auto received = ReceiveNow(work_);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage(work_), seconds(15)) << "in flight counts";
  ASSERT_TRUE(queue_->Ack(work_, received[0].receipt).ok());
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage(work_), seconds(5)) << "delayed counts";
  EXPECT_EQ(queue_->ApproximateAgeOfOldestMessage(nope_).error().code(), ErrorCode::kNotFound);
}

TEST_P(QueueContract, DelayedMessageIsInvisibleUntilItsDelayPasses) {
  ASSERT_TRUE(queue_->Send(work_, "later", timing_.delay).ok());
  EXPECT_TRUE(ReceiveNow(work_).empty());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages(work_), 0u);
  Advance(timing_.delay - timing_.step);
  EXPECT_TRUE(ReceiveNow(work_).empty());
  Advance(timing_.step);
  auto messages = ReceiveNow(work_);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body, "later");
}

TEST_P(QueueContract, UnackedMessageComesBackAfterTheVisibilityTimeout) {
  ASSERT_TRUE(queue_->Send(work_, "m", milliseconds(0)).ok());
  auto first = ReceiveNow(work_);
  ASSERT_EQ(first.size(), 1u);
  Advance(timing_.visibility - timing_.step);
  EXPECT_TRUE(ReceiveNow(work_).empty());
  Advance(timing_.step);
  auto second = ReceiveNow(work_);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].receive_count, 2u);
  EXPECT_NE(second[0].receipt, first[0].receipt);

  // The first delivery's receipt is stale: acking with it leaves the message in the queue.
  ASSERT_TRUE(queue_->Ack(work_, first[0].receipt).ok());
  Advance(timing_.visibility);
  auto third = ReceiveNow(work_);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].receive_count, 3u);
  ASSERT_TRUE(queue_->Ack(work_, third[0].receipt).ok());
  Advance(timing_.visibility);
  EXPECT_TRUE(ReceiveNow(work_).empty());
}

TEST_P(QueueContract, NackMakesTheMessageVisibleAfterTheGivenDelay) {
  ASSERT_TRUE(queue_->Send(work_, "m", milliseconds(0)).ok());
  auto first = ReceiveNow(work_);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue_->Nack(work_, first[0].receipt, timing_.delay).ok());
  Advance(timing_.delay - timing_.step);
  EXPECT_TRUE(ReceiveNow(work_).empty());
  Advance(timing_.step);
  auto again = ReceiveNow(work_);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2u);

  ASSERT_TRUE(queue_->Nack(work_, again[0].receipt, milliseconds(0)).ok());
  EXPECT_EQ(ReceiveNow(work_).size(), 1u) << "a nack without delay is visible at once";
}

TEST_P(QueueContract, MessageMovesToTheDeadLetterQueueAfterMaxReceives) {
  ASSERT_TRUE(queue_->Send(work_, "poison", milliseconds(0)).ok());
  for (std::uint32_t delivery = 1; delivery <= 3; ++delivery) {
    auto messages = ReceiveNow(work_);
    ASSERT_EQ(messages.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(messages[0].receive_count, delivery);
    ASSERT_TRUE(queue_->Nack(work_, messages[0].receipt, milliseconds(0)).ok());
  }
  EXPECT_TRUE(ReceiveNow(work_).empty()) << "a fourth delivery goes to the DLQ instead";
  auto dead = ReceiveNow(dlq_);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
  ASSERT_TRUE(queue_->Ack(dlq_, dead[0].receipt).ok());
  Advance(timing_.long_wait);
  EXPECT_TRUE(ReceiveNow(work_).empty());
  EXPECT_TRUE(ReceiveNow(dlq_).empty());
}

TEST_P(QueueContract, AMessageMovedToTheDeadLetterQueueLeavesTheOthersDeliverable) {
  ASSERT_TRUE(queue_->Send(work_, "poison", milliseconds(0)).ok());
  for (std::uint32_t delivery = 1; delivery <= 3; ++delivery) {
    auto messages = ReceiveNow(work_);
    ASSERT_EQ(messages.size(), 1u) << "delivery " << delivery;
    ASSERT_TRUE(queue_->Nack(work_, messages[0].receipt, milliseconds(0)).ok());
  }
  ASSERT_TRUE(queue_->Send(work_, "a", milliseconds(0)).ok());
  ASSERT_TRUE(queue_->Send(work_, "b", milliseconds(0)).ok());
  std::vector<std::string> bodies;
  for (int receive = 0; receive < 5; ++receive) {
    for (const queue::Message& message : ReceiveNow(work_, 2)) {
      EXPECT_EQ(message.receive_count, 1u) << message.body;
      bodies.push_back(message.body);
    }
  }
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"a", "b"}));
  auto dead = ReceiveNow(dlq_);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
}

TEST_P(QueueContract, ReceiveTakesAtMostMaxMessagesAndCountsOnlyVisibleOnes) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(queue_->Send(work_, std::to_string(i), milliseconds(0)).ok());
  }
  ASSERT_TRUE(queue_->Send(work_, "delayed", timing_.delay).ok());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages(work_), 5u);
  EXPECT_EQ(ReceiveNow(work_, 3).size(), 3u);
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages(work_), 2u);
  EXPECT_EQ(ReceiveNow(work_, 10).size(), 2u);
  Advance(timing_.delay);
  EXPECT_EQ(ReceiveNow(work_, 10).size(), 1u);
}

TEST_P(QueueContract, UnknownQueuesAndBadConfigurationsAreRefused) {
  auto send = queue_->Send(nope_, "x", milliseconds(0));
  ASSERT_FALSE(send.ok());
  EXPECT_EQ(send.error().code(), ErrorCode::kNotFound);
  auto receive = queue_->Receive(nope_, 1, milliseconds(0));
  ASSERT_FALSE(receive.ok());
  EXPECT_EQ(receive.error().code(), ErrorCode::kNotFound);

  for (const queue::QueueConfig& bad : std::vector<queue::QueueConfig>{
           {.name = ""},
           {.name = "has space"},
           {.name = "q", .visibility_timeout = milliseconds(0)},
           {.name = "q", .dead_letter_queue = "q"},
       }) {
    auto created = queue_->CreateQueue(bad);
    ASSERT_FALSE(created.ok()) << bad.name;
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_P(QueueContract, BlockedReceiveWakesOnSend) {
  SystemClock clock;
  auto queue = MakeQueue(clock);
  std::jthread sender([&] { (void)queue->Send(work_, "wake", milliseconds(0)); });
  auto messages = queue->Receive(work_, 1, seconds(30));
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].body, "wake");
}

TEST_P(QueueContract, BlockedReceiveWakesWhenADelayedMessageBecomesVisible) {
  SystemClock clock;
  auto queue = MakeQueue(clock);
  ASSERT_TRUE(queue->Send(work_, "soon", milliseconds(200)).ok());
  auto messages = queue->Receive(work_, 1, seconds(30));
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].body, "soon");
}

TEST_P(QueueContract, ManyMessagesThroughEightConsumersArriveExactlyOnce) {
  const int kMessages = harness_->bulk_messages();
  constexpr int kConsumers = 8;
  SystemClock clock;
  auto queue = MakeQueue(clock);
  // Far longer than any consumer holds a message, whatever the harness's scale: a second
  // delivery after a slow ack is allowed by the contract but not what this test counts.
  const std::string bulk = harness_->QueueName("bulk");
  ASSERT_TRUE(queue->CreateQueue({.name = bulk, .visibility_timeout = seconds(60)}).ok());
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(queue->Send(bulk, std::to_string(i), milliseconds(0)).ok());
  }
  std::mutex mutex;
  std::multiset<std::string> received;
  std::atomic<int> acked{0};
  std::atomic<int> errors{0};
  {
    std::vector<std::jthread> consumers;
    for (int c = 0; c < kConsumers; ++c) {
      consumers.emplace_back([&] {
        while (acked.load() < kMessages && errors.load() == 0) {
          auto messages = queue->Receive(bulk, 10, milliseconds(200));
          if (!messages.ok()) {
            ++errors;
            return;
          }
          for (const queue::Message& message : *messages) {
            {
              std::lock_guard lock(mutex);
              received.insert(message.body);
            }
            if (!queue->Ack(bulk, message.receipt).ok()) {
              ++errors;
              return;
            }
            ++acked;
          }
        }
      });
    }
  }
  ASSERT_EQ(errors.load(), 0);
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(received.count(std::to_string(i)), 1u) << "message " << i;
  }
  EXPECT_EQ(*queue->ApproximateNumberOfMessages(bulk), 0u);
}

}  // namespace orch::testing
