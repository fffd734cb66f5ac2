#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "orch/common/result.h"

namespace orch::sql {

/// The SQL flavours the shared stores speak. The few statements that differ ask for it.
enum class Dialect { kSqlite, kPostgres };

/// A bound parameter: NULL, an integer or text.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;

/// One result row; every column as text (NULL as nullopt), in SELECT order.
using SqlRow = std::vector<std::optional<std::string>>;

/// One connection inside one transaction. Confined to the thread running the transaction.
class SqlSession {
 public:
  virtual ~SqlSession() = default;

  /// Runs one statement with parameters written by ParamList and returns its rows.
  /// Errors: kAlreadyExists (unique constraint), kUnavailable (connection lost, database
  /// busy), kDataLoss (corrupt database file), kInternal (anything else).
  virtual Result<std::vector<SqlRow>> Query(std::string_view statement,
                                            const std::vector<SqlValue>& params) = 0;

  /// Runs one statement and returns the number of rows it changed. Errors as Query.
  virtual Result<std::int64_t> Execute(std::string_view statement,
                                       const std::vector<SqlValue>& params) = 0;

  /// Runs several statements without parameters (a migration script). Errors as Query.
  virtual Result<void> ExecuteScript(std::string_view script) = 0;
};

/// A relational database shared by the job store, lock store and queue of one backend: it hands
/// out sessions inside transactions. Implementations own their connections (a pool) and are
/// thread-safe. A transaction that returns an error is rolled back; one that returns success
/// is committed, and a failed commit is returned as the transaction's error.
class SqlDatabase {
 public:
  enum class Access { kRead, kWrite, kSingleStatement };

  virtual ~SqlDatabase() = default;

  virtual Dialect dialect() const = 0;

  /// Runs `body` in one transaction. kWrite takes the write lock up front (SQLite: BEGIN
  /// IMMEDIATE), so read-then-write bodies do not deadlock. kRead bodies must not write; each
  /// of their statements sees committed data, but two statements of one kRead body may see
  /// different snapshots (PostgreSQL runs them in autocommit mode to save round trips).
  /// kSingleStatement bodies run one statement, which may write: PostgreSQL runs it in
  /// autocommit mode, where a statement is atomic by itself (no BEGIN and COMMIT round trips);
  /// SQLite runs it as kWrite.
  /// Errors: those of `body`, and kUnavailable when no connection can be had.
  virtual Result<void> InTransaction(Access access,
                                     const std::function<Result<void>(SqlSession&)>& body) = 0;
};

/// Reads an integer column; a NULL or non-numeric value is kDataLoss naming `column`.
Result<std::int64_t> ColumnInt64(const SqlRow& row, std::size_t index, std::string_view column);
/// Reads a text column; a NULL value is kDataLoss naming `column`.
Result<std::string> ColumnText(const SqlRow& row, std::size_t index, std::string_view column);

}  // namespace orch::sql

namespace orch::sql {

/// Collects the parameters of a statement as it is written: Add() returns the placeholder to
/// splice into the SQL text, so that placeholders and values cannot drift apart.
class ParamList {
 public:
  explicit ParamList(const SqlDatabase& database) : dialect_(database.dialect()) {}

  std::string Add(SqlValue value);
  const std::vector<SqlValue>& values() const { return values_; }

 private:
  Dialect dialect_;
  std::vector<SqlValue> values_;
};

}  // namespace orch::sql
