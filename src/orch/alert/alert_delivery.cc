#include "orch/alert/alert_delivery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "orch/common/check.h"

namespace orch::alert {

std::chrono::milliseconds DeliveryBackoff(const DeliveryOptions& options, int attempt) {
  std::chrono::milliseconds delay = options.initial_backoff;
  for (int i = 1; i < attempt && delay < options.max_backoff; ++i) {
    delay *= 2;
  }
  return std::min(delay, options.max_backoff);
}

AlertDeliveryWorker::AlertDeliveryWorker(std::string target, AttemptFn attempt,
                                         DeliveryOptions options)
    : target_(std::move(target)), attempt_(std::move(attempt)), options_(options) {
  ORCH_CHECK(options_.max_pending > 0, "DeliveryOptions.max_pending must be positive");
  ORCH_CHECK(options_.max_attempts > 0, "DeliveryOptions.max_attempts must be positive");
  ORCH_CHECK(options_.initial_backoff.count() >= 0 && options_.max_backoff.count() >= 0,
             "DeliveryOptions backoffs must not be negative");
  ORCH_CHECK(options_.request_timeout.count() > 0,
             "DeliveryOptions.request_timeout must be positive");
  ORCH_CHECK(options_.flush_timeout.count() >= 0,
             "DeliveryOptions.flush_timeout must not be negative");
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

AlertDeliveryWorker::~AlertDeliveryWorker() { Stop(); }

void AlertDeliveryWorker::Push(const Alert& alert) {
  try {
    bool stopped = false;
    std::optional<Alert> evicted;
    {
      std::lock_guard lock(mutex_);
      stopped = stopping_;
      if (!stopped) {
        if (pending_.size() >= options_.max_pending) {
          evicted = std::move(pending_.front());
          pending_.pop_front();
        }
        pending_.push_back(alert);
      }
    }
    if (stopped) {
      ++dropped_;
      spdlog::warn("{}: alerter is stopped: dropped alert '{}'", target_, alert.subject);
      return;
    }
    wake_.notify_one();
    if (evicted.has_value()) {
      ++dropped_;
      spdlog::warn("{}: alert queue is full ({} pending): dropped the oldest alert '{}'", target_,
                   options_.max_pending, evicted->subject);
    }
  } catch (const std::exception& e) {
    ++dropped_;
    try {
      spdlog::error("{}: dropped alert '{}': {}", target_, alert.subject, e.what());
    } catch (const std::exception&) {
      // The log failed as well; the drop is still counted.
    }
  }
}

void AlertDeliveryWorker::Stop() {
  std::call_once(stop_once_, [this] {
    {
      std::unique_lock lock(mutex_);
      stopping_ = true;
      flush_deadline_ = std::chrono::steady_clock::now() + options_.flush_timeout;
      wake_.notify_all();
      worker_exited_cv_.wait_until(lock, flush_deadline_, [this] { return worker_exited_; });
    }
    // Interrupts a backoff wait; an attempt in flight ends by its (flush-capped) timeout.
    worker_.request_stop();
    worker_.join();
  });
}

void AlertDeliveryWorker::Run(const std::stop_token& stop) {
  while (true) {
    std::optional<Alert> alert;
    try {
      alert = NextAlert(stop);
      if (!alert.has_value()) {
        break;
      }
      Deliver(*alert, stop);
    } catch (const std::exception& e) {
      ++failed_;
      spdlog::error("{}: delivery failed: {}", target_, e.what());
    }
  }
  std::size_t abandoned = 0;
  {
    std::lock_guard lock(mutex_);
    abandoned = pending_.size();
    pending_.clear();
    worker_exited_ = true;
  }
  worker_exited_cv_.notify_all();
  if (abandoned > 0) {
    dropped_ += abandoned;
    spdlog::warn("{}: alerter stopped with {} alerts undelivered", target_, abandoned);
  }
}

std::optional<Alert> AlertDeliveryWorker::NextAlert(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, stop, [this] { return !pending_.empty() || stopping_; });
  // An empty queue here means Stop() was called and everything was delivered.
  if (stop.stop_requested() || pending_.empty()) {
    return std::nullopt;
  }
  Alert alert = std::move(pending_.front());
  pending_.pop_front();
  return alert;
}

void AlertDeliveryWorker::Deliver(const Alert& alert, const std::stop_token& stop) {
  for (int attempt = 1;; ++attempt) {
    const std::optional<std::chrono::milliseconds> timeout = NextAttemptTimeout();
    if (!timeout.has_value()) {
      ++dropped_;
      spdlog::warn("{}: alerter is stopping: dropped alert '{}' after {} attempts", target_,
                   alert.subject, attempt - 1);
      return;
    }
    const DeliveryAttempt outcome = attempt_(alert, *timeout);
    if (outcome.outcome == DeliveryAttempt::Outcome::kDelivered) {
      ++delivered_;
      return;
    }
    if (outcome.outcome == DeliveryAttempt::Outcome::kRejected) {
      ++failed_;
      spdlog::error("{} rejected alert '{}' (not retried): {}", target_, alert.subject,
                    outcome.problem);
      return;
    }
    if (attempt >= options_.max_attempts) {
      ++failed_;
      spdlog::error("{} failed to take alert '{}' after {} attempts: {}", target_, alert.subject,
                    attempt, outcome.problem);
      return;
    }
    const std::chrono::milliseconds delay = DeliveryBackoff(options_, attempt);
    spdlog::warn("{} failed to take alert '{}' (attempt {} of {}): {}; retrying in {} ms", target_,
                 alert.subject, attempt, options_.max_attempts, outcome.problem, delay.count());
    if (!WaitBeforeRetry(delay, stop)) {
      ++dropped_;
      spdlog::warn("{}: alerter stopped: dropped alert '{}' after {} attempts", target_,
                   alert.subject, attempt);
      return;
    }
  }
}

std::optional<std::chrono::milliseconds> AlertDeliveryWorker::NextAttemptTimeout() {
  std::lock_guard lock(mutex_);
  if (!stopping_) {
    return options_.request_timeout;
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(flush_deadline_ -
                                                                 std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return std::nullopt;
  }
  return std::min(left, options_.request_timeout);
}

bool AlertDeliveryWorker::WaitBeforeRetry(std::chrono::milliseconds delay,
                                          const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  // Only a stop request ends the wait early: Stop() lets retries go on until its deadline.
  wake_.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace orch::alert
