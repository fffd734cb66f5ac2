// SqliteDatabase's group commit: writes queued behind a running one run together in one SQLite
// transaction, each with the outcome it would have had alone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/contract/test_database.h"
#include "tests/support/temp_dir.h"

#include "orch/sql/sqlite/sqlite_database.h"

namespace orch::testing {
namespace {

using sql::SqlDatabase;
using sql::SqlSession;

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ORCH_OPEN_TEST_DATABASE(database_, SqliteBackend());
    sqlite_ = dynamic_cast<sql::SqliteDatabase*>(&database_->database());
    ASSERT_NE(sqlite_, nullptr);
    ASSERT_TRUE(Write([](SqlSession& session) {
                  return session.ExecuteScript(
                      "CREATE TABLE rows (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
                }).ok());
    baseline_ = sqlite_->write_statistics();
  }

  Result<void> Write(const std::function<Result<void>(SqlSession&)>& body) {
    return database_->database().InTransaction(SqlDatabase::Access::kWrite, body);
  }

  static Result<void> Insert(SqlSession& session, std::int64_t key) {
    ORCH_RETURN_IF_ERROR(
        session.Execute("INSERT INTO rows (k, v) VALUES (?, 'row')", {sql::SqlValue(key)}));
    return Ok();
  }

  std::set<std::int64_t> Keys() {
    std::set<std::int64_t> keys;
    EXPECT_TRUE(database_->database()
                    .InTransaction(
                        SqlDatabase::Access::kRead,
                        [&](SqlSession& session) -> Result<void> {
                          ORCH_ASSIGN_OR_RETURN(auto rows, session.Query("SELECT k FROM rows", {}));
                          for (const sql::SqlRow& row : rows) {
                            ORCH_ASSIGN_OR_RETURN(std::int64_t key, sql::ColumnInt64(row, 0, "k"));
                            keys.insert(key);
                          }
                          return Ok();
                        })
                    .ok());
    return keys;
  }

  std::unique_ptr<TestDatabase> database_;
  sql::SqliteDatabase* sqlite_ = nullptr;
  sql::SqliteWriteStatistics baseline_;  // after SetUp
};

TEST_F(SqliteGroupCommitTest, QueuedWritesCommitTogetherAndAFailingOneIsRolledBackAlone) {
  std::atomic<bool> first_inside{false};
  std::atomic<bool> release_first{false};
  std::thread first([&] {
    EXPECT_TRUE(Write([&](SqlSession& session) -> Result<void> {
                  ORCH_RETURN_IF_ERROR(Insert(session, 0));
                  first_inside = true;
                  while (!release_first) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                  }
                  return Ok();
                }).ok());
  });
  while (!first_inside) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const sql::SqliteWriteStatistics before = sqlite_->write_statistics();

  // Queued behind the first: three good writes, one that inserts and then fails, one that
  // breaks a constraint, one that throws.
  std::vector<Result<void>> results(6, Ok());
  const std::vector<std::function<Result<void>(SqlSession&)>> bodies = {
      [](SqlSession& session) { return Insert(session, 1); },
      [](SqlSession& session) -> Result<void> {
        ORCH_RETURN_IF_ERROR(Insert(session, 3));
        return Error::InvalidArgument("changed its mind");
      },
      [](SqlSession& session) { return Insert(session, 0); },
      [](SqlSession& session) { return Insert(session, 2); },
      [](SqlSession& session) -> Result<void> {
        ORCH_RETURN_IF_ERROR(Insert(session, 4));
        throw std::runtime_error("a bug");
      },
      [](SqlSession& session) { return Insert(session, 5); },
  };
  std::vector<std::thread> queued;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    queued.emplace_back([&, i] { results[i] = Write(bodies[i]); });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sqlite_->write_statistics().queued < bodies.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(sqlite_->write_statistics().queued, bodies.size());
  release_first = true;
  first.join();
  for (std::thread& thread : queued) {
    thread.join();
  }

