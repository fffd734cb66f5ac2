#pragma once

#include "orch/engine/engine_observer.h"
#include "orch/metrics/metrics.h"

namespace orch::engine {

/// Records the engine's events as Prometheus metrics. Labels are bounded: job type, status,
/// failure class; never job ids or block numbers.
///   orch_job_transitions_total{job_type,from,to}     counter
///   orch_job_failures_total{job_type,class}          counter (transient|permanent|rejected)
///   orch_job_processing_seconds{job_type}            histogram of handler process time
///   orch_job_verified_seconds{job_type}              histogram from process start to verified
///   orch_job_completed_total{job_type}               counter
///   orch_lease_heals_total{job_type}                 counter
///   orch_alerts_sent_total                           counter
/// Thread-safe (the registry is).
class MetricsEngineObserver final : public EngineObserver {
 public:
  explicit MetricsEngineObserver(metrics::MetricsRegistry& registry) : registry_(registry) {}

  // EngineObserver
  void OnTransition(job::JobType type, job::JobStatus from, job::JobStatus to) override;
  void OnFailure(job::JobType type, FailureClass failure) override;
  void OnProcessed(job::JobType type, std::chrono::milliseconds duration) override;
  void OnVerified(job::JobType type, std::chrono::milliseconds duration) override;
  void OnLeaseHealed(job::JobType type) override;
  void OnAlertSent() override;
  void OnCompleted(const job::Job& job) override;

 private:
  metrics::MetricsRegistry& registry_;
};

}  // namespace orch::engine
