#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>

#include "orch/job/job_type.h"

namespace orch::engine {

/// Caps how many jobs of each type this process processes at once, whichever thread runs them:
/// a consumer of a type's processing queue waits for a slot before it runs a received job, and
/// a worker whose commit could create the next stage of its block already claimed tries for
/// one of that stage's slots to run it itself (JobService). Types without a limit are not
/// capped. Thread-safe.
class ProcessingSlots {
 public:
  explicit ProcessingSlots(std::map<job::JobType, int> limits);

  /// A taken slot, given back when destroyed. Move-only.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ProcessingSlots;
    Slot(ProcessingSlots* slots, job::JobType type) : slots_(slots), type_(type) {}

    ProcessingSlots* slots_;  // null once moved from
    job::JobType type_;
  };

  /// Waits for a slot of `type`; nullopt once `stop` is requested.
  std::optional<Slot> Acquire(job::JobType type, const std::stop_token& stop);
  /// A slot of `type` if one is free now.
  std::optional<Slot> TryAcquire(job::JobType type);

  /// Slots of `type` taken now.
  int InUse(job::JobType type) const;

 private:
  void Release(job::JobType type);

  mutable std::mutex mutex_;
  std::condition_variable_any released_;
  const std::map<job::JobType, int> limits_;
  std::map<job::JobType, int> in_use_;  // guarded by mutex_
};

}  // namespace orch::engine
