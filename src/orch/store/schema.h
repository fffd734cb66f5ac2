#pragma once

#include <vector>

#include "orch/common/result.h"
#include "orch/sql/sql_database.h"
#include "orch/store/migration.h"

namespace orch::store {

/// The migrations for the database's dialect.
const std::vector<Migration>& MigrationsFor(const sql::SqlDatabase& database);

/// The highest applied migration version, 0 for an empty database.
Result<int> SchemaVersion(sql::SqlDatabase& database);

/// Applies every migration the database lacks, each in its own transaction (PostgreSQL: under
/// an advisory lock, so that two `setup` runs at once apply each step once). Returns how many
/// were applied. Errors: kFailedPrecondition when the database is newer than this binary.
Result<int> ApplyMigrations(sql::SqlDatabase& database);

/// Succeeds when the database is exactly at this binary's schema version. Errors:
/// kFailedPrecondition with what to do (run `orchestrator setup`, or upgrade the binary).
Result<void> CheckSchemaIsCurrent(sql::SqlDatabase& database);

}  // namespace orch::store
