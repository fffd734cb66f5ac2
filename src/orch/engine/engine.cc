#include "orch/engine/engine.h"

#include <spdlog/spdlog.h>

#include "orch/common/strings.h"

namespace orch::engine {
namespace {

std::map<job::JobType, int> ProcessingConcurrency(const EngineOptions& options,
                                                  const QueueLayout& queues,
                                                  const HandlerRegistry& handlers) {
  std::map<job::JobType, int> limits;
  for (job::JobType type : PipelineJobTypes(queues.layer())) {
    if (handlers.Has(type)) {
      const auto configured = options.concurrency.find(type);
      limits[type] = configured == options.concurrency.end() ? options.default_concurrency
                                                             : configured->second;
    }
  }
  return limits;
}

}  // namespace

Engine::Engine(store::JobStore& store, queue::Queue& queue, JobCommitter& committer,
               alert::Alerter& alerter, const HandlerRegistry& handlers, const QueueLayout& queues,
               ChainHead& chain, const Clock& clock, EngineObserver& observer,
               EngineOptions options)
    : store_(store),
      chain_(chain),
      clock_(clock),
      observer_(observer),
      options_(std::move(options)),
      queues_(queues),
      handlers_(handlers),
      slots_(ProcessingConcurrency(options_, queues, handlers)),
      follow_ups_(store, chain, queues.layer(), options_.pipeline),
      jobs_(store, queue, committer, alerter, handlers, queues, clock, *this,
            {.instance_id = options_.instance_id,
             .orchestrator_version = options_.orchestrator_version,
             .limit_overrides = options_.limits},
            &follow_ups_, &slots_),
      triggers_(store, jobs_, chain, queues.layer(), options_.pipeline),
      workers_(queue, Consumers()) {}

Engine::~Engine() { Stop(std::chrono::seconds(30)); }

std::vector<WorkerPool::Consumer> Engine::Consumers() {
  std::vector<WorkerPool::Consumer> consumers;
  for (const auto& [job_type, concurrency] : ProcessingConcurrency(options_, queues_, handlers_)) {
    const job::JobType type = job_type;
    const std::string processing = queues_.ProcessingQueue(type);
    consumers.push_back(
        {processing, concurrency,
         // A message's job runs once a processing slot of its type is free: workers running a
         // follow-up their commit created may hold some. Those only ever try for a slot, so
         // this wait ends when one of them finishes.
         [this, processing, type](const ReceivedMessage& received) {
           const std::optional<ProcessingSlots::Slot> slot = slots_.Acquire(type, {});
           return jobs_.ProcessReceived(received,
                                        DeliveredMessage{processing, received.message.receipt});
         },
         [this, processing](std::uint32_t max_messages, std::chrono::milliseconds wait,
                            const std::stop_token& stop) {
           return jobs_.ReceiveForProcessing(processing, max_messages, wait, stop);
         }});
    const std::string verification = queues_.VerificationQueue(type);
    consumers.push_back(
        {verification, concurrency,
         [this, verification](const ReceivedMessage& received) -> Result<MessageOutcome> {
           ORCH_ASSIGN_OR_RETURN(std::string id, ParseJobMessage(received.message.body));
           return jobs_.VerifyJob(id, DeliveredMessage{verification, received.message.receipt});
         }});
  }
  const std::string dead_letter = queues_.DeadLetterQueue();
  consumers.push_back(
      {dead_letter, options_.dead_letter_concurrency,
       [this, dead_letter](const ReceivedMessage& received) -> Result<MessageOutcome> {
         const queue::Message& message = received.message;
         Result<std::string> id = ParseJobMessage(message.body);
         if (!id.ok()) {
           spdlog::error("dead-letter queue: {}; dropped", id.error().message());
           return MessageOutcome::Ack();
         }
         return jobs_.HandleDeadLetter(*id, DeliveredMessage{dead_letter, message.receipt});
       }});
  consumers.push_back(
      {queues_.TriggerQueue(), options_.trigger_queue_concurrency,
       [this](const ReceivedMessage& received) { return HandleTrigger(received.message.body); }});
  return consumers;
}

Result<MessageOutcome> Engine::HandleTrigger(const std::string& body) {
  std::string_view name = TrimWhitespace(body);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);  // EventBridge may send the name JSON-quoted
  }
  Result<int> created = triggers_.RunByName(name);
  if (!created.ok() && created.error().code() == ErrorCode::kInvalidArgument) {
    spdlog::warn("worker_trigger: {}; dropped", created.error().message());
    return MessageOutcome::Ack();
  }
  ORCH_RETURN_IF_ERROR(created);
  return MessageOutcome::Ack();
}

void Engine::Start() {
  workers_.Start();
  scheduler_ = std::jthread([this](std::stop_token stop) { Schedule(stop); });
  head_watcher_ = std::jthread([this](std::stop_token stop) { WatchHead(stop); });
}

