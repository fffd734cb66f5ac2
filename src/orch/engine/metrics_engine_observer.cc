#include "orch/engine/metrics_engine_observer.h"

namespace orch::engine {
namespace {

std::string TypeLabel(job::JobType type) { return std::string(job::ToString(type)); }

std::string_view ToString(FailureClass failure) {
  switch (failure) {
    case FailureClass::kTransient:
      return "transient";
    case FailureClass::kPermanent:
      return "permanent";
    case FailureClass::kRejected:
      return "rejected";
  }
  return "unknown";
}

double Seconds(std::chrono::milliseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

void MetricsEngineObserver::OnTransition(job::JobType type, job::JobStatus from,
                                         job::JobStatus to) {
  registry_
      .GetCounter("orch_job_transitions_total", "Job status changes",
                  {{"job_type", TypeLabel(type)},
                   {"from", std::string(job::ToString(from))},
                   {"to", std::string(job::ToString(to))}})
      .Increment();
}

void MetricsEngineObserver::OnFailure(job::JobType type, FailureClass failure) {
  registry_
      .GetCounter("orch_job_failures_total", "Failed processing or verification attempts",
                  {{"job_type", TypeLabel(type)}, {"class", std::string(ToString(failure))}})
      .Increment();
}

void MetricsEngineObserver::OnProcessed(job::JobType type, std::chrono::milliseconds duration) {
  registry_
      .GetHistogram("orch_job_processing_seconds", "Time the handler took to process a job",
                    metrics::DefaultLatencyBucketsSeconds(), {{"job_type", TypeLabel(type)}})
      .Observe(Seconds(duration));
}

void MetricsEngineObserver::OnVerified(job::JobType type, std::chrono::milliseconds duration) {
  registry_
      .GetHistogram("orch_job_verified_seconds",
                    "Time from the start of processing to successful verification",
                    metrics::DefaultLatencyBucketsSeconds(), {{"job_type", TypeLabel(type)}})
      .Observe(Seconds(duration));
}

void MetricsEngineObserver::OnLeaseHealed(job::JobType type) {
  registry_
      .GetCounter("orch_lease_heals_total", "Leases returned after their holder stopped",
                  {{"job_type", TypeLabel(type)}})
      .Increment();
}

void MetricsEngineObserver::OnAlertSent() {
  registry_.GetCounter("orch_alerts_sent_total", "Alerts sent").Increment();
}

void MetricsEngineObserver::OnCompleted(const job::Job& job) {
  registry_
      .GetCounter("orch_job_completed_total", "Jobs that reached Completed",
                  {{"job_type", TypeLabel(job.type)}})
      .Increment();
}

}  // namespace orch::engine
