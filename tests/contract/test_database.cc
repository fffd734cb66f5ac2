#include "tests/contract/test_database.h"

#include <cstdlib>
#include <filesystem>

#include "orch/common/url.h"
#include "orch/common/uuid.h"
#include "orch/sql/postgres/postgres_database.h"
#include "orch/sql/sqlite/sqlite_database.h"
#include "orch/store/schema.h"

namespace orch::testing {
namespace {

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase(std::unique_ptr<TempDir> dir, std::unique_ptr<sql::SqliteDatabase> database,
                     std::string url)
      : dir_(std::move(dir)), database_(std::move(database)), url_(std::move(url)) {}

  sql::SqlDatabase& database() override { return *database_; }
  const std::string& url() const override { return url_; }

 private:
  std::unique_ptr<TempDir> dir_;  // outlives the database file it holds
  std::unique_ptr<sql::SqliteDatabase> database_;
  std::string url_;
};

class PostgresTestDatabase final : public TestDatabase {
 public:
  PostgresTestDatabase(std::string admin_url, std::string schema, std::string url,
                       std::unique_ptr<sql::PostgresDatabase> database)
      : admin_url_(std::move(admin_url)),
        schema_(std::move(schema)),
        url_(std::move(url)),
        database_(std::move(database)) {}

  ~PostgresTestDatabase() override {
    database_.reset();
    if (auto admin = sql::PostgresDatabase::Open(admin_url_, {.connections = 1}); admin.ok()) {
      (void)(*admin)->InTransaction(
          sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) {
            return session.ExecuteScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
          });
    }
  }

  sql::SqlDatabase& database() override { return *database_; }
  const std::string& url() const override { return url_; }

 private:
  std::string admin_url_;
  std::string schema_;
  std::string url_;
  std::unique_ptr<sql::PostgresDatabase> database_;
};

}  // namespace

bool IsCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "orch-test-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  ORCH_CHECK(made != nullptr, "mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<std::unique_ptr<TestDatabase>> OpenSqliteTestDatabase() {
  auto dir = std::make_unique<TempDir>();
  const std::string path = dir->path() + "/orch.db";
  ORCH_ASSIGN_OR_RETURN(auto database, sql::SqliteDatabase::Open(path, {}));
  ORCH_RETURN_IF_ERROR(store::ApplyMigrations(*database));
  return std::unique_ptr<TestDatabase>(
      new SqliteTestDatabase(std::move(dir), std::move(database), "sqlite://" + path));
}

Result<std::unique_ptr<TestDatabase>> OpenPostgresTestDatabase() {
  const char* admin_url = std::getenv("ORCH_TEST_POSTGRES_URL");
  if (admin_url == nullptr || *admin_url == '\0') {
    return Error::FailedPrecondition(
        "ORCH_TEST_POSTGRES_URL is not set: start PostgreSQL with `scripts/test-services.sh "
        "start` and export the URL it prints");
  }
  std::string schema = "orch_test_" + NewUuid().substr(0, 8) + NewUuid().substr(0, 8);
  {
    ORCH_ASSIGN_OR_RETURN(auto admin, sql::PostgresDatabase::Open(admin_url, {.connections = 1}));
    ORCH_RETURN_IF_ERROR(
        admin->InTransaction(sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) {
          return session.ExecuteScript("CREATE SCHEMA " + schema);
        }));
  }
  std::string url = admin_url;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + schema;
  ORCH_ASSIGN_OR_RETURN(auto database, sql::PostgresDatabase::Open(url, {}));
  ORCH_RETURN_IF_ERROR(store::ApplyMigrations(*database));
  return std::unique_ptr<TestDatabase>(
      new PostgresTestDatabase(admin_url, schema, url, std::move(database)));
}

}  // namespace orch::testing
