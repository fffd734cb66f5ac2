#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/clock.h"
#include "orch/common/result.h"

namespace orch::store {

/// A named lock as stored.
struct LockInfo {
  std::string key;
  std::string owner;
  TimePoint expires_at;
};

/// Named, expiring locks shared by all instances (e.g. "only one batching run at a time").
///
/// Contract for every backend (tests/contract/lock_store_contract.h):
///  - A live lock has one owner. Acquiring a held, unexpired lock fails; acquiring an expired
///    one takes it over; the owner re-acquiring extends it.
///  - Only the owner releases or extends.
///  - Expiry is judged by the injected clock of the caller, so instances need synchronised
///    clocks (as they do for queue visibility).
/// Thread-safe. Errors common to all methods: kUnavailable, kInternal.
class LockStore {
 public:
  virtual ~LockStore() = default;

  /// Takes `key` for `owner` until now + ttl. Returns true if taken (or extended because
  /// `owner` already held it), false if another owner holds an unexpired lock.
  virtual Result<bool> TryAcquire(std::string_view key, std::string_view owner,
                                  std::chrono::milliseconds ttl) = 0;

  /// Extends `owner`'s lock to now + ttl. Errors: kFailedPrecondition if `owner` does not hold
  /// a live lock on `key` (it expired and may have been taken over).
  virtual Result<void> Extend(std::string_view key, std::string_view owner,
                              std::chrono::milliseconds ttl) = 0;

  /// Releases `owner`'s lock. Releasing a lock nobody holds succeeds. Errors:
  /// kFailedPrecondition if another owner holds it (nothing changes).
  virtual Result<void> Release(std::string_view key, std::string_view owner) = 0;

  /// The stored lock (even if expired), or nullopt.
  virtual Result<std::optional<LockInfo>> GetLock(std::string_view key) = 0;
};

}  // namespace orch::store
