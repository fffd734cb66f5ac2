#include "orch/store/schema.h"

#include <algorithm>

#include "orch/common/clock.h"

namespace orch::store {
namespace {

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Arbitrary constant naming the orchestrator's migration lock among other advisory locks.
constexpr std::int64_t kMigrationAdvisoryLock = 0x6f726368;  // "orch"

int LatestVersion(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<int> ReadVersion(sql::SqlSession& session) {
  ORCH_ASSIGN_OR_RETURN(
      auto rows, session.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  ORCH_ASSIGN_OR_RETURN(std::int64_t version,
                        sql::ColumnInt64(rows.at(0), 0, "schema_migrations.version"));
  return static_cast<int>(version);
}

Error NewerSchema(int found, int known) {
  return Error::FailedPrecondition(
      "the database schema is at version {}, newer than this orchestrator knows (up to {}): "
      "run a newer orchestrator, or restore a backup taken before the upgrade",
      found, known);
}

}  // namespace

const std::vector<Migration>& MigrationsFor(const sql::SqlDatabase& database) {
  return database.dialect() == sql::Dialect::kSqlite ? SqliteMigrations() : PostgresMigrations();
}

Result<int> SchemaVersion(sql::SqlDatabase& database) {
  int version = 0;
  ORCH_RETURN_IF_ERROR(database.InTransaction(
      sql::SqlDatabase::Access::kRead, [&](sql::SqlSession& session) -> Result<void> {
        const std::string_view exists_query =
            database.dialect() == sql::Dialect::kSqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                  "'schema_migrations'"
                : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                  "current_schema() AND table_name = 'schema_migrations'";
        ORCH_ASSIGN_OR_RETURN(auto rows, session.Query(exists_query, {}));
        ORCH_ASSIGN_OR_RETURN(std::int64_t tables, sql::ColumnInt64(rows.at(0), 0, "count"));
        if (tables == 0) {
          return Ok();
        }
        ORCH_ASSIGN_OR_RETURN(version, ReadVersion(session));
        return Ok();
      }));
  return version;
}

Result<int> ApplyMigrations(sql::SqlDatabase& database) {
  const std::vector<Migration>& migrations = MigrationsFor(database);
  int applied = 0;
  for (const Migration& migration : migrations) {
    ORCH_RETURN_IF_ERROR(database.InTransaction(
        sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
          if (database.dialect() == sql::Dialect::kPostgres) {
            ORCH_RETURN_IF_ERROR(
                session.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationAdvisoryLock}));
          }
          ORCH_RETURN_IF_ERROR(session.ExecuteScript(kCreateMigrationsTable));
          ORCH_ASSIGN_OR_RETURN(int current, ReadVersion(session));
          if (current > LatestVersion(migrations)) {
            return NewerSchema(current, LatestVersion(migrations));
          }
          if (current >= migration.version) {
            return Ok();
          }
          Result<void> script = session.ExecuteScript(migration.sql);
          if (!script.ok()) {
            return script.error().WithContext(
                fmt::format("migration {} ({})", migration.version, migration.name));
          }
          sql::ParamList params(database);
          const std::string insert = fmt::format(
              "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({}, {}, {})",
              params.Add(std::int64_t{migration.version}), params.Add(std::string(migration.name)),
              params.Add(ToUnixMillis(SystemClock().Now())));
          ORCH_RETURN_IF_ERROR(session.Execute(insert, params.values()));
          ++applied;
          return Ok();
        }));
  }
  if (migrations.empty()) {
    return 0;
  }
  ORCH_ASSIGN_OR_RETURN(int version, SchemaVersion(database));
  if (version > LatestVersion(migrations)) {
    return NewerSchema(version, LatestVersion(migrations));
  }
  return applied;
}

Result<void> CheckSchemaIsCurrent(sql::SqlDatabase& database) {
  const int known = LatestVersion(MigrationsFor(database));
  ORCH_ASSIGN_OR_RETURN(int version, SchemaVersion(database));
  if (version > known) {
    return NewerSchema(version, known);
  }
  if (version < known) {
    return Error::FailedPrecondition(
        "the database schema is at version {} but this orchestrator needs version {}: run "
        "`orchestrator setup` with the same --database-url first",
        version, known);
  }
  return Ok();
}

}  // namespace orch::store
