#include "orch/handlers/snos_run_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tests/fakes/fake_madara_client.h"
#include "tests/fakes/fake_snos_runner.h"
#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact.h"
#include "orch/objects/fs/fs_object_store.h"
#include "orch/starknet/program_output_file.h"

namespace orch::handlers {
namespace {

using crypto::Felt;
using ::testing::HasSubstr;

// Sepolia block 924016: a real SNOS PIE, run with full_output = 1 and use_kzg_da = 0.
constexpr std::uint64_t kBlock = 924016;

class SnosRunHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<objects::FsObjectStore>> store =
        objects::FsObjectStore::Open(dir_.path() + "/artifacts");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
    Result<std::string> pie = test_support::ReadTestdata("pie/sepolia_924016.zip");
    ASSERT_TRUE(pie.ok()) << pie.error().ToString();
    pie_zip_ = *pie;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(pie_zip_.data());
    Result<cairo::CairoPie> parsed = cairo::CairoPie::ReadBytes(std::span(bytes, pie_zip_.size()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    output_ = parsed->ProgramOutput().value();
    n_steps_ = parsed->execution_resources().n_steps;
    runner_.SetResult({.cairo_pie_zip = pie_zip_, .os_output = output_});
    madara_.SetChainId(Felt::FromShortString("SN_SEPOLIA").value());
  }

  SnosRunOptions Options() {
    SnosRunOptions options;
    options.rpc_url = "http://user:secret@node.example/rpc";
    options.full_output = true;
    options.use_kzg_da = false;
    options.chain.chain_id = "SN_SEPOLIA";
    return options;
  }

  job::Job NewSnosJob(SnosRunHandler& handler, std::uint64_t block) {
    job::JobMetadata metadata;
    metadata.specific = handler.CreateMetadata(block).value();
    return job::NewJob(job::JobType::kSnosRun, block, metadata, {});
  }

  test_support::TempDir dir_;
  std::unique_ptr<objects::FsObjectStore> store_;
  testing::FakeSnosRunner runner_;
  testing::FakeMadaraClient madara_;
  std::string pie_zip_;
  std::vector<Felt> output_;
  std::uint64_t n_steps_ = 0;
};

TEST_F(SnosRunHandlerTest, MetadataUsesTheReferenceKeysForOneBlock) {
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  const auto metadata = std::get<job::SnosMetadata>(handler.CreateMetadata(7).value());
  EXPECT_EQ(metadata.start_block, 7u);
  EXPECT_EQ(metadata.end_block, 7u);
  EXPECT_EQ(metadata.num_blocks, 1u);
  EXPECT_EQ(metadata.cairo_pie_path, "7/cairo_pie.zip");
  EXPECT_EQ(metadata.snos_output_path, "7/snos_output.json");
  EXPECT_EQ(metadata.program_output_path, "7/program_output.txt");
  EXPECT_TRUE(metadata.full_output);
}

TEST_F(SnosRunHandlerTest, ProcessStoresThePieTheOutputsAndTheFact) {
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_TRUE(external.ok()) << external.error().ToString();
  EXPECT_EQ(job::ExternalIdToString(*external), "924016");

  EXPECT_EQ(store_->Get("924016/cairo_pie.zip").value(), pie_zip_);
  EXPECT_EQ(starknet::ParseProgramOutput(store_->Get("924016/program_output.txt").value(),
                                         starknet::ProgramOutputFormat::kBincode)
                .value(),
            output_);
  EXPECT_EQ(starknet::ParseProgramOutput(store_->Get("924016/snos_output.json").value(),
                                         starknet::ProgramOutputFormat::kJsonArray)
                .value(),
            output_);
  const auto& metadata = std::get<job::SnosMetadata>(job.metadata.specific);
  // use_kzg_da = 0: the Poseidon "L2 fact" of the output (upstream §3.1).
  EXPECT_EQ(metadata.snos_fact, cairo::ComputeL2Fact(output_).ToPaddedHex());
  EXPECT_EQ(metadata.snos_n_steps, n_steps_);

  const std::vector<snos::SnosRequest> requests = runner_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].start_block, kBlock);
  EXPECT_EQ(requests[0].end_block, kBlock);
  EXPECT_EQ(requests[0].rpc_url, "http://user:secret@node.example/rpc");
  EXPECT_EQ(requests[0].chain.chain_id, "SN_SEPOLIA");
  EXPECT_TRUE(requests[0].full_output);
  EXPECT_FALSE(requests[0].use_kzg_da);

  Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kVerified);
}

