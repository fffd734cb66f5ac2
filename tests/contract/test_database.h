#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "orch/common/result.h"
#include "orch/sql/sql_database.h"

namespace orch::testing {

/// A fresh, migrated database for one test, removed when destroyed: a SQLite file in a temp
/// directory, or a new schema in the PostgreSQL server named by ORCH_TEST_POSTGRES_URL (so
/// that test processes running in parallel do not see each other's rows).
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual sql::SqlDatabase& database() = 0;
  /// A URL another process can open to reach the same database.
  virtual const std::string& url() const = 0;
};

Result<std::unique_ptr<TestDatabase>> OpenSqliteTestDatabase();
Result<std::unique_ptr<TestDatabase>> OpenPostgresTestDatabase();

/// A backend the contract suites run against.
struct DatabaseBackend {
  std::string name;
  std::function<Result<std::unique_ptr<TestDatabase>>()> open;
};

inline void PrintTo(const DatabaseBackend& backend, std::ostream* out) { *out << backend.name; }

/// Names parameterised tests after their backend ("Sqlite/QueueContract.SendReceiveAck/sqlite").
struct BackendName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& param_info) const {
    return param_info.param.name;
  }
};

inline DatabaseBackend SqliteBackend() { return {"sqlite", &OpenSqliteTestDatabase}; }
inline DatabaseBackend PostgresBackend() { return {"postgres", &OpenPostgresTestDatabase}; }

/// A fresh temp directory, removed when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace orch::testing

/// Opens the backend's test database into `lhs`. A PostgreSQL suite without
/// ORCH_TEST_POSTGRES_URL fails when CI=true (a suite that silently skips in CI proves nothing)
/// and is skipped elsewhere.
#define ORCH_OPEN_TEST_DATABASE(lhs, backend)                                      \
  do {                                                                             \
    auto orch_opened_ = (backend).open();                                          \
    if (!orch_opened_.ok()) {                                                      \
      if (orch_opened_.error().code() == ::orch::ErrorCode::kFailedPrecondition && \
          !::orch::testing::IsCi()) {                                              \
        GTEST_SKIP() << orch_opened_.error().message();                            \
      }                                                                            \
      FAIL() << orch_opened_.error().ToString();                                   \
    }                                                                              \
    lhs = std::move(orch_opened_).value();                                         \
  } while (false)

namespace orch::testing {
/// Whether the tests run in CI (CI=true), where nothing may be skipped.
bool IsCi();
}  // namespace orch::testing
