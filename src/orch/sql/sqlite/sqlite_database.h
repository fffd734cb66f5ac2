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
  int connections = 4;           // readers run in parallel under WAL
  int busy_timeout_ms = 10'000;  // how long to wait for another process's write lock
};

/// A SQLite file in WAL mode. Thread-safe: a fixed pool of connections, one per running
/// transaction; write transactions of this process are serialised by a mutex (SQLite allows
/// one writer at a time, and queueing on a mutex is far cheaper than SQLite's busy-retry
/// sleeps); other processes are waited for by the busy timeout.
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

  sqlite3* Acquire();
  void Release(sqlite3* connection);

  const std::string path_;
  std::mutex write_mutex_;  // held for the whole of a write transaction
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<sqlite3*> all_connections_;   // owned; closed in the destructor
  std::vector<sqlite3*> idle_connections_;  // guarded by pool_mutex_
  // One per connection, used only by the connection's holder; the map is fixed at construction.
  std::map<sqlite3*, std::unique_ptr<SqliteStatementCache>> statement_caches_;
};

}  // namespace orch::sql