bool Engine::Stop(std::chrono::milliseconds timeout) {
  jobs_.StopChaining();
  if (scheduler_.joinable()) {
    scheduler_.request_stop();
    wake_.notify_all();
    scheduler_.join();
  }
  if (head_watcher_.joinable()) {
    head_watcher_.request_stop();
    head_watcher_.join();
  }
  const bool finished = workers_.Stop(timeout);
  if (!finished) {
    // Hand the jobs still being worked on back now rather than after their leases expire.
    Result<std::vector<job::Job>> held = store_.ListJobs(
        {.statuses = {job::JobStatus::kLockedForProcessing}, .lease_owner = options_.instance_id});
    if (held.ok()) {
      for (const job::Job& job : *held) {
        if (Result<bool> released = jobs_.ReleaseLease(job); !released.ok()) {
          spdlog::warn("could not release {}: {}", job.id, released.error().message());
        }
      }
    }
  }
  return finished;
}

void Engine::WakeTriggers() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
  }
  wake_.notify_all();
}

Result<void> Engine::SweepOnce() {
  ORCH_ASSIGN_OR_RETURN(auto expired, store_.JobsWithExpiredLease(clock_.Now(), 100));
  for (const job::Job& job : expired) {
    ORCH_RETURN_IF_ERROR(jobs_.HealExpiredLease(job));
  }
  ORCH_RETURN_IF_ERROR(jobs_.RequeueStalledJobs(options_.stale_grace));
  return Ok();
}

void Engine::Schedule(const std::stop_token& stop) {
  auto next_triggers = std::chrono::steady_clock::now();
  auto next_sweep = std::chrono::steady_clock::now() + options_.sweep_interval;
  while (!stop.stop_requested()) {
    bool woken = false;
    {
      std::unique_lock lock(wake_mutex_);
      wake_.wait_until(lock, stop, std::min(next_triggers, next_sweep),
                       [&] { return wake_requested_; });
      if (stop.stop_requested()) {
        return;
      }
      woken = wake_requested_;
      wake_requested_ = false;
    }
    const auto now = std::chrono::steady_clock::now();
    // WakeTriggers runs the triggers at once whatever the tick says; the sweeper's tick does not.
    if (woken || now >= next_triggers) {
      if (Result<int> created = triggers_.RunAll(); !created.ok()) {
        spdlog::warn("triggers: {}", created.error().message());
      }
      next_triggers = now + options_.trigger_interval;
    }
    if (now >= next_sweep) {
      if (Result<void> swept = SweepOnce(); !swept.ok()) {
        spdlog::warn("sweeper: {}", swept.error().message());
      }
      next_sweep = now + options_.sweep_interval;
    }
  }
}

void Engine::WatchHead(const std::stop_token& stop) {
  std::uint64_t seen = 0;
  while (!stop.stop_requested()) {
    const auto asked = std::chrono::steady_clock::now();
    Result<std::uint64_t> head = chain_.WaitForBlockAbove(seen, options_.block_poll_interval, stop);
    if (stop.stop_requested()) {
      return;
    }
    if (!head.ok()) {
      // The trigger tick reports an unreachable node; here it only postpones new blocks.
      spdlog::debug("chain head: {}", head.error().message());
      SleepUnlessStopped(stop, asked + options_.block_poll_interval);
      continue;
    }
    if (*head <= seen) {
      continue;
    }
    seen = *head;
    if (Result<int> created = triggers_.RunSnos(); !created.ok()) {
      spdlog::warn("SNOS runs for new blocks up to {}: {}; the trigger tick retries", *head,
                   created.error().message());
    }
  }
}

void Engine::OnTransition(job::JobType type, job::JobStatus from, job::JobStatus to) {
  observer_.OnTransition(type, from, to);
}
void Engine::OnFailure(job::JobType type, FailureClass failure) {
  observer_.OnFailure(type, failure);
}
void Engine::OnProcessed(job::JobType type, std::chrono::milliseconds duration) {
  observer_.OnProcessed(type, duration);
}
void Engine::OnVerified(job::JobType type, std::chrono::milliseconds duration) {
  observer_.OnVerified(type, duration);
}
void Engine::OnLeaseHealed(job::JobType type) { observer_.OnLeaseHealed(type); }
void Engine::OnAlertSent() { observer_.OnAlertSent(); }
void Engine::OnCompleted(const job::Job& job) {
  observer_.OnCompleted(job);
  // The completing commit created the job's follow-ups; what it could not decide runs here, on
  // the worker, with no hand-over to the scheduler. The scheduler's tick remains the safety net.
  if (Result<int> created = triggers_.RunAfterCompletion(job); !created.ok()) {
    spdlog::warn("triggers after {} {}: {}; the scheduler runs them", job::ToString(job.type),
                 job.internal_id, created.error().message());
    WakeTriggers();
  }
}

}  // namespace orch::engine
