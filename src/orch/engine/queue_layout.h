#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/job/job_type.h"
#include "orch/queue/queue.h"

namespace orch::engine {

/// Which settlement layer the orchestrator serves; it decides the job types and queues.
enum class Layer { kL2, kL3 };

/// "l2", "l3" (also the reference's "layer2"/"layer3", any case). Errors: kInvalidArgument.
Result<Layer> ParseLayer(std::string_view text);
std::string_view ToString(Layer layer);

/// The job types of the per-block pipeline of `layer`, in pipeline order:
/// L2: SnosRun, ProofCreation, DataSubmission, StateTransition;
/// L3: SnosRun, ProofCreation, ProofRegistration, DataSubmission, StateTransition.
std::vector<job::JobType> PipelineJobTypes(Layer layer);

/// The job type whose Completed job allows creating `type`'s job for the same block, or
/// nullopt for the first stage.
std::optional<job::JobType> PredecessorOf(Layer layer, job::JobType type);

/// Queue names and settings, as the reference lays them out (spec §6): each job type has a
/// processing and a verification queue, plus `job_handle_failure` (the dead-letter queue) and
/// `worker_trigger`. Physical names come from a template with "{}" (default "mo_{}_queue").
/// Immutable; thread-safe.
class QueueLayout {
 public:
  struct Options {
    std::string name_template = "mo_{}_queue";
    std::chrono::milliseconds visibility_timeout{std::chrono::seconds(360)};
    std::chrono::milliseconds state_transition_visibility_timeout{std::chrono::seconds(1080)};
    std::uint32_t max_receive_count = 5;
  };

  /// Errors: kInvalidArgument if the template lacks "{}" or yields invalid names.
  static Result<QueueLayout> Create(Layer layer, Options options);

  const std::string& ProcessingQueue(job::JobType type) const;
  const std::string& VerificationQueue(job::JobType type) const;
  const std::string& DeadLetterQueue() const { return dead_letter_; }
  const std::string& TriggerQueue() const { return trigger_; }

  /// Every queue of the layer with its settings, dead-letter queue first (it must exist
  /// before the queues that name it).
  const std::vector<queue::QueueConfig>& Configs() const { return configs_; }

  Layer layer() const { return layer_; }

 private:
  Layer layer_ = Layer::kL2;
  std::vector<std::pair<job::JobType, std::string>> processing_;
  std::vector<std::pair<job::JobType, std::string>> verification_;
  std::string dead_letter_;
  std::string trigger_;
  std::vector<queue::QueueConfig> configs_;
};

/// The reference's queue-type word of a job type: "snos", "proving", "proof_registration",
/// "data_submission", "update_state", "aggregator".
std::string_view QueueWord(job::JobType type);

/// Job queue message body: {"id":"<uuid>"}.
std::string JobMessage(std::string_view job_id);
/// The job id of a job queue message. Errors: kInvalidArgument for anything else.
Result<std::string> ParseJobMessage(std::string_view body);

}  // namespace orch::engine
