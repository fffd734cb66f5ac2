#pragma once

// The Queue contract: every backend runs these tests. Semantics are SQS's (see queue.h).
// Time-based behaviour uses a FakeClock; the concurrency tests use the real clock and wait
// on conditions with deadlines.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/queue/sql/sql_queue.h"

namespace orch::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

class QueueContract : public ::testing::TestWithParam<DatabaseBackend> {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, GetParam());
    queue_ = MakeQueue(clock_);
    ASSERT_TRUE(queue_->CreateQueue({.name = "dlq", .visibility_timeout = seconds(60)}).ok());
    ASSERT_TRUE(queue_
                    ->CreateQueue({.name = "work",
                                   .visibility_timeout = seconds(60),
                                   .dead_letter_queue = "dlq",
                                   .max_receive_count = 3})
                    .ok());
  }

  std::unique_ptr<queue::Queue> MakeQueue(const Clock& clock) {
    return std::make_unique<queue::SqlQueue>(database_->database(), clock, signal_);
  }

  // Receives without waiting; the fake clock decides what is visible.
  std::vector<queue::Message> ReceiveNow(std::string_view name, std::uint32_t max = 10) {
    auto messages = queue_->Receive(name, max, milliseconds(0));
    EXPECT_TRUE(messages.ok()) << messages.error().ToString();
    return messages.ok() ? *messages : std::vector<queue::Message>();
  }

  FakeClock clock_;
  queue::QueueSignal signal_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<queue::Queue> queue_;
};

TEST_P(QueueContract, SendReceiveAck) {
  auto id = queue_->Send("work", R"({"id":"a"})", milliseconds(0));
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages("work"), 1u);

  auto messages = ReceiveNow("work");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, *id);
  EXPECT_EQ(messages[0].body, R"({"id":"a"})");
  EXPECT_EQ(messages[0].receive_count, 1u);
  EXPECT_EQ(messages[0].sent_at, clock_.Now());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages("work"), 0u) << "in flight is not visible";
  EXPECT_TRUE(ReceiveNow("work").empty());

  ASSERT_TRUE(queue_->Ack("work", messages[0].receipt).ok());
  clock_.Advance(seconds(120));
  EXPECT_TRUE(ReceiveNow("work").empty()) << "an acked message never comes back";
}

TEST_P(QueueContract, AgeOfOldestMessageCountsEveryUndeletedMessage) {
  auto empty = queue_->ApproximateAgeOfOldestMessage("work");
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_FALSE(empty->has_value());
  ASSERT_TRUE(queue_->Send("work", "first", milliseconds(0)).ok());
  clock_.Advance(seconds(10));
  ASSERT_TRUE(queue_->Send("work", "second", seconds(60)).ok());
  clock_.Advance(seconds(5));
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage("work"), seconds(15));
  auto received = ReceiveNow("work");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage("work"), seconds(15)) << "in flight counts";
  ASSERT_TRUE(queue_->Ack("work", received[0].receipt).ok());
  EXPECT_EQ(**queue_->ApproximateAgeOfOldestMessage("work"), seconds(5)) << "delayed counts";
  EXPECT_EQ(queue_->ApproximateAgeOfOldestMessage("nope").error().code(), ErrorCode::kNotFound);
}

TEST_P(QueueContract, DelayedMessageIsInvisibleUntilItsDelayPasses) {
  ASSERT_TRUE(queue_->Send("work", "later", seconds(30)).ok());
  EXPECT_TRUE(ReceiveNow("work").empty());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages("work"), 0u);
  clock_.Advance(seconds(29));
  EXPECT_TRUE(ReceiveNow("work").empty());
  clock_.Advance(seconds(1));
  auto messages = ReceiveNow("work");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body, "later");
}

TEST_P(QueueContract, UnackedMessageComesBackAfterTheVisibilityTimeout) {
  ASSERT_TRUE(queue_->Send("work", "m", milliseconds(0)).ok());
  auto first = ReceiveNow("work");
  ASSERT_EQ(first.size(), 1u);
  clock_.Advance(seconds(59));
  EXPECT_TRUE(ReceiveNow("work").empty());
  clock_.Advance(seconds(1));
  auto second = ReceiveNow("work");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].receive_count, 2u);
  EXPECT_NE(second[0].receipt, first[0].receipt);

  // The first delivery's receipt is stale: acking with it leaves the message in the queue.
  ASSERT_TRUE(queue_->Ack("work", first[0].receipt).ok());
  clock_.Advance(seconds(60));
  auto third = ReceiveNow("work");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].receive_count, 3u);
  ASSERT_TRUE(queue_->Ack("work", third[0].receipt).ok());
  clock_.Advance(seconds(60));
  EXPECT_TRUE(ReceiveNow("work").empty());
}

