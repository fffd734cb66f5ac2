#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orch/clients/prover/prover_client.h"

namespace orch::testing {

/// A ProverClient that dedups like the real ones (one task per dedup id, "task-<n>") and
/// reports the state the test sets per task (Processing until then). Records every submission
/// and every fact asked about. Thread-safe.
class FakeProverClient final : public prover::ProverClient {
 public:
  struct Submission {
    std::string dedup_id;
    std::string payload;  // the PIE, or the proof for an L2 verification
    std::optional<std::uint64_t> n_steps;
    bool l2_verification = false;
  };

  std::string_view name() const override { return "fake"; }

  Result<std::string> SubmitProof(const prover::ProofRequest& request) override {
    return Submit({request.dedup_id, request.cairo_pie_zip, request.n_steps, false});
  }

  Result<prover::TaskStatus> GetStatus(std::string_view task_id,
                                       const std::optional<std::string>& fact) override {
    std::lock_guard lock(mutex_);
    facts_asked_.push_back(fact);
    if (status_error_) {
      return *status_error_;
    }
    const auto found = states_.find(std::string(task_id));
    return found == states_.end() ? prover::TaskStatus::Processing() : found->second;
  }

  Result<std::string> GetProof(std::string_view task_id) override {
    std::lock_guard lock(mutex_);
    return "{\"proof_of\": \"" + std::string(task_id) + "\"}";
  }

  Result<std::string> SubmitL2Verification(std::string_view dedup_id, std::string_view proof_json,
                                           std::optional<std::uint64_t> n_steps) override {
    return Submit({std::string(dedup_id), std::string(proof_json), n_steps, true});
  }

  Result<void> CheckReachable() override { return Ok(); }

  void SetState(const std::string& task_id, prover::TaskStatus status) {
    std::lock_guard lock(mutex_);
    states_.insert_or_assign(task_id, std::move(status));
  }
  void FailStatus(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    status_error_ = std::move(error);
  }
  std::vector<Submission> submissions() const {
    std::lock_guard lock(mutex_);
    return submissions_;
  }
  std::vector<std::optional<std::string>> facts_asked() const {
    std::lock_guard lock(mutex_);
    return facts_asked_;
  }

 private:
  Result<std::string> Submit(Submission submission) {
    std::lock_guard lock(mutex_);
    if (const auto known = tasks_.find(submission.dedup_id); known != tasks_.end()) {
      return known->second;
    }
    const std::string task = "task-" + std::to_string(tasks_.size() + 1);
    tasks_.emplace(submission.dedup_id, task);
    submissions_.push_back(std::move(submission));
    return task;
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::string> tasks_;  // dedup id -> task id
  std::map<std::string, prover::TaskStatus> states_;
  std::optional<Error> status_error_;
  std::vector<Submission> submissions_;
  std::vector<std::optional<std::string>> facts_asked_;
};

}  // namespace orch::testing
