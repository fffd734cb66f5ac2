#pragma once

#include <string_view>
#include <vector>

namespace orch::store {

/// One step of the database schema, embedded in the binary at build time from
/// src/orch/store/migrations/<dialect>/NNNN_name.sql.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// The SQLite and PostgreSQL migrations, in version order (generated source files).
const std::vector<Migration>& SqliteMigrations();
const std::vector<Migration>& PostgresMigrations();

}  // namespace orch::store
