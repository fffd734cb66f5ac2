#pragma once

#include <nlohmann/json.hpp>

#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/engine/chain_head.h"
#include "orch/engine/queue_layout.h"
#include "orch/store/job_store.h"

namespace orch::api {

/// Answers "how far is each stage, and what is stuck?" for GET /v1/status, from the job store
/// and the chain head. The report:
///
///   {"layer": "l2",
///    "chain_latest_block": N | null,        // null, plus "chain_error", if the node is down
///    "job_types": [                          // pipeline order
///      {"job_type": "SnosRun",
///       "latest_completed_block": N | null,  // highest internal_id in Completed
///       "counts": {"Created": n, ...},       // non-zero statuses only
///       "oldest_unfinished": {"id", "internal_id", "status", "age_seconds"} | null,
///       "block_lag": chain_latest_block - latest_completed_block | null}, ...],
///    "blocked_total": n,                     // jobs in Failed or VerificationTimeout
///    "blocked": [                            // the lowest blocks first, at most 50
///      {"job_type", "internal_id", "id", "status", "reason", "updated_at", "blocks"}, ...]}
///
/// A Failed or VerificationTimeout job stops what depends on it: its successors for the same
/// block, and the settlement of its block and every later one ("blocks" says which, in words).
/// "Unfinished" means any status but Completed. One report costs at most two queries per job
/// type, plus one for the counts and one for the blocked jobs; types without jobs cost none.
///
/// Thread-safe (its collaborators are); collaborators must outlive it.
class StatusReporter {
 public:
  StatusReporter(store::JobStore& store, engine::ChainHead& chain, const Clock& clock,
                 engine::Layer layer);

  /// Builds the report. Errors: those of the job store (the chain head's are reported inside).
  Result<nlohmann::json> Report();

 private:
  store::JobStore& store_;
  engine::ChainHead& chain_;
  const Clock& clock_;
  const engine::Layer layer_;
};

}  // namespace orch::api
