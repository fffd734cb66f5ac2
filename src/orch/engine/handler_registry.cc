#include "orch/engine/handler_registry.h"

namespace orch::engine {

void HandlerRegistry::Register(std::unique_ptr<JobHandler> handler) {
  const job::JobType type = handler->type();
  ORCH_CHECK(!handlers_.contains(type), "two handlers for {}", job::ToString(type));
  handlers_.emplace(type, std::move(handler));
}

Result<JobHandler*> HandlerRegistry::Find(job::JobType type) const {
  const auto it = handlers_.find(type);
  if (it == handlers_.end()) {
    return Error::FailedPrecondition("no handler is configured for {} jobs", job::ToString(type));
  }
  return it->second.get();
}

}  // namespace orch::engine
