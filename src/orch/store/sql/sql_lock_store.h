#pragma once

#include "orch/common/clock.h"
#include "orch/sql/sql_database.h"
#include "orch/store/lock_store.h"

namespace orch::store {

/// LockStore over the `locks` table of a SQL database (SQLite or PostgreSQL). Take-over of an
/// expired lock is one conditional upsert, so two instances racing for it cannot both win.
/// Thread-safe.
class SqlLockStore final : public LockStore {
 public:
  SqlLockStore(sql::SqlDatabase& database, const Clock& clock);

  // LockStore
  Result<bool> TryAcquire(std::string_view key, std::string_view owner,
                          std::chrono::milliseconds ttl) override;
  Result<void> Extend(std::string_view key, std::string_view owner,
                      std::chrono::milliseconds ttl) override;
  Result<void> Release(std::string_view key, std::string_view owner) override;
  Result<std::optional<LockInfo>> GetLock(std::string_view key) override;

 private:
  sql::SqlDatabase& database_;
  const Clock& clock_;
};

}  // namespace orch::store
