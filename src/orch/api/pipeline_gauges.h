#pragma once

#include "orch/api/status_reporter.h"
#include "orch/engine/queue_layout.h"
#include "orch/metrics/metrics.h"
#include "orch/queue/queue.h"
#include "orch/store/job_store.h"

namespace orch::api {

/// Registers a collector that, on every scrape, sets the gauges that describe where the
/// pipeline stands (labels are job types, statuses and queue names only: bounded):
///   orch_jobs{job_type,status}                          jobs per type and status
///   orch_chain_latest_block                             the node's latest block (NaN: unknown)
///   orch_latest_completed_block{job_type}               highest Completed block (NaN: none)
///   orch_block_lag{job_type}                            chain latest − latest Completed
///   orch_oldest_unfinished_job_age_seconds{job_type}    0 when nothing is unfinished
///   orch_queue_visible_messages{queue}                  messages ready to be received
///   orch_queue_oldest_message_age_seconds{queue}        0 when the queue is empty
/// A source that fails leaves its gauges at their last value (a scrape never fails for it).
/// Collaborators must outlive the registry's use of the collector.
void AddPipelineGauges(metrics::MetricsRegistry& registry, StatusReporter& status,
                       store::JobStore& store, queue::Queue& queue,
                       const engine::QueueLayout& layout);

}  // namespace orch::api
