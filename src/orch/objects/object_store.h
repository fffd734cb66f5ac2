#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"

namespace orch::objects {

/// Durable storage for job artifacts (Cairo PIEs, blobs, proofs), addressed by S3-like keys:
/// '/'-separated segments such as "jobs/42/cairo_pie.zip" (see ValidateObjectKey for the rules).
///
/// Contract for every backend (tests/contract/object_store_contract.h):
///  - Put is atomic: a concurrent or later reader sees the whole old content or the whole new
///    content, never a mix or a truncated object. Overwriting is allowed.
///  - After Put returns, Get, Exists and List see the object (read-after-write).
///  - Keys are bytes: no case folding, no normalisation. Objects are bytes too: any content,
///    NUL bytes included.
///  - Calls block until the backend answers. Implementations are thread-safe.
/// Errors common to all methods: kInvalidArgument (a key or prefix that ValidateObjectKey or
/// ValidateObjectKeyPrefix rejects; permanent), kUnavailable (I/O error, storage unreachable;
/// may be transient), kInternal.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  /// Stores `bytes` under `key`, replacing any object there.
  virtual Result<void> Put(std::string_view key, std::string_view bytes) = 0;

  /// The bytes stored under `key`. Errors: kNotFound if there is no object.
  virtual Result<std::string> Get(std::string_view key) = 0;

  /// Whether an object is stored under `key`.
  virtual Result<bool> Exists(std::string_view key) = 0;

  /// Removes the object under `key`. Idempotent: deleting a missing key succeeds.
  virtual Result<void> Delete(std::string_view key) = 0;

  /// Keys that start with `prefix` (plain string prefix, as in S3: "jobs/4" matches
  /// "jobs/4/a" and "jobs/42/a"), sorted bytewise ascending. An empty prefix lists everything.
  virtual Result<std::vector<std::string>> List(std::string_view prefix) = 0;
};

}  // namespace orch::objects