TEST_F(SnosRunHandlerTest, VerifyRejectsWhenAnArtifactIsGone) {
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  ASSERT_TRUE(handler.Process(job).ok());
  ASSERT_TRUE(store_->Delete("924016/program_output.txt").ok());
  Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kRejected);
  EXPECT_THAT(verified->reason, HasSubstr("924016/program_output.txt"));
}

TEST_F(SnosRunHandlerTest, AnOutputForAnotherBlockIsAPermanentErrorAndStoresNothing) {
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock + 1);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_EQ(external.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(external.error().transient());
  EXPECT_THAT(external.error().message(), HasSubstr("not 924017"));
  EXPECT_TRUE(store_->List("").value().empty());
}

TEST_F(SnosRunHandlerTest, FlagsOtherThanRequestedArePermanentErrors) {
  SnosRunOptions options = Options();
  options.use_kzg_da = true;
  options.full_output = false;
  SnosRunHandler handler(runner_, madara_, *store_, options);
  job::Job job = NewSnosJob(handler, kBlock);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_FALSE(external.error().transient());
  EXPECT_THAT(external.error().message(), HasSubstr("use_kzg_da = 0"));
}

TEST_F(SnosRunHandlerTest, APieWhoseOutputDiffersFromTheOsOutputIsRefused) {
  std::vector<Felt> tampered = output_;
  tampered[5] = tampered[5] + Felt::One();
  runner_.SetResult({.cairo_pie_zip = pie_zip_, .os_output = tampered});
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_EQ(external.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(external.error().message(), HasSubstr("differ from word 5"));
}

TEST_F(SnosRunHandlerTest, ACorruptPieIsRefusedWithTheReadersReason) {
  std::string corrupt = pie_zip_;
  corrupt.resize(corrupt.size() / 2);
  runner_.SetResult({.cairo_pie_zip = corrupt, .os_output = output_});
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_EQ(external.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(external.error().message(), HasSubstr("Cairo PIE does not read"));
}

TEST_F(SnosRunHandlerTest, RunnerErrorsKeepTheirClassAndNameTheBlock) {
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  runner_.SetError(Error::Unavailable("the sidecar could not reach the node"));
  Result<job::ExternalId> transient = handler.Process(job);
  ASSERT_FALSE(transient.ok());
  EXPECT_TRUE(transient.error().transient());
  EXPECT_THAT(transient.error().message(), HasSubstr("SNOS run for block 924016"));

  runner_.SetError(Error::FailedPrecondition("OS execution failed: assertion"));
  Result<job::ExternalId> permanent = handler.Process(job);
  ASSERT_FALSE(permanent.ok());
  EXPECT_FALSE(permanent.error().transient());
  EXPECT_THAT(permanent.error().message(), HasSubstr("OS execution failed"));
}

TEST_F(SnosRunHandlerTest, AnUnhealthySnosRpcIsTransientAndNothingRuns) {
  madara_.FailChainId(Error::InvalidArgument("HTTP 502 from the node"));
  SnosRunHandler handler(runner_, madara_, *store_, Options());
  job::Job job = NewSnosJob(handler, kBlock);
  Result<job::ExternalId> external = handler.Process(job);
  ASSERT_FALSE(external.ok());
  EXPECT_TRUE(external.error().transient());
  EXPECT_THAT(external.error().message(), HasSubstr("SNOS RPC is not healthy"));
  EXPECT_TRUE(runner_.requests().empty());
}

}  // namespace
}  // namespace orch::handlers
