#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "orch/sql/sql_database.h"

namespace orch::sql {

struct PostgresOptions {
  int connections = 8;  // pool size; each running transaction holds one
  int connect_timeout_seconds = 5;
};

/// A PostgreSQL database reached through a pool of libpqxx connections. Thread-safe. A
/// connection that breaks is dropped and replaced by a new one on its next use, so a restarted
/// server costs the transactions that were running, not the process.
class PostgresDatabase final : public SqlDatabase {
 public:
  /// Connects once to check the URL and the server. Errors: kUnavailable (unreachable, auth),
  /// kInvalidArgument (malformed connection string). Messages never include the password.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& url,
                                                        const PostgresOptions& options);
  ~PostgresDatabase() override;

  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  // SqlDatabase
  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<void> InTransaction(Access access,
                             const std::function<Result<void>(SqlSession&)>& body) override;

  /// Opens a connection outside the pool (e.g. for LISTEN). Errors as Open.
  Result<std::unique_ptr<pqxx::connection>> Connect() const;

  /// The URL with its password masked.
  const std::string& redacted_url() const { return redacted_url_; }

 private:
  PostgresDatabase(std::string url, const PostgresOptions& options);

  struct PooledConnection;

  Result<std::unique_ptr<PooledConnection>> Acquire();
  void Release(std::unique_ptr<PooledConnection> connection);

  const std::string url_;  // holds the password: never log it
  const std::string redacted_url_;
  const PostgresOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  int open_connections_ = 0;                             // guarded by mutex_
  std::vector<std::unique_ptr<PooledConnection>> idle_;  // guarded by mutex_
};

}  // namespace orch::sql
