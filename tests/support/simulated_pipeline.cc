#include "tests/support/simulated_pipeline.h"

#include "tests/support/block_metadata.h"

namespace orch::testing {
namespace {

class SimulatedHandler final : public engine::JobHandler {
 public:
  SimulatedHandler(job::JobType type, SimulatedServices& services, SimulatedLimits limits)
      : type_(type), services_(services), limits_(limits) {}

  job::JobType type() const override { return type_; }

  engine::HandlerLimits limits() const override {
    return {.max_process_attempts = 3,
            .max_verification_attempts = 10,
            .verification_polling_delay = limits_.polling_delay,
            .retry_base = std::chrono::milliseconds(100),
            .retry_cap = std::chrono::seconds(1),
            .retry_max_attempts = 20,
            .lease_duration = limits_.lease_duration};
  }

  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t block) override {
    return BlockMetadata(type_, block);
  }

  Result<job::ExternalId> Process(job::Job& job) override {
    ORCH_RETURN_IF_ERROR(services_.Submit(type_, job.internal_id));
    return job::ExternalId(static_cast<std::int64_t>(job.internal_id));
  }

  Result<engine::Verification> Verify(job::Job& /*job*/) override {
    return engine::Verification::Verified();
  }

 private:
  const job::JobType type_;
  SimulatedServices& services_;
  const SimulatedLimits limits_;
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
                               engine::Layer layer, SimulatedLimits limits) {
  for (job::JobType type : engine::PipelineJobTypes(layer)) {
    registry.Register(std::make_unique<SimulatedHandler>(type, services, limits));
  }
}

}  // namespace orch::testing
