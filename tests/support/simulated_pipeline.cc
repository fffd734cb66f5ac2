#include "tests/support/simulated_pipeline.h"

#include "tests/support/block_metadata.h"

#include "orch/engine/settlement_range.h"

namespace orch::testing {
namespace {

class SimulatedHandler final : public engine::JobHandler {
 public:
  SimulatedHandler(job::JobType type, SimulatedServices& services, SimulatedLimits limits,
                   objects::ObjectStore* artifacts)
      : type_(type), services_(services), limits_(limits), artifacts_(artifacts) {}

  job::JobType type() const override { return type_; }

  engine::HandlerLimits limits() const override {
    return {.max_process_attempts = 3,
            .max_verification_attempts = 10,
            .verification_polling_delay = limits_.polling_delay,
            .retry_base = std::chrono::milliseconds(100),
            .retry_cap = std::chrono::seconds(1),
            .retry_max_attempts = 20,
            .lease_duration = limits_.lease_duration,
            .max_blocks_per_job =
                type_ == job::JobType::kStateTransition ? limits_.blocks_per_settlement : 1};
  }

  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t block) override {
    return BlockMetadata(type_, block);
  }

  Result<job::SpecificMetadata> CreateMetadataForBlocks(std::uint64_t first,
                                                        std::uint64_t last) override {
    if (type_ != job::JobType::kStateTransition) {
      return JobHandler::CreateMetadataForBlocks(first, last);
    }
    return SettlementMetadata(last);
  }

  Result<job::ExternalId> Process(job::Job& job) override {
    if (artifacts_ != nullptr) {
      ORCH_RETURN_IF_ERROR(PassArtifact(job.internal_id));
    }
    for (std::uint64_t block = job.internal_id; block <= engine::LastBlockOf(job); ++block) {
      ORCH_RETURN_IF_ERROR(services_.Submit(type_, block));
    }
    return job::ExternalId(static_cast<std::int64_t>(job.internal_id));
  }

  Result<engine::Verification> Verify(job::Job& /*job*/) override {
    return engine::Verification::Verified();
  }

 private:
  Result<void> PassArtifact(std::uint64_t block) {
    const std::string key = SimulatedArtifactKey(block);
    if (type_ == job::JobType::kSnosRun) {
      return artifacts_->Put(key, SimulatedArtifact(block));
    }
    if (type_ != job::JobType::kProofCreation) {
      return Ok();
    }
    // Transient, not permanent: SnosRun completed only after its Put returned, so the only way
    // to see a missing or different artifact here is a store that shows an object while it is
    // being rewritten (s3rver truncates and rewrites the file in place when a SnosRun whose
    // lease expired puts it again). A retry then sees the whole object; one that stays wrong
    // fails the job after the retries, and the test with it.
    Result<std::string> stored = artifacts_->Get(key);
    if (!stored.ok()) {
      return stored.error().WithContext("SnosRun artifact").WithTransient(true);
    }
    if (*stored != SimulatedArtifact(block)) {
      return Error::Unavailable("SnosRun artifact {} holds {} bytes that are not block {}'s", key,
                                stored->size(), block);
    }
    return Ok();
  }

  const job::JobType type_;
  SimulatedServices& services_;
  const SimulatedLimits limits_;
  objects::ObjectStore* const artifacts_;  // null: no artifacts
};

}  // namespace

Result<void> SimulatedServices::Prepare() {
  if (database_ == nullptr) {
    return Ok();
  }
  return database_->InTransaction(sql::SqlDatabase::Access::kWrite, [](sql::SqlSession& session) {
    return session.ExecuteScript(
        "CREATE TABLE IF NOT EXISTS sim_side_effects (job_type TEXT NOT NULL, block BIGINT NOT "
        "NULL, commits BIGINT NOT NULL, submissions BIGINT NOT NULL, PRIMARY KEY (job_type, "
        "block))");
  });
}

Result<void> SimulatedServices::Submit(job::JobType type, std::uint64_t block) {
  ++submissions_;
  if (database_ == nullptr) {
    return Ok();
  }
  return database_->InTransaction(
      sql::SqlDatabase::Access::kWrite, [&](sql::SqlSession& session) -> Result<void> {
        sql::ParamList params(*database_);
        const std::string upsert = fmt::format(
            "INSERT INTO sim_side_effects (job_type, block, commits, submissions) VALUES ({}, {}, "
            "1, 1) ON CONFLICT (job_type, block) DO UPDATE SET submissions = "
            "sim_side_effects.submissions + 1",
            params.Add(std::string(job::ToString(type))),
            params.Add(static_cast<std::int64_t>(block)));
        ORCH_RETURN_IF_ERROR(session.Execute(upsert, params.values()));
        return Ok();
      });
}

Result<std::map<std::pair<std::string, std::uint64_t>, SimulatedServices::Record>>
SimulatedServices::Records() {
  if (database_ == nullptr) {
    return Error::FailedPrecondition("simulated services without a database keep no records");
  }
  std::map<std::pair<std::string, std::uint64_t>, Record> records;
  ORCH_RETURN_IF_ERROR(database_->InTransaction(
      sql::SqlDatabase::Access::kRead, [&](sql::SqlSession& session) -> Result<void> {
        ORCH_ASSIGN_OR_RETURN(
            auto rows,
            session.Query("SELECT job_type, block, commits, submissions FROM sim_side_effects",
                          {}));
        for (const sql::SqlRow& row : rows) {
          ORCH_ASSIGN_OR_RETURN(std::string type, sql::ColumnText(row, 0, "job_type"));
          ORCH_ASSIGN_OR_RETURN(std::int64_t block, sql::ColumnInt64(row, 1, "block"));
          Record record;
          ORCH_ASSIGN_OR_RETURN(record.commits, sql::ColumnInt64(row, 2, "commits"));
          ORCH_ASSIGN_OR_RETURN(record.submissions, sql::ColumnInt64(row, 3, "submissions"));
          records[{type, static_cast<std::uint64_t>(block)}] = record;
        }
        return Ok();
      }));
  return records;
}

void RegisterSimulatedHandlers(engine::HandlerRegistry& registry, SimulatedServices& services,
                               engine::Layer layer, SimulatedLimits limits,
                               objects::ObjectStore* artifacts) {
  for (job::JobType type : engine::PipelineJobTypes(layer)) {
    registry.Register(std::make_unique<SimulatedHandler>(type, services, limits, artifacts));
  }
}

std::string SimulatedArtifactKey(std::uint64_t block) {
  return fmt::format("{}/cairo_pie.zip", block);
}

std::string SimulatedArtifact(std::uint64_t block) {
  std::string bytes = fmt::format("simulated cairo pie of block {}\n", block);
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((block >> shift) & 0xff));
  }
  return bytes;
}

Result<std::uint64_t> AdvancingChainHead::LatestBlock() {
  std::lock_guard lock(mutex_);
  return latest_;
}

Result<std::uint64_t> AdvancingChainHead::WaitForBlockAbove(std::uint64_t known,
                                                            std::chrono::milliseconds max_wait,
                                                            const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  advanced_.wait_for(lock, stop, max_wait, [&] { return latest_ > known; });
  return latest_;
}

void AdvancingChainHead::Advance(std::uint64_t latest) {
  {
    std::lock_guard lock(mutex_);
    latest_ = latest;
  }
  advanced_.notify_all();
}

}  // namespace orch::testing
