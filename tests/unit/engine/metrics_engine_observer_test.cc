#include "orch/engine/metrics_engine_observer.h"

#include "tests/unit/engine/engine_harness.h"

#include "orch/metrics/prometheus_text.h"

namespace orch::testing {
namespace {

using job::JobStatus;
using job::JobType;

// The job service's events, recorded through the metrics observer, show up in /metrics.
class MetricsEngineObserverTest : public EngineHarness {};

TEST_F(MetricsEngineObserverTest, LifecycleEventsBecomeMetrics) {
  metrics::MetricsRegistry registry;
  engine::MetricsEngineObserver metrics_observer(registry);
  engine::JobService service(*store_, *queue_, *committer_, alerter_, registry_, *layout_, clock_,
                             metrics_observer, {.instance_id = "metrics"});
  Handler(JobType::kSnosRun).ScriptProcess(1, Error::Unavailable("node behind"));
  Handler(JobType::kSnosRun).ScriptProcess(2, Error::InvalidArgument("corrupt"));
  ASSERT_TRUE(service.CreateJob(JobType::kSnosRun, 1).ok());
  ASSERT_TRUE(service.CreateJob(JobType::kSnosRun, 2).ok());
  // Block 1 fails transiently, then succeeds and is verified; block 2 fails for good.
  for (int round = 0; round < 3; ++round) {
    for (const std::string& name : {layout_->ProcessingQueue(JobType::kSnosRun),
                                    layout_->VerificationQueue(JobType::kSnosRun)}) {
      while (true) {
        auto messages = queue_->Receive(name, 1, {});
        ASSERT_TRUE(messages.ok());
        if (messages->empty()) {
          break;
        }
        const std::string id = *engine::ParseJobMessage(messages->front().body);
        const engine::DeliveredMessage delivery{name, messages->front().receipt};
        auto outcome = name.find("verification") == std::string::npos
                           ? service.ProcessJob(id, delivery)
                           : service.VerifyJob(id, delivery);
        ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
        using Action = engine::MessageOutcome::Action;
        if (outcome->action == Action::kAck) {
          ASSERT_TRUE(queue_->Ack(name, messages->front().receipt).ok());
        } else if (outcome->action == Action::kRetryAfter) {
          ASSERT_TRUE(queue_->Nack(name, messages->front().receipt, outcome->nack_delay).ok());
        }
      }
    }
    clock_.Advance(seconds(30));
  }

  const std::string text = metrics::RenderPrometheusText(registry);
  for (const char* expected : {
           "orch_job_failures_total{class=\"transient\",job_type=\"SnosRun\"} 1",
           "orch_job_failures_total{class=\"permanent\",job_type=\"SnosRun\"} 1",
           "orch_job_completed_total{job_type=\"SnosRun\"} 1",
           "orch_alerts_sent_total 1",
           "orch_job_transitions_total{from=\"PendingVerification\",job_type=\"SnosRun\","
           "to=\"Completed\"} 1",
           "orch_job_processing_seconds_count{job_type=\"SnosRun\"}",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find("internal_id"), std::string::npos) << "no per-job labels";
}

}  // namespace
}  // namespace orch::testing
