#pragma once

#include <chrono>

#include "orch/job/job.h"

namespace orch::engine {

/// Why a processing attempt did not succeed, for metrics.
enum class FailureClass { kTransient, kPermanent, kRejected };

/// Receives the engine's events: metrics record them; the engine creates follow-up jobs on
/// completions. Called on worker threads after the change is committed; implementations are
/// thread-safe, and quick unless they do the engine's own work.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;

  virtual void OnTransition(job::JobType type, job::JobStatus from, job::JobStatus to) = 0;
  virtual void OnFailure(job::JobType type, FailureClass failure) = 0;
  virtual void OnProcessed(job::JobType type, std::chrono::milliseconds duration) = 0;
  virtual void OnVerified(job::JobType type, std::chrono::milliseconds duration) = 0;
  virtual void OnLeaseHealed(job::JobType type) = 0;
  virtual void OnAlertSent() = 0;
  /// A job reached Completed: the next stage may have work now.
  virtual void OnCompleted(const job::Job& job) = 0;
};

/// Ignores every event. Stateless; thread-safe.
class NullEngineObserver final : public EngineObserver {
 public:
  void OnTransition(job::JobType, job::JobStatus, job::JobStatus) override {}
  void OnFailure(job::JobType, FailureClass) override {}
  void OnProcessed(job::JobType, std::chrono::milliseconds) override {}
  void OnVerified(job::JobType, std::chrono::milliseconds) override {}
  void OnLeaseHealed(job::JobType) override {}
  void OnAlertSent() override {}
  void OnCompleted(const job::Job&) override {}
};

}  // namespace orch::engine
