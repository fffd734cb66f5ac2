#pragma once

// The LockStore contract: every backend runs these tests. Time comes from a FakeClock.

#include <gtest/gtest.h>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"

#include "orch/store/sql/sql_lock_store.h"

namespace orch::testing {

class LockStoreContract : public ::testing::TestWithParam<DatabaseBackend> {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, GetParam());
    locks_ = std::make_unique<store::SqlLockStore>(database_->database(), clock_);
  }

  FakeClock clock_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store::LockStore> locks_;
};

using std::chrono::seconds;

TEST_P(LockStoreContract, ALiveLockHasOneOwner) {
  ASSERT_TRUE(*locks_->TryAcquire("SnosBatchingWorker", "a", seconds(60)));
  EXPECT_FALSE(*locks_->TryAcquire("SnosBatchingWorker", "b", seconds(60)));
  auto info = locks_->GetLock("SnosBatchingWorker");
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->owner, "a");
  EXPECT_EQ((*info)->expires_at, clock_.Now() + seconds(60));
  EXPECT_TRUE(*locks_->TryAcquire("OtherLock", "b", seconds(60)));
}

TEST_P(LockStoreContract, TheOwnerReacquiringExtends) {
  ASSERT_TRUE(*locks_->TryAcquire("k", "a", seconds(10)));
  clock_.Advance(seconds(5));
  ASSERT_TRUE(*locks_->TryAcquire("k", "a", seconds(10)));
  EXPECT_EQ((*locks_->GetLock("k"))->expires_at, clock_.Now() + seconds(10));
}

TEST_P(LockStoreContract, AnExpiredLockIsTakenOver) {
  ASSERT_TRUE(*locks_->TryAcquire("k", "a", seconds(10)));
  clock_.Advance(seconds(9));
  EXPECT_FALSE(*locks_->TryAcquire("k", "b", seconds(10)));
  clock_.Advance(seconds(1));
  EXPECT_TRUE(*locks_->TryAcquire("k", "b", seconds(10)));
  EXPECT_EQ((*locks_->GetLock("k"))->owner, "b");
  // The old owner lost it: it can neither extend nor release it.
  auto extend = locks_->Extend("k", "a", seconds(10));
  ASSERT_FALSE(extend.ok());
  EXPECT_EQ(extend.error().code(), ErrorCode::kFailedPrecondition);
  auto release = locks_->Release("k", "a");
  ASSERT_FALSE(release.ok());
  EXPECT_EQ(release.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*locks_->GetLock("k"))->owner, "b");
}

TEST_P(LockStoreContract, OnlyTheOwnerReleases) {
  ASSERT_TRUE(*locks_->TryAcquire("k", "a", seconds(10)));
  auto refused = locks_->Release("k", "b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(locks_->GetLock("k")->has_value());

  ASSERT_TRUE(locks_->Release("k", "a").ok());
  EXPECT_FALSE(locks_->GetLock("k")->has_value());
  EXPECT_TRUE(locks_->Release("k", "a").ok()) << "releasing a free lock is not an error";
  EXPECT_TRUE(*locks_->TryAcquire("k", "b", seconds(10)));
}

TEST_P(LockStoreContract, ExtendKeepsALiveLockAndFailsOnAnExpiredOne) {
  ASSERT_TRUE(*locks_->TryAcquire("k", "a", seconds(10)));
  clock_.Advance(seconds(8));
  ASSERT_TRUE(locks_->Extend("k", "a", seconds(10)).ok());
  clock_.Advance(seconds(8));
  EXPECT_FALSE(*locks_->TryAcquire("k", "b", seconds(10)));
  clock_.Advance(seconds(2));
  auto late = locks_->Extend("k", "a", seconds(10));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace orch::testing
