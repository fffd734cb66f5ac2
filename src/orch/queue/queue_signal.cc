#include "orch/queue/queue_signal.h"

namespace orch::queue {

QueueSignal::Channel& QueueSignal::ChannelOf(std::string_view queue) {
  auto it = channels_.find(queue);
  if (it == channels_.end()) {
    it = channels_.emplace(std::string(queue), std::make_unique<Channel>()).first;
  }
  return *it->second;
}

std::uint64_t QueueSignal::Sequence(std::string_view queue) {
  std::lock_guard lock(mutex_);
  return ChannelOf(queue).sequence;
}

void QueueSignal::Notify(std::string_view queue) {
  Channel* channel = nullptr;
  {
    std::lock_guard lock(mutex_);
    channel = &ChannelOf(queue);
    ++channel->sequence;
  }
  // Channels are never removed, so the pointer stays valid outside the lock.
  channel->changed.notify_one();
}

bool QueueSignal::WaitFor(std::string_view queue, std::uint64_t seen,
                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  Channel& channel = ChannelOf(queue);
  return channel.changed.wait_for(lock, timeout, [&] { return channel.sequence != seen; });
}

}  // namespace orch::queue