  EXPECT_TRUE(results[0].ok()) << results[0].error().ToString();
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code(), ErrorCode::kInvalidArgument);
  ASSERT_FALSE(results[2].ok());
  EXPECT_EQ(results[2].error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(results[3].ok()) << results[3].error().ToString();
  ASSERT_FALSE(results[4].ok());
  EXPECT_EQ(results[4].error().code(), ErrorCode::kInternal);
  EXPECT_NE(results[4].error().message().find("a bug"), std::string::npos);
  EXPECT_TRUE(results[5].ok()) << results[5].error().ToString();
  EXPECT_EQ(Keys(), (std::set<std::int64_t>{0, 1, 2, 5}))
      << "the failed writes left nothing behind";

  const sql::SqliteWriteStatistics after = sqlite_->write_statistics();
  EXPECT_EQ(after.writes - before.writes, 7u);
  EXPECT_EQ(after.groups - before.groups, 2u) << "the first alone, then the six queued behind it";
  EXPECT_EQ(after.queued, 0u);
}

TEST_F(SqliteGroupCommitTest, AWriteAloneThatFailsLeavesNothing) {
  Result<void> failed = Write([](SqlSession& session) -> Result<void> {
    ORCH_RETURN_IF_ERROR(Insert(session, 7));
    return Error::Unavailable("gave up");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Write([](SqlSession& session) { return Insert(session, 8); }).ok());
  EXPECT_EQ(Keys(), (std::set<std::int64_t>{8}));
}

TEST_F(SqliteGroupCommitTest, ManyThreadsWritingAtOnceAllCommit) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const std::int64_t key = static_cast<std::int64_t>(t) * kWritesPerThread + i;
        if (!Write([key](SqlSession& session) { return Insert(session, key); }).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Keys().size(), static_cast<std::size_t>(kThreads * kWritesPerThread));
  const sql::SqliteWriteStatistics statistics = sqlite_->write_statistics();
  EXPECT_EQ(statistics.writes - baseline_.writes,
            static_cast<std::uint64_t>(kThreads * kWritesPerThread));
}

// The checkpoint tests write rows of about a page each into this table.
Result<void> CreateBlobs(SqlDatabase& database) {
  return database.InTransaction(SqlDatabase::Access::kWrite, [](SqlSession& session) {
    return session.ExecuteScript("CREATE TABLE blobs (k INTEGER PRIMARY KEY, v BLOB)");
  });
}

Result<void> InsertBlob(SqlDatabase& database, std::int64_t key) {
  return database.InTransaction(
      SqlDatabase::Access::kWrite, [key](SqlSession& session) -> Result<void> {
        ORCH_RETURN_IF_ERROR(session.Execute("INSERT INTO blobs (k, v) VALUES (?, zeroblob(4000))",
                                             {sql::SqlValue(key)}));
        return Ok();
      });
}

