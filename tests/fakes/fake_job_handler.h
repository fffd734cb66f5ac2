#pragma once

#include <deque>
#include <map>
#include <mutex>

#include "tests/support/block_metadata.h"

#include "orch/engine/chain_head.h"
#include "orch/engine/job_handler.h"

namespace orch::testing {

/// A scriptable JobHandler: each call to Process or Verify for a block takes the next scripted
/// result for that block, or a default (success / Verified). Records every call.
/// Thread-safe.
class FakeJobHandler final : public engine::JobHandler {
 public:
  FakeJobHandler(job::JobType type, engine::HandlerLimits limits) : type_(type), limits_(limits) {}

  job::JobType type() const override { return type_; }
  engine::HandlerLimits limits() const override { return limits_; }

  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override {
    return BlockMetadata(type_, internal_id);
  }

  Result<job::SpecificMetadata> CreateMetadataForBlocks(std::uint64_t internal_id,
                                                        std::uint64_t last_block) override {
    if (type_ != job::JobType::kStateTransition) {
      return JobHandler::CreateMetadataForBlocks(internal_id, last_block);
    }
    return SettlementMetadata(last_block);
  }

  Result<job::ExternalId> Process(job::Job& job) override {
    std::lock_guard lock(mutex_);
    ++process_calls_[job.internal_id];
    auto& script = process_script_[job.internal_id];
    if (script.empty()) {
      return job::ExternalId(std::string("task-") + std::to_string(job.internal_id));
    }
    Result<job::ExternalId> next = script.front();
    script.pop_front();
    return next;
  }

  Result<engine::Verification> Verify(job::Job& job) override {
    std::lock_guard lock(mutex_);
    ++verify_calls_[job.internal_id];
    auto& script = verify_script_[job.internal_id];
    if (script.empty()) {
      return engine::Verification::Verified();
    }
    Result<engine::Verification> next = script.front();
    script.pop_front();
    return next;
  }

  void ScriptProcess(std::uint64_t block, Result<job::ExternalId> result) {
    std::lock_guard lock(mutex_);
    process_script_[block].push_back(std::move(result));
  }
  void ScriptVerify(std::uint64_t block, Result<engine::Verification> result) {
    std::lock_guard lock(mutex_);
    verify_script_[block].push_back(std::move(result));
  }
  int ProcessCalls(std::uint64_t block) const {
    std::lock_guard lock(mutex_);
    const auto it = process_calls_.find(block);
    return it == process_calls_.end() ? 0 : it->second;
  }
  int VerifyCalls(std::uint64_t block) const {
    std::lock_guard lock(mutex_);
    const auto it = verify_calls_.find(block);
    return it == verify_calls_.end() ? 0 : it->second;
  }

 private:
  const job::JobType type_;
  const engine::HandlerLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::deque<Result<job::ExternalId>>> process_script_;
  std::map<std::uint64_t, std::deque<Result<engine::Verification>>> verify_script_;
  std::map<std::uint64_t, int> process_calls_;
  std::map<std::uint64_t, int> verify_calls_;
};

/// A chain whose latest block the test sets. Thread-safe.
class FakeChainHead final : public engine::ChainHead {
 public:
  Result<std::uint64_t> LatestBlock() override {
    std::lock_guard lock(mutex_);
    if (error_) {
      return *error_;
    }
    return latest_;
  }
  void SetLatest(std::uint64_t latest) {
    std::lock_guard lock(mutex_);
    latest_ = latest;
  }
  void FailWith(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
  }

 private:
  std::mutex mutex_;
  std::uint64_t latest_ = 0;
  std::optional<Error> error_;
};

}  // namespace orch::testing
