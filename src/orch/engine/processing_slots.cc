#include "orch/engine/processing_slots.h"

#include <utility>

namespace orch::engine {

ProcessingSlots::ProcessingSlots(std::map<job::JobType, int> limits) : limits_(std::move(limits)) {}

ProcessingSlots::Slot::Slot(Slot&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)), type_(other.type_) {}

ProcessingSlots::Slot& ProcessingSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (slots_ != nullptr) {
      slots_->Release(type_);
    }
    slots_ = std::exchange(other.slots_, nullptr);
    type_ = other.type_;
  }
  return *this;
}

ProcessingSlots::Slot::~Slot() {
  if (slots_ != nullptr) {
    slots_->Release(type_);
  }
}

std::optional<ProcessingSlots::Slot> ProcessingSlots::Acquire(job::JobType type,
                                                              const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  const auto limit = limits_.find(type);
  const bool free = released_.wait(
      lock, stop, [&] { return limit == limits_.end() || in_use_[type] < limit->second; });
  if (!free) {
    return std::nullopt;
  }
  ++in_use_[type];
  return Slot(this, type);
}

std::optional<ProcessingSlots::Slot> ProcessingSlots::TryAcquire(job::JobType type) {
  std::lock_guard lock(mutex_);
  const auto limit = limits_.find(type);
  if (limit != limits_.end() && in_use_[type] >= limit->second) {
    return std::nullopt;
  }
  ++in_use_[type];
  return Slot(this, type);
}

int ProcessingSlots::InUse(job::JobType type) const {
  std::lock_guard lock(mutex_);
  const auto found = in_use_.find(type);
  return found == in_use_.end() ? 0 : found->second;
}

void ProcessingSlots::Release(job::JobType type) {
  {
    std::lock_guard lock(mutex_);
    --in_use_[type];
  }
  released_.notify_all();
}

}  // namespace orch::engine
