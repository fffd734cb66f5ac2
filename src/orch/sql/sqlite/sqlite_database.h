#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "orch/sql/sql_database.h"

struct sqlite3;

namespace orch::sql {

class SqliteStatementCache;

struct SqliteOptions {
  int connections = 4;           // one writer; the others read in parallel under WAL
  int busy_timeout_ms = 10'000;  // how long to wait for another process's write lock
};

/// A SQLite file in WAL mode. Thread-safe. Read transactions run in parallel on a pool of
/// reader connections. Write transactions go through one writer connection with **group
/// commit**: concurrent writers queue up, and one of them (the leader) runs every queued body
/// in a single SQLite transaction, each inside its own savepoint, then commits once. A body
/// that fails rolls back to its savepoint only, so each caller still sees its own transaction
/// succeed or fail atomically, in a serial order; no caller returns before the commit that
/// holds its changes. This writes the hot pages (queue rows, job indexes) once per batch
/// instead of once per caller, and keeps the writer's page cache warm. SQLite has no group
/// commit of its own. Other processes are waited for by the busy timeout.
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

 private:
  SqliteDatabase(std::string path, std::vector<sqlite3*> connections);

  struct PendingWrite;
  using Body = std::function<Result<void>(SqlSession&)>;

  sqlite3* Acquire();
  void Release(sqlite3* connection);
  Result<void> Write(const Body& body);
  // Runs `batch` in one transaction on the writer connection and sets each result.
  void RunBatch(const std::vector<PendingWrite*>& batch);

  const std::string path_;
  sqlite3* writer_;  // used only by the current leader
  std::mutex write_queue_mutex_;
  std::vector<PendingWrite*> pending_writes_;  // guarded by write_queue_mutex_
  bool leader_active_ = false;                 // guarded by write_queue_mutex_
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<sqlite3*> all_connections_;   // owned; closed in the destructor
  std::vector<sqlite3*> idle_connections_;  // readers; guarded by pool_mutex_
  // One per connection, used only by the connection's holder; the map is fixed at construction.
  std::map<sqlite3*, std::unique_ptr<SqliteStatementCache>> statement_caches_;
};

}  // namespace orch::sql
