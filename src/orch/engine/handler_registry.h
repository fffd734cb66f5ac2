#pragma once

#include <map>
#include <memory>

#include "orch/engine/job_handler.h"

namespace orch::engine {

/// The handler of each job type. Filled at the composition root before the engine starts,
/// then read-only: thread-safe for reading.
class HandlerRegistry {
 public:
  /// Registers `handler` for its type; a second handler for the same type is a programmer error.
  void Register(std::unique_ptr<JobHandler> handler);

  /// The handler of `type`. Errors: kFailedPrecondition naming the type when none is
  /// configured (the operator has not configured the client it needs).
  Result<JobHandler*> Find(job::JobType type) const;

  bool Has(job::JobType type) const { return handlers_.contains(type); }

 private:
  std::map<job::JobType, std::unique_ptr<JobHandler>> handlers_;
};

}  // namespace orch::engine
