#include "orch/queue/queue.h"

#include <cctype>

namespace orch::queue {
namespace {

constexpr std::size_t kMaxQueueNameLength = 80;

Result<void> ValidateName(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > kMaxQueueNameLength) {
    return Error::InvalidArgument("{} '{}' must have 1 to {} characters", what, name,
                                  kMaxQueueNameLength);
  }
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') {
      return Error::InvalidArgument("{} '{}' may only contain letters, digits, '_' and '-'", what,
                                    name);
    }
  }
  return Ok();
}

}  // namespace

Result<void> ValidateQueueConfig(const QueueConfig& config) {
  ORCH_RETURN_IF_ERROR(ValidateName(config.name, "queue name"));
  if (config.visibility_timeout <= std::chrono::milliseconds::zero()) {
    return Error::InvalidArgument("queue {}: the visibility timeout must be positive", config.name);
  }
  if (config.dead_letter_queue) {
    ORCH_RETURN_IF_ERROR(ValidateName(*config.dead_letter_queue, "dead-letter queue name"));
    if (*config.dead_letter_queue == config.name) {
      return Error::InvalidArgument("queue {} cannot be its own dead-letter queue", config.name);
    }
    if (config.max_receive_count == 0) {
      return Error::InvalidArgument("queue {}: max_receive_count must be at least 1", config.name);
    }
  }
  return Ok();
}

}  // namespace orch::queue
