#include "orch/engine/queue_layout.h"

#include <nlohmann/json.hpp>

#include "orch/common/strings.h"
#include "orch/common/uuid.h"

namespace orch::engine {

Result<Layer> ParseLayer(std::string_view text) {
  const std::string lower = ToLower(TrimWhitespace(text));
  if (lower == "l2" || lower == "layer2") {
    return Layer::kL2;
  }
  if (lower == "l3" || lower == "layer3") {
    return Layer::kL3;
  }
  return Error::InvalidArgument("unknown layer '{}' (expected l2 or l3)", text);
}

std::string_view ToString(Layer layer) { return layer == Layer::kL2 ? "l2" : "l3"; }

std::vector<job::JobType> PipelineJobTypes(Layer layer) {
  using job::JobType;
  if (layer == Layer::kL2) {
    return {JobType::kSnosRun, JobType::kProofCreation, JobType::kDataSubmission,
            JobType::kStateTransition};
  }
  return {JobType::kSnosRun, JobType::kProofCreation, JobType::kProofRegistration,
          JobType::kDataSubmission, JobType::kStateTransition};
}

std::optional<job::JobType> PredecessorOf(Layer layer, job::JobType type) {
  const std::vector<job::JobType> types = PipelineJobTypes(layer);
  for (std::size_t i = 1; i < types.size(); ++i) {
    if (types[i] == type) {
      return types[i - 1];
    }
  }
  return std::nullopt;
}

std::string_view QueueWord(job::JobType type) {
  switch (type) {
    case job::JobType::kSnosRun:
      return "snos";
    case job::JobType::kProofCreation:
      return "proving";
    case job::JobType::kProofRegistration:
      return "proof_registration";
    case job::JobType::kDataSubmission:
      return "data_submission";
    case job::JobType::kStateTransition:
      return "update_state";
    case job::JobType::kAggregator:
      return "aggregator";
  }
  ORCH_CHECK(false, "unknown JobType {}", static_cast<int>(type));
}

Result<QueueLayout> QueueLayout::Create(Layer layer, Options options) {
  const auto brace = options.name_template.find("{}");
  if (brace == std::string::npos) {
    return Error::InvalidArgument("queue name template '{}' has no '{{}}' for the queue type",
                                  options.name_template);
  }
  const auto name = [&](std::string_view word) {
    std::string physical = options.name_template;
    physical.replace(brace, 2, word);
    return physical;
  };
  QueueLayout layout;
  layout.layer_ = layer;
  layout.dead_letter_ = name("job_handle_failure");
  layout.trigger_ = name("worker_trigger");
  layout.configs_.push_back(
      {.name = layout.dead_letter_, .visibility_timeout = options.visibility_timeout});
  layout.configs_.push_back(
      {.name = layout.trigger_, .visibility_timeout = options.visibility_timeout});
  for (job::JobType type : PipelineJobTypes(layer)) {
    const std::string word(QueueWord(type));
    layout.processing_.emplace_back(type, name(word + "_job_processing"));
    layout.verification_.emplace_back(type, name(word + "_job_verification"));
    const auto processing_visibility = type == job::JobType::kStateTransition
                                           ? options.state_transition_visibility_timeout
                                           : options.visibility_timeout;
    layout.configs_.push_back({.name = layout.processing_.back().second,
                               .visibility_timeout = processing_visibility,
                               .dead_letter_queue = layout.dead_letter_,
                               .max_receive_count = options.max_receive_count});
    layout.configs_.push_back({.name = layout.verification_.back().second,
                               .visibility_timeout = options.visibility_timeout,
                               .dead_letter_queue = layout.dead_letter_,
                               .max_receive_count = options.max_receive_count});
  }
  for (const queue::QueueConfig& config : layout.configs_) {
    ORCH_RETURN_IF_ERROR(queue::ValidateQueueConfig(config));
  }
  return layout;
}

const std::string& QueueLayout::ProcessingQueue(job::JobType type) const {
  for (const auto& [queue_type, queue_name] : processing_) {
    if (queue_type == type) {
      return queue_name;
    }
  }
  ORCH_CHECK(false, "no processing queue for {} on {}", job::ToString(type), ToString(layer_));
}

const std::string& QueueLayout::VerificationQueue(job::JobType type) const {
  for (const auto& [queue_type, queue_name] : verification_) {
    if (queue_type == type) {
      return queue_name;
    }
  }
  ORCH_CHECK(false, "no verification queue for {} on {}", job::ToString(type), ToString(layer_));
}

std::string JobMessage(std::string_view job_id) { return nlohmann::json{{"id", job_id}}.dump(); }

Result<std::string> ParseJobMessage(std::string_view body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string() ||
      !IsUuid(json["id"].get<std::string>())) {
    return Error::InvalidArgument("malformed job message '{}' (expected {{\"id\": \"<uuid>\"}})",
                                  body.substr(0, 200));
  }
  return json["id"].get<std::string>();
}

}  // namespace orch::engine