TEST_P(QueueContract, NackMakesTheMessageVisibleAfterTheGivenDelay) {
  ASSERT_TRUE(queue_->Send("work", "m", milliseconds(0)).ok());
  auto first = ReceiveNow("work");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue_->Nack("work", first[0].receipt, seconds(10)).ok());
  clock_.Advance(seconds(9));
  EXPECT_TRUE(ReceiveNow("work").empty());
  clock_.Advance(seconds(1));
  auto again = ReceiveNow("work");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2u);

  ASSERT_TRUE(queue_->Nack("work", again[0].receipt, milliseconds(0)).ok());
  EXPECT_EQ(ReceiveNow("work").size(), 1u) << "a nack without delay is visible at once";
}

TEST_P(QueueContract, MessageMovesToTheDeadLetterQueueAfterMaxReceives) {
  ASSERT_TRUE(queue_->Send("work", "poison", milliseconds(0)).ok());
  for (std::uint32_t delivery = 1; delivery <= 3; ++delivery) {
    auto messages = ReceiveNow("work");
    ASSERT_EQ(messages.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(messages[0].receive_count, delivery);
    ASSERT_TRUE(queue_->Nack("work", messages[0].receipt, milliseconds(0)).ok());
  }
  EXPECT_TRUE(ReceiveNow("work").empty()) << "a fourth delivery goes to the DLQ instead";
  auto dead = ReceiveNow("dlq");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
  ASSERT_TRUE(queue_->Ack("dlq", dead[0].receipt).ok());
  clock_.Advance(seconds(600));
  EXPECT_TRUE(ReceiveNow("work").empty());
  EXPECT_TRUE(ReceiveNow("dlq").empty());
}

TEST_P(QueueContract, ReceiveTakesAtMostMaxMessagesAndCountsOnlyVisibleOnes) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(queue_->Send("work", std::to_string(i), milliseconds(0)).ok());
  }
  ASSERT_TRUE(queue_->Send("work", "delayed", seconds(5)).ok());
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages("work"), 5u);
  EXPECT_EQ(ReceiveNow("work", 3).size(), 3u);
  EXPECT_EQ(*queue_->ApproximateNumberOfMessages("work"), 2u);
  EXPECT_EQ(ReceiveNow("work", 10).size(), 2u);
  clock_.Advance(seconds(5));
  EXPECT_EQ(ReceiveNow("work", 10).size(), 1u);
}

TEST_P(QueueContract, UnknownQueuesAndBadConfigurationsAreRefused) {
  auto send = queue_->Send("nope", "x", milliseconds(0));
  ASSERT_FALSE(send.ok());
  EXPECT_EQ(send.error().code(), ErrorCode::kNotFound);
  auto receive = queue_->Receive("nope", 1, milliseconds(0));
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
  std::jthread sender([&] { (void)queue->Send("work", "wake", milliseconds(0)); });
  auto messages = queue->Receive("work", 1, seconds(30));
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].body, "wake");
}

TEST_P(QueueContract, BlockedReceiveWakesWhenADelayedMessageBecomesVisible) {
  SystemClock clock;
  auto queue = MakeQueue(clock);
  ASSERT_TRUE(queue->Send("work", "soon", milliseconds(200)).ok());
  auto messages = queue->Receive("work", 1, seconds(30));
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].body, "soon");
}

TEST_P(QueueContract, TenThousandMessagesThroughEightConsumersArriveExactlyOnce) {
  constexpr int kMessages = 10'000;
  constexpr int kConsumers = 8;
  SystemClock clock;
  auto queue = MakeQueue(clock);
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(queue->Send("work", std::to_string(i), milliseconds(0)).ok());
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
          auto messages = queue->Receive("work", 10, milliseconds(200));
          if (!messages.ok()) {
            ++errors;
            return;
          }
          for (const queue::Message& message : *messages) {
            {
              std::lock_guard lock(mutex);
              received.insert(message.body);
            }
            if (!queue->Ack("work", message.receipt).ok()) {
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
  EXPECT_EQ(*queue->ApproximateNumberOfMessages("work"), 0u);
}

}  // namespace orch::testing
