#include "orch/store/sql/sql_lock_store.h"

namespace orch::store {

using sql::ParamList;
using sql::SqlDatabase;
using sql::SqlSession;

SqlLockStore::SqlLockStore(sql::SqlDatabase& database, const Clock& clock)
    : database_(database), clock_(clock) {}

Result<bool> SqlLockStore::TryAcquire(std::string_view key, std::string_view owner,
                                      std::chrono::milliseconds ttl) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  bool acquired = false;
  ORCH_RETURN_IF_ERROR(database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        const std::string now_param = params.Add(now);
        const std::string upsert = fmt::format(
            "INSERT INTO locks (lock_key, owner, expires_at, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (lock_key) DO UPDATE SET "
            "owner = excluded.owner, expires_at = excluded.expires_at, "
            "updated_at = excluded.updated_at "
            "WHERE locks.expires_at <= {} OR locks.owner = excluded.owner",
            params.Add(std::string(key)), params.Add(std::string(owner)),
            params.Add(now + ttl.count()), now_param, now_param, now_param);
        ORCH_ASSIGN_OR_RETURN(std::int64_t changed, session.Execute(upsert, params.values()));
        acquired = changed == 1;
        return Ok();
      }));
  return acquired;
}

Result<void> SqlLockStore::Extend(std::string_view key, std::string_view owner,
                                  std::chrono::milliseconds ttl) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  return database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        const std::string update = fmt::format(
            "UPDATE locks SET expires_at = {}, updated_at = {} "
            "WHERE lock_key = {} AND owner = {} AND expires_at > {}",
            params.Add(now + ttl.count()), params.Add(now), params.Add(std::string(key)),
            params.Add(std::string(owner)), params.Add(now));
        ORCH_ASSIGN_OR_RETURN(std::int64_t changed, session.Execute(update, params.values()));
        if (changed != 1) {
          return Error::FailedPrecondition("{} does not hold a live lock on {}", owner, key);
        }
        return Ok();
      });
}

Result<void> SqlLockStore::Release(std::string_view key, std::string_view owner) {
  return database_.InTransaction(
      SqlDatabase::Access::kWrite, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        const std::string remove =
            fmt::format("DELETE FROM locks WHERE lock_key = {} AND owner = {}",
                        params.Add(std::string(key)), params.Add(std::string(owner)));
        ORCH_ASSIGN_OR_RETURN(std::int64_t removed, session.Execute(remove, params.values()));
        if (removed == 1) {
          return Ok();
        }
        ParamList check(database_);
        ORCH_ASSIGN_OR_RETURN(
            auto rows, session.Query(fmt::format("SELECT owner FROM locks WHERE lock_key = {}",
                                                 check.Add(std::string(key))),
                                     check.values()));
        if (rows.empty()) {
          return Ok();
        }
        return Error::FailedPrecondition("lock {} is held by {}, not {}: only the owner releases",
                                         key, rows[0][0].value_or("?"), owner);
      });
}

Result<std::optional<LockInfo>> SqlLockStore::GetLock(std::string_view key) {
  std::optional<LockInfo> info;
  ORCH_RETURN_IF_ERROR(
      database_.InTransaction(SqlDatabase::Access::kRead, [&](SqlSession& session) -> Result<void> {
        ParamList params(database_);
        ORCH_ASSIGN_OR_RETURN(auto rows,
                              session.Query(fmt::format("SELECT owner, expires_at FROM locks "
                                                        "WHERE lock_key = {}",
                                                        params.Add(std::string(key))),
                                            params.values()));
        if (rows.empty()) {
          return Ok();
        }
        ORCH_ASSIGN_OR_RETURN(std::string owner, sql::ColumnText(rows[0], 0, "owner"));
        ORCH_ASSIGN_OR_RETURN(std::int64_t expires, sql::ColumnInt64(rows[0], 1, "expires_at"));
        info = LockInfo{std::string(key), std::move(owner), FromUnixMillis(expires)};
        return Ok();
      }));
  return info;
}

}  // namespace orch::store
