#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "orch/sql/sql_database.h"

struct sqlite3;

namespace orch::sql {

class SqliteStatementCache;

/// What the group commit has done so far (SqliteDatabase::write_statistics).
struct SqliteWriteStatistics {
  std::uint64_t writes = 0;        // write transactions run
  std::uint64_t groups = 0;        // SQLite transactions they ran in
  std::size_t queued = 0;          // writes waiting for their group right now
  std::uint64_t checkpoints = 0;   // WAL checkpoints run by the background thread
  std::uint64_t wal_restarts = 0;  // of them, RESTART checkpoints that started the WAL over
  bool checkpoint_due = false;     // one is asked for or running right now
};

struct SqliteOptions {
  int connections = 4;           // readers run in parallel under WAL
  int busy_timeout_ms = 10'000;  // how long to wait for another process's write lock
  /// WAL pages after which a background thread checkpoints them into the database file.
  int checkpoint_pages = 1000;
};

/// A SQLite file in WAL mode. Thread-safe: a fixed pool of connections, one per running
/// transaction. SQLite allows one writer at a time, so this process's write transactions queue
/// here rather than in SQLite's busy-retry sleeps, and run in groups (group commit): the
/// writer whose turn it is runs every write queued behind it in one SQLite transaction, each
/// in a savepoint of its own, and commits once. A write that fails is rolled back to its
/// savepoint without touching the others; each caller returns only once its group committed,
/// and sees the same outcome as if its transaction had run alone after those before it.
/// Committing (WAL frames, locks, syscalls) is most of what a small transaction costs, so a
/// group of n costs far less than n commits. Other processes are waited for by the busy timeout.
/// With more than one connection, the writes all use one of them, so its page cache stays valid
/// from one write to the next (SQLite drops a connection's cache whenever another connection
/// wrote), and reads the others. Checkpoints (copying the WAL into the database file, with an
/// fsync) run on a background thread each time `checkpoint_pages` pages were added to the WAL,
/// instead of in the commit that crosses the mark; a writer checkpoints itself only if 8 times
/// that many pages are left uncopied (a checkpointer that cannot keep up). Once the WAL holds
/// 16 times `checkpoint_pages`, the checkpointer copies it all and starts it over (RESTART, in
/// a turn of the write queue), since readers that come and go all the time keep SQLite from
/// starting it over on the next write.
/// synchronous=NORMAL: a killed process loses no committed transaction; a power cut may lose
/// the last few, which the at-least-once queue and idempotent handlers tolerate.
class SqliteDatabase final : public SqlDatabase {
 public:
  /// Opens (creating if missing) the database file at `path`, whose directory must exist.
  /// Errors: kUnavailable (cannot open), kDataLoss (not a database or corrupt).
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                      const SqliteOptions& options);
  ~SqliteDatabase() override;

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // SqlDatabase
  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<void> InTransaction(Access access,
                             const std::function<Result<void>(SqlSession&)>& body) override;

  const std::string& path() const { return path_; }

  SqliteWriteStatistics write_statistics() const;

 private:
  SqliteDatabase(std::string path, std::vector<sqlite3*> connections, sqlite3* checkpointer,
                 int checkpoint_pages);

  struct PendingWrite;

  sqlite3* Acquire();
  void Release(sqlite3* connection);
  // Runs the writes queued so far (at most kMaxGroup, `self` among them) as one group, then
  // wakes their callers and hands the turn to the next queued writer.
  void LeadGroup(PendingWrite& self);
  // Queues `self` and returns when it is at the front of the queue with the turn to run
  // (at once if no group runs), or when the group that ran it woke it.
  void WaitForTurn(PendingWrite& self);
  // Ends the running turn (group_mutex_ held): returns the queued write to wake to take the
  // next one, or none, and then no group runs.
  PendingWrite* EndTurnLocked();
  // Runs `action` in a turn of its own in the queue of writes: none of this process's writes
  // runs meanwhile.
  void WhileWritesPaused(const std::function<void()>& action);
  // Runs `group` in one transaction and sets each member's result. Returns the members it did
  // not run because SQLite ended the transaction early (they make a group of their own).
  std::vector<PendingWrite*> RunGroup(const std::vector<PendingWrite*>& group);
  // sqlite3_wal_hook: called after each commit with the pages in the WAL.
  static int OnWalCommit(void* database, sqlite3* connection, const char* schema, int pages);
  void RunCheckpoints(const std::stop_token& stop);

  static constexpr std::size_t kMaxGroup = 64;

  const std::string path_;
  mutable std::mutex group_mutex_;
  std::deque<PendingWrite*> pending_writes_;  // guarded by group_mutex_; oldest first
  bool group_running_ = false;                // guarded by group_mutex_
  SqliteWriteStatistics statistics_;          // guarded by group_mutex_ (but `queued`)
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<sqlite3*> all_connections_;   // owned; closed in the destructor
  std::vector<sqlite3*> idle_connections_;  // guarded by pool_mutex_
  sqlite3* writer_ = nullptr;               // with more than one connection; else pooled
  const int checkpoint_pages_;
  sqlite3* checkpointer_connection_;  // owned; used by checkpointer_ only
  mutable std::mutex checkpoint_mutex_;
  std::condition_variable_any checkpoint_due_;
  bool checkpoint_requested_ = false;  // guarded by checkpoint_mutex_
  bool checkpoint_running_ = false;    // guarded by checkpoint_mutex_
  // The WAL's frames when the last checkpoint was asked for (guarded by checkpoint_mutex_),
  // and the frames the last checkpoint left copied. A checkpoint is asked for per
  // checkpoint_pages frames appended: readers keep the WAL from starting over while they use
  // it, so it may hold thousands of frames copied long ago, and a reader on an old snapshot
  // keeps frames from being copied, which a checkpoint per commit could not change either.
  int frames_at_checkpoint_request_ = 0;
  std::atomic<int> checkpointed_frames_{0};
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> restarts_{0};
  static constexpr int kRestartAfter = 16;  // checkpoint_pages multiples
  // One per connection, used only by the connection's holder; the map is fixed at construction.
  std::map<sqlite3*, std::unique_ptr<SqliteStatementCache>> statement_caches_;
  std::jthread checkpointer_;  // last: started once everything it uses exists
};

}  // namespace orch::sql
