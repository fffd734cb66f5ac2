#include "orch/api/pipeline_gauges.h"

#include <cmath>
#include <limits>

namespace orch::api {
namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

double NumberOr(const nlohmann::json& value, double fallback) {
  return value.is_number() ? value.get<double>() : fallback;
}

void SetStatusGauges(metrics::MetricsRegistry& registry, const nlohmann::json& report) {
  registry.GetGauge("orch_chain_latest_block", "The node's latest block (NaN: unknown)", {})
      .Set(NumberOr(report["chain_latest_block"], kUnknown));
  for (const nlohmann::json& stage : report["job_types"]) {
    const metrics::Labels labels{{"job_type", stage["job_type"].get<std::string>()}};
    registry
        .GetGauge("orch_latest_completed_block",
                  "Highest block whose job of this type is Completed (NaN: none)", labels)
        .Set(NumberOr(stage["latest_completed_block"], kUnknown));
    registry
        .GetGauge("orch_block_lag",
                  "Node's latest block minus the latest Completed block of this type", labels)
        .Set(NumberOr(stage["block_lag"], kUnknown));
    const nlohmann::json& oldest = stage["oldest_unfinished"];
    registry
        .GetGauge("orch_oldest_unfinished_job_age_seconds",
                  "Age of the oldest job of this type that is not Completed", labels)
        .Set(oldest.is_object() ? NumberOr(oldest["age_seconds"], 0.0) : 0.0);
  }
}

}  // namespace

void AddPipelineGauges(metrics::MetricsRegistry& registry, StatusReporter& status,
                       store::JobStore& store, queue::Queue& queue,
                       const engine::QueueLayout& layout) {
  registry.AddCollector([&registry, &status, &store, &queue, &layout] {
    if (auto counts = store.CountJobsByTypeAndStatus(); counts.ok()) {
      for (job::JobType type : job::kAllJobTypes) {
        for (job::JobStatus status_value : job::kAllJobStatuses) {
          const auto it = counts->find({type, status_value});
          registry
              .GetGauge("orch_jobs", "Jobs by type and status",
                        {{"job_type", std::string(job::ToString(type))},
                         {"status", std::string(job::ToString(status_value))}})
              .Set(it == counts->end() ? 0.0 : static_cast<double>(it->second));
        }
      }
    }
    if (auto report = status.Report(); report.ok()) {
      SetStatusGauges(registry, *report);
    }
    for (const queue::QueueConfig& config : layout.Configs()) {
      const metrics::Labels labels{{"queue", config.name}};
      if (auto depth = queue.ApproximateNumberOfMessages(config.name); depth.ok()) {
        registry.GetGauge("orch_queue_visible_messages", "Messages visible in each queue", labels)
            .Set(static_cast<double>(*depth));
      }
      if (auto age = queue.ApproximateAgeOfOldestMessage(config.name); age.ok()) {
        registry
            .GetGauge("orch_queue_oldest_message_age_seconds",
                      "Age of the oldest message not yet deleted (0: empty queue)", labels)
            .Set(age->has_value() ? std::chrono::duration<double>(**age).count() : 0.0);
      }
    }
  });
}

}  // namespace orch::api
