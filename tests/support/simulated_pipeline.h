#pragma once

// A pipeline of simulated external services for end-to-end tests and benchmarks: every job
// type's handler "submits" its side effect to a simulated service that records it in the
// database with a dedup key, as a real prover or chain does with a job id or a nonce. A
// repeated submission (after a crash or a lost lease) is recorded as a duplicate and does not
// commit again, so a test can check that every (job type, block) committed exactly once.
// Given an ObjectStore, the handlers also pass an artifact from SnosRun to ProofCreation
// through it, as the real ones pass the Cairo PIE.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "orch/engine/chain_head.h"
#include "orch/engine/handler_registry.h"
#include "orch/engine/queue_layout.h"
#include "orch/objects/object_store.h"
#include "orch/sql/sql_database.h"

namespace orch::testing {

/// The simulated external service shared by all handlers. Records in `database` (so that
/// several processes share the record); without one (benchmarks) it only counts submissions,
/// so that it adds neither database commits nor memory that grows with the chain.
/// Thread-safe.
class SimulatedServices {
 public:
  explicit SimulatedServices(sql::SqlDatabase* database) : database_(database) {}

  /// Creates the recording table if needed.
  Result<void> Prepare();

  /// Submits the side effect of (type, block): commits it once, counts every submission.
  Result<void> Submit(job::JobType type, std::uint64_t block);

  struct Record {
    std::int64_t commits = 0;
    std::int64_t submissions = 0;
  };
  /// Every recorded (type, block). kFailedPrecondition without a database.
  Result<std::map<std::pair<std::string, std::uint64_t>, Record>> Records();

  /// Submissions so far (with or without a database).
  std::uint64_t submissions() const { return submissions_.load(); }

 private:
  sql::SqlDatabase* database_;
  std::atomic<std::uint64_t> submissions_{0};
};

struct SimulatedLimits {
  std::chrono::milliseconds lease_duration{std::chrono::seconds(300)};
  std::chrono::milliseconds polling_delay{0};
  /// How many blocks one StateTransition may settle (each block's side effect is recorded).
  std::uint64_t blocks_per_settlement = 10;
};

/// Registers a simulated handler for every job type of `layer`. With `artifacts`, SnosRun puts
/// SimulatedArtifact(block) under SimulatedArtifactKey(block) and ProofCreation reads it back
/// before submitting; a missing or different artifact is a transient error (see
/// simulated_pipeline.cc), so an artifact that stays wrong fails the job once its retries run
/// out. `artifacts` must outlive the registry.
void RegisterSimulatedHandlers(engine::HandlerRegistry& registry, SimulatedServices& services,
                               engine::Layer layer, SimulatedLimits limits,
                               objects::ObjectStore* artifacts = nullptr);

/// "<block>/cairo_pie.zip".
std::string SimulatedArtifactKey(std::uint64_t block);
/// The artifact SnosRun stores for `block`: a few bytes derived from the block number, binary
/// ones (NUL included) among them.
std::string SimulatedArtifact(std::uint64_t block);

/// A chain whose head is fixed at `latest`. Thread-safe.
class FixedChainHead final : public engine::ChainHead {
 public:
  explicit FixedChainHead(std::uint64_t latest) : latest_(latest) {}
  Result<std::uint64_t> LatestBlock() override { return latest_; }

 private:
  const std::uint64_t latest_;
};

/// A chain whose head the caller moves, announcing each new block at once as a node's
/// new-heads subscription would (WaitForBlockAbove returns when the head passes `known`).
/// Thread-safe.
class AdvancingChainHead final : public engine::ChainHead {
 public:
  explicit AdvancingChainHead(std::uint64_t latest) : latest_(latest) {}
  Result<std::uint64_t> LatestBlock() override;
  Result<std::uint64_t> WaitForBlockAbove(std::uint64_t known, std::chrono::milliseconds max_wait,
                                          const std::stop_token& stop) override;
  void Advance(std::uint64_t latest);

 private:
  std::mutex mutex_;
  std::condition_variable_any advanced_;
  std::uint64_t latest_;
};

}  // namespace orch::testing
