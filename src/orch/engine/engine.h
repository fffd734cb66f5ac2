#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "orch/engine/chain_head.h"
#include "orch/engine/engine_observer.h"
#include "orch/engine/follow_up_planner.h"
#include "orch/engine/job_service.h"
#include "orch/engine/pipeline_triggers.h"
#include "orch/engine/worker_pool.h"

namespace orch::engine {

struct EngineOptions {
  std::string instance_id;
  std::string orchestrator_version = "0.1.0";
  /// Every trigger runs on this tick; a completion creates what it allows at once
  /// (PipelineTriggers::RunAfterCompletion, on the worker that completed the job).
  std::chrono::milliseconds trigger_interval{std::chrono::seconds(10)};
  /// How often the node is asked for its newest block (ChainHead::WaitForBlockAbove; a head
  /// that announces new blocks answers at once): a new block starts its SNOS run within this
  /// interval, not on the trigger tick.
  std::chrono::milliseconds block_poll_interval{std::chrono::seconds(1)};
  /// Expired leases and stalled jobs are looked for on this tick.
  std::chrono::milliseconds sweep_interval{std::chrono::seconds(5)};
  /// Extra time a job may sit without its next message before the sweeper re-enqueues it.
  std::chrono::milliseconds stale_grace{std::chrono::seconds(60)};
  /// Consumers per job type, for its processing and for its verification queue.
  std::map<job::JobType, int> concurrency;
  int default_concurrency = 5;
  int dead_letter_concurrency = 1;
  int trigger_queue_concurrency = 1;
  /// Operator settings that replace the handlers' defaults (leases, retries), per job type.
  std::map<job::JobType, LimitOverrides> limits;
  PipelineOptions pipeline;
};

/// The running job engine of one process: queue consumers for every job type, the
/// dead-letter and trigger queues, a scheduler thread that runs the triggers on its tick
/// and the lease sweeper, and a thread that starts new blocks as the chain head moves. The worker
/// that completes a job creates its follow-up jobs. Start once; Stop stops taking work and lets
/// in-flight jobs finish within the timeout, releasing the leases of those that do not.
/// Thread-safe; collaborators must outlive it.
class Engine final : private EngineObserver {
 public:
  Engine(store::JobStore& store, queue::Queue& queue, JobCommitter& committer,
         alert::Alerter& alerter, const HandlerRegistry& handlers, const QueueLayout& queues,
         ChainHead& chain, const Clock& clock, EngineObserver& observer, EngineOptions options);
  ~Engine() override;

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void Start();
  /// Returns true if every in-flight job finished within `timeout`.
  bool Stop(std::chrono::milliseconds timeout);

  JobService& jobs() { return jobs_; }
  PipelineTriggers& triggers() { return triggers_; }

  /// Asks the scheduler to run the triggers now.
  void WakeTriggers();

  /// Heals expired leases and re-enqueues stalled jobs once (the scheduler does it on its tick).
  Result<void> SweepOnce();

 private:
  // EngineObserver: forwards to the caller's observer; a completion also runs its follow-up
  // trigger (or, if that fails, wakes the scheduler).
  void OnTransition(job::JobType type, job::JobStatus from, job::JobStatus to) override;
  void OnFailure(job::JobType type, FailureClass failure) override;
  void OnProcessed(job::JobType type, std::chrono::milliseconds duration) override;
  void OnVerified(job::JobType type, std::chrono::milliseconds duration) override;
  void OnLeaseHealed(job::JobType type) override;
  void OnAlertSent() override;
  void OnCompleted(const job::Job& job) override;

  void Schedule(const std::stop_token& stop);
  // Creates the SNOS runs of new blocks as the chain head moves.
  void WatchHead(const std::stop_token& stop);
  std::vector<WorkerPool::Consumer> Consumers();
  Result<MessageOutcome> HandleTrigger(const std::string& body);

  store::JobStore& store_;
  ChainHead& chain_;
  const Clock& clock_;
  EngineObserver& observer_;
  const EngineOptions options_;
  const QueueLayout& queues_;
  const HandlerRegistry& handlers_;
  // Each job type's processing concurrency, shared by its consumers and the workers that run a
  // follow-up their commit created claimed.
  ProcessingSlots slots_;
  FollowUpPlanner follow_ups_;
  JobService jobs_;
  PipelineTriggers triggers_;

  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
  bool wake_requested_ = false;  // guarded by wake_mutex_
  std::jthread scheduler_;
  std::jthread head_watcher_;
  // Last: destroying it waits for consumers still in a handler, which use everything above.
  WorkerPool workers_;
};

}  // namespace orch::engine
