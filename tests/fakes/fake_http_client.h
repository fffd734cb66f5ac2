#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "orch/http/http_client.h"

namespace orch::http {

/// Scripted HttpClient for tests: answers each Send with the next queued outcome (a response or
/// an error), or with the default outcome (200, empty body) once the script runs out, and
/// records every request. Hold() makes Send block until Release(), to test callers while a
/// request is in flight. Thread-safe.
class FakeHttpClient final : public HttpClient {
 public:
  /// Queues a response with `status` and `body`.
  void PushResponse(int status, std::string body = {}) {
    std::lock_guard lock(mutex_);
    script_.emplace_back(HttpResponse{.status = status, .body = std::move(body), .headers = {}});
  }

  /// Queues a transport failure.
  void PushError(Error error) {
    std::lock_guard lock(mutex_);
    script_.emplace_back(std::move(error));
  }

  /// The answer once the script is exhausted.
  void SetDefault(Result<HttpResponse> outcome) {
    std::lock_guard lock(mutex_);
    default_outcome_ = std::move(outcome);
  }

  /// Makes Send block (after recording its request) until Release().
  void Hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }

  void Release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    changed_.notify_all();
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  /// Waits until at least `count` requests were made; false if `timeout` passes first.
  bool WaitForRequests(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

  // HttpClient
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (script_.empty()) {
      return default_outcome_;
    }
    Result<HttpResponse> outcome = std::move(script_.front());
    script_.pop_front();
    return outcome;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<Result<HttpResponse>> script_;  // guarded by mutex_
  Result<HttpResponse> default_outcome_ =    // guarded by mutex_
      HttpResponse{.status = 200, .body = {}, .headers = {}};
  std::vector<HttpRequest> requests_;  // guarded by mutex_
  bool held_ = false;                  // guarded by mutex_
};

}  // namespace orch::http