// The commit that fills the WAL past checkpoint_pages does not copy it into the database file
// itself; the background checkpointer does, soon after.
TEST(SqliteCheckpointTest, ABackgroundThreadCheckpointsAFullWal) {
  test_support::TempDir dir;
  const std::string path = dir.File("checkpoint.db");
  auto opened = sql::SqliteDatabase::Open(path, {.connections = 2, .checkpoint_pages = 8});
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  sql::SqliteDatabase& database = **opened;
  ASSERT_TRUE(CreateBlobs(database).ok());
  const auto file_size = [&] { return std::filesystem::file_size(path); };
  const std::uintmax_t before = file_size();
  for (std::int64_t key = 0; key < 16; ++key) {
    ASSERT_TRUE(InsertBlob(database, key).ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (file_size() <= before + 8 * 4096 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(file_size(), before + 8 * 4096)
      << "16 pages of rows written, none copied into the database file";
}

// A reader on an old snapshot keeps the checkpoint from copying newer frames. Retrying on every
// commit would fsync twice per commit for nothing; the next try waits for checkpoint_pages more.
TEST(SqliteCheckpointTest, AReaderHoldingTheWalDoesNotMakeEveryCommitCheckpoint) {
  test_support::TempDir dir;
  constexpr int kCheckpointPages = 16;
  auto opened = sql::SqliteDatabase::Open(dir.File("held.db"),
                                          {.connections = 3, .checkpoint_pages = kCheckpointPages});
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  sql::SqliteDatabase& database = **opened;
  // Waits for the checkpoint a commit may have asked for, so that none is merged into another.
  const auto settle = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (database.write_statistics().checkpoint_due &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_FALSE(database.write_statistics().checkpoint_due);
  };
  ASSERT_TRUE(CreateBlobs(database).ok());
  ASSERT_TRUE(InsertBlob(database, 0).ok());

  std::atomic<bool> reading{false};
  std::atomic<bool> release{false};
  std::thread reader([&] {
    (void)database.InTransaction(
        SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
          ORCH_RETURN_IF_ERROR(session.Query("SELECT COUNT(*) FROM blobs", {}));
          reading = true;
          while (!release) {
            std::this_thread::yield();
          }
          return Ok();
        });
  });
  while (!reading) {
    std::this_thread::yield();
  }
  const std::uint64_t before = database.write_statistics().checkpoints;
  constexpr int kCommits = 32;  // up to three pages each: below 8 * kCheckpointPages in all
  for (std::int64_t key = 1; key <= kCommits; ++key) {
    ASSERT_TRUE(InsertBlob(database, key).ok());
    settle();
  }
  const std::uint64_t checkpoints = database.write_statistics().checkpoints - before;
  release = true;
  reader.join();

  EXPECT_GE(checkpoints, 1u) << "the WAL grew past checkpoint_pages without a checkpoint";
  EXPECT_LE(checkpoints, 3u * kCommits / kCheckpointPages + 1)
      << kCommits << " commits behind a reader ran " << checkpoints << " checkpoints";
}

// Readers that come and go all the time keep SQLite from starting the WAL over on the next
// write; the checkpointer's RESTART keeps the file (and the index every read searches) bounded.
TEST(SqliteCheckpointTest, TheWalStaysBoundedWhileReadersComeAndGo) {
  test_support::TempDir dir;
  constexpr int kCheckpointPages = 8;
  const std::string path = dir.File("busy.db");
  auto opened =
      sql::SqliteDatabase::Open(path, {.connections = 3, .checkpoint_pages = kCheckpointPages});
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  sql::SqliteDatabase& database = **opened;
  ASSERT_TRUE(CreateBlobs(database).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        (void)database.InTransaction(
            SqlDatabase::Access::kRead, [](SqlSession& session) -> Result<void> {
              ORCH_RETURN_IF_ERROR(session.Query("SELECT MAX(k) FROM blobs", {}));
              return Ok();
            });
      }
    });
  }
  constexpr std::int64_t kCommits = 3000;  // ~3 pages each: ~70 times the restart mark
  std::uintmax_t largest_wal = 0;
  for (std::int64_t key = 0; key < kCommits; ++key) {
    ASSERT_TRUE(InsertBlob(database, key).ok());
    largest_wal = std::max(largest_wal, std::filesystem::file_size(path + "-wal"));
  }
  stop = true;
  for (std::thread& reader : readers) {
    reader.join();
  }
  // 16 checkpoints' worth before a restart, plus what is written while a restart waits for
  // the checkpointer's turn or finds a reader in the way and is tried again: ~300 pages on a
  // quiet machine, up to ~1,100 when other processes load it. Without the restarts the WAL
  // ends up holding ~6,000.
  const std::uintmax_t bound = 256 * kCheckpointPages * (4096 + 24);
  EXPECT_LT(largest_wal, bound) << "the WAL grew to " << largest_wal / 4120 << " frames over "
                                << kCommits << " commits";
  EXPECT_GE(database.write_statistics().wal_restarts, 1u);
}

}  // namespace
}  // namespace orch::testing
