#include "orch/engine/processing_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace orch::testing {
namespace {

using engine::ProcessingSlots;
using job::JobType;

TEST(ProcessingSlotsTest, AtMostTheLimitAreTakenAndADestroyedSlotIsGivenBack) {
  ProcessingSlots slots({{JobType::kProofCreation, 2}});
  auto first = slots.TryAcquire(JobType::kProofCreation);
  auto second = slots.TryAcquire(JobType::kProofCreation);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(slots.TryAcquire(JobType::kProofCreation)) << "the limit is 2";
  EXPECT_EQ(slots.InUse(JobType::kProofCreation), 2);

  ProcessingSlots::Slot moved = std::move(*first);
  first.reset();
  EXPECT_EQ(slots.InUse(JobType::kProofCreation), 2) << "a moved-from slot gives nothing back";
  { ProcessingSlots::Slot released = std::move(moved); }
  EXPECT_EQ(slots.InUse(JobType::kProofCreation), 1);
  EXPECT_TRUE(slots.TryAcquire(JobType::kProofCreation));
  EXPECT_TRUE(slots.TryAcquire(JobType::kSnosRun)) << "a type without a limit is not capped";
}

TEST(ProcessingSlotsTest, AcquireWaitsForAReleaseAndGivesUpOnStop) {
  ProcessingSlots slots({{JobType::kDataSubmission, 1}});
  auto held = slots.TryAcquire(JobType::kDataSubmission);
  ASSERT_TRUE(held);

  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto slot = slots.Acquire(JobType::kDataSubmission, {});
    acquired = slot.has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(acquired) << "no slot is free yet";
  held.reset();
  waiter.join();
  EXPECT_TRUE(acquired);

  auto again = slots.TryAcquire(JobType::kDataSubmission);
  ASSERT_TRUE(again);
  std::stop_source stop;
  std::optional<ProcessingSlots::Slot> none;
  std::thread stopped([&] { none = slots.Acquire(JobType::kDataSubmission, stop.get_token()); });
  stop.request_stop();
  stopped.join();
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(slots.InUse(JobType::kDataSubmission), 1);
}

}  // namespace
}  // namespace orch::testing
