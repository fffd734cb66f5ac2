#include "orch/handlers/proving_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_prover_client.h"

#include "orch/objects/fs/fs_object_store.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::handlers {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kFact =
    "0x00aa000000000000000000000000000000000000000000000000000000000bb";

class ProvingHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<testing::TestDatabase>> database = testing::OpenSqliteTestDatabase();
    ASSERT_TRUE(database.ok()) << database.error().ToString();
    database_ = std::move(database).value();
    jobs_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    Result<std::unique_ptr<objects::FsObjectStore>> store =
        objects::FsObjectStore::Open(dir_.path() + "/artifacts");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
  }

  // A completed SnosRun of `block` whose PIE is stored.
  void AddSnosRun(std::uint64_t block, bool with_fact = true) {
    job::JobMetadata metadata;
    metadata.specific = job::SnosMetadata{
        .snos_batch_index = block,
        .start_block = block,
        .end_block = block,
        .num_blocks = 1,
        .cairo_pie_path = std::to_string(block) + "/cairo_pie.zip",
        .snos_fact = with_fact ? std::optional<std::string>(kFact) : std::nullopt,
        .snos_n_steps = 1234,
    };
    job::Job snos = job::NewJob(job::JobType::kSnosRun, block, metadata, clock_.Now());
    snos.status = job::JobStatus::kCompleted;
    ASSERT_TRUE(jobs_->InsertIfAbsent(snos).ok());
    ASSERT_TRUE(
        store_->Put(std::to_string(block) + "/cairo_pie.zip", "PIE-" + std::to_string(block)).ok());
  }

  job::Job NewJob(engine::JobHandler& handler, std::uint64_t block) {
    job::JobMetadata metadata;
    Result<job::SpecificMetadata> specific = handler.CreateMetadata(block);
    EXPECT_TRUE(specific.ok()) << specific.error().ToString();
    metadata.specific = *specific;
    return job::NewJob(handler.type(), block, metadata, clock_.Now());
  }

  testing::FakeClock clock_;
  testing::TempDir dir_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<store::SqlJobStore> jobs_;
  std::unique_ptr<objects::FsObjectStore> store_;
  testing::FakeProverClient prover_;
};

TEST_F(ProvingHandlersTest, MetadataComesFromTheSnosRunOfTheBlock) {
  AddSnosRun(5);
  ProofCreationHandler handler(prover_, *jobs_, *store_, {.download_proof = true});
  const auto metadata = std::get<job::ProvingMetadata>(handler.CreateMetadata(5).value());
  EXPECT_EQ(metadata.block_number, 5u);
  ASSERT_TRUE(metadata.input_path.has_value());
  EXPECT_EQ(metadata.input_path->kind, job::ProvingInputPath::Kind::kCairoPie);
  EXPECT_EQ(metadata.input_path->key, "5/cairo_pie.zip");
  EXPECT_EQ(metadata.ensure_on_chain_registration, kFact);
  EXPECT_EQ(metadata.n_steps, 1234u);
  EXPECT_EQ(metadata.download_proof, "5/proof.json");
}

TEST_F(ProvingHandlersTest, MetadataNeedsASnosRunWithAFact) {
  ProofCreationHandler handler(prover_, *jobs_, *store_, {});
  Result<job::SpecificMetadata> missing = handler.CreateMetadata(9);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), HasSubstr("block 9 has no SnosRun job"));
  AddSnosRun(9, /*with_fact=*/false);
  Result<job::SpecificMetadata> no_fact = handler.CreateMetadata(9);
  ASSERT_FALSE(no_fact.ok());
  EXPECT_EQ(no_fact.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(ProvingHandlersTest, ProcessSubmitsThePieOnceDedupedByTheConfiguredKey) {
  AddSnosRun(5);
  ProofCreationHandler by_fact(prover_, *jobs_, *store_, {.dedup_key = ProverDedupKey::kSnosFact});
  job::Job job = NewJob(by_fact, 5);
  Result<job::ExternalId> first = by_fact.Process(job);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Result<job::ExternalId> again = by_fact.Process(job);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*first, *again);
  ASSERT_EQ(prover_.submissions().size(), 1u);
  EXPECT_EQ(prover_.submissions()[0].dedup_id, kFact);
  EXPECT_EQ(prover_.submissions()[0].payload, "PIE-5");
  EXPECT_EQ(prover_.submissions()[0].n_steps, 1234u);

  AddSnosRun(6);
  ProofCreationHandler by_job(prover_, *jobs_, *store_, {.dedup_key = ProverDedupKey::kJobId});
  job::Job other = NewJob(by_job, 6);
  ASSERT_TRUE(by_job.Process(other).ok());
  EXPECT_EQ(prover_.submissions().back().dedup_id, other.id);
}

