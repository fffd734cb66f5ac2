#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "orch/clients/snos/snos_runner.h"

namespace orch::testing {

/// A SnosRunner answering what the test set: one result or one error for every run, recording
/// each request. Thread-safe.
class FakeSnosRunner final : public snos::SnosRunner {
 public:
  void SetResult(snos::SnosResult result) {
    std::lock_guard lock(mutex_);
    result_ = std::move(result);
    error_.reset();
  }
  void SetError(Error error) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
  }

  Result<snos::SnosResult> Run(const snos::SnosRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (error_) {
      return *error_;
    }
    if (!result_) {
      return Error::Internal("FakeSnosRunner: no result set");
    }
    return *result_;
  }

  std::string Describe() const override { return "fake"; }

  std::vector<snos::SnosRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<snos::SnosResult> result_;
  std::optional<Error> error_;
  std::vector<snos::SnosRequest> requests_;
};

}  // namespace orch::testing
