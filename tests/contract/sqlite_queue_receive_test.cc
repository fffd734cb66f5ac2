// SQLite-specific behaviour of SqlQueue: this process's receives from one queue take turns, so
// a consumer does not open a write transaction for a message another receive is taking.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/contract/test_database.h"

#include "orch/queue/sql/sql_queue.h"

namespace orch::testing {
namespace {

using std::chrono::milliseconds;

// Counts write transactions, and holds the first one after Arm() until Release().
class GatedDatabase final : public sql::SqlDatabase {
 public:
  explicit GatedDatabase(sql::SqlDatabase& inner) : inner_(inner) {}
  sql::Dialect dialect() const override { return inner_.dialect(); }
  Result<void> InTransaction(Access access,
                             const std::function<Result<void>(sql::SqlSession&)>& body) override {
    if (access != Access::kRead) {
      ++writes_;
      std::unique_lock lock(mutex_);
      if (armed_) {
        armed_ = false;
        held_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return !held_; });
      }
    }
    return inner_.InTransaction(access, body);
  }

  void Arm() {
    std::lock_guard lock(mutex_);
    armed_ = true;
  }
  void WaitUntilHeld() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return held_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  int writes() const { return writes_.load(); }

 private:
  sql::SqlDatabase& inner_;
  std::atomic<int> writes_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false;
  bool held_ = false;
};

TEST(SqliteQueueReceiveTest, AReceiverWaitsForTheReceiveTakingTheOnlyMessageInsteadOfRacingIt) {
  auto opened = OpenSqliteTestDatabase();
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  GatedDatabase database((*opened)->database());
  SystemClock clock;
  queue::QueueSignal signal;
  queue::SqlQueue queue(database, clock, signal);
  ASSERT_TRUE(queue.CreateQueue({.name = "work"}).ok());
  ASSERT_TRUE(queue.Send("work", "only", milliseconds(0)).ok());
  const int writes_before = database.writes();

  database.Arm();  // the first receive's write transaction waits inside
  std::size_t first_got = 0;
  std::thread first([&] { first_got = queue.Receive("work", 1, milliseconds(0))->size(); });
  database.WaitUntilHeld();
  std::size_t second_got = 0;
  std::thread second([&] { second_got = queue.Receive("work", 1, milliseconds(0))->size(); });
  // Long enough for the second receiver to see the message and reach its write transaction,
  // if it did not have to wait for its turn.
  std::this_thread::sleep_for(milliseconds(200));
  database.Release();
  first.join();
  second.join();

  EXPECT_EQ(first_got, 1u);
  EXPECT_EQ(second_got, 0u);
  EXPECT_EQ(database.writes() - writes_before, 1)
      << "the second receiver found the message gone without a write transaction of its own";
}

}  // namespace
}  // namespace orch::testing