TEST_F(ProvingHandlersTest, VerifyFollowsTheProverAndAsksAboutTheFact) {
  AddSnosRun(5);
  ProofCreationHandler handler(prover_, *jobs_, *store_, {.download_proof = true});
  job::Job job = NewJob(handler, 5);
  job.external_id = handler.Process(job).value();
  const std::string task = job::ExternalIdToString(job.external_id);

  EXPECT_EQ(handler.Verify(job)->outcome, engine::Verification::Outcome::kPending);
  EXPECT_EQ(prover_.facts_asked().back(), kFact);

  prover_.SetState(task, prover::TaskStatus::Failed("out of memory"));
  Result<engine::Verification> rejected = handler.Verify(job);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->outcome, engine::Verification::Outcome::kRejected);
  EXPECT_EQ(rejected->reason, "Prover job #5 failed with error: out of memory");

  prover_.SetState(task, prover::TaskStatus::Succeeded());
  Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kVerified);
  EXPECT_EQ(store_->Get("5/proof.json").value(), "{\"proof_of\": \"" + task + "\"}");
}

TEST_F(ProvingHandlersTest, ProverErrorsInVerifyKeepTheirClass) {
  AddSnosRun(5);
  ProofCreationHandler handler(prover_, *jobs_, *store_, {});
  job::Job job = NewJob(handler, 5);
  job.external_id = handler.Process(job).value();
  prover_.FailStatus(Error::Unavailable("HTTP 503 from the prover"));
  Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_FALSE(verified.ok());
  EXPECT_TRUE(verified.error().transient());
}

TEST_F(ProvingHandlersTest, RegistrationVerifiesTheStoredProofOnL2AndKeepsTheBridgeProof) {
  AddSnosRun(5);
  ProofCreationHandler creation(prover_, *jobs_, *store_, {.download_proof = true});
  job::Job proving = NewJob(creation, 5);
  proving.status = job::JobStatus::kCompleted;
  ASSERT_TRUE(jobs_->InsertIfAbsent(proving).ok());
  ASSERT_TRUE(store_->Put("5/proof.json", R"({"proof": 1})").ok());

  ProofRegistrationHandler registration(prover_, *jobs_, *store_);
  job::Job job = NewJob(registration, 5);
  const auto& metadata = std::get<job::ProvingMetadata>(job.metadata.specific);
  ASSERT_TRUE(metadata.input_path.has_value());
  EXPECT_EQ(metadata.input_path->kind, job::ProvingInputPath::Kind::kProof);
  EXPECT_EQ(metadata.input_path->key, "5/proof.json");
  EXPECT_EQ(metadata.download_proof, "5/proof_part2.json");

  job.external_id = registration.Process(job).value();
  ASSERT_EQ(prover_.submissions().size(), 1u);
  EXPECT_TRUE(prover_.submissions()[0].l2_verification);
  EXPECT_EQ(prover_.submissions()[0].payload, R"({"proof": 1})");
  EXPECT_EQ(prover_.submissions()[0].dedup_id, job.id);

  prover_.SetState(job::ExternalIdToString(job.external_id), prover::TaskStatus::Succeeded());
  EXPECT_EQ(registration.Verify(job)->outcome, engine::Verification::Outcome::kVerified);
  EXPECT_TRUE(store_->Exists("5/proof_part2.json").value());
}

TEST_F(ProvingHandlersTest, RegistrationRefusesAProofThatIsNotJson) {
  AddSnosRun(5);
  ProofCreationHandler creation(prover_, *jobs_, *store_, {.download_proof = true});
  job::Job proving = NewJob(creation, 5);
  ASSERT_TRUE(jobs_->InsertIfAbsent(proving).ok());
  ASSERT_TRUE(store_->Put("5/proof.json", "<html>oops").ok());
  ProofRegistrationHandler registration(prover_, *jobs_, *store_);
  job::Job job = NewJob(registration, 5);
  Result<job::ExternalId> external = registration.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_EQ(external.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(external.error().message(), HasSubstr("5/proof.json is not a proof"));
  EXPECT_TRUE(prover_.submissions().empty());
}

}  // namespace
}  // namespace orch::handlers
