#include "orch/handlers/data_submission_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/fakes/fake_madara_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

#include "orch/kzg/blob.h"
#include "orch/objects/fs/fs_object_store.h"
#include "orch/starknet/state_update_json.h"
#include "orch/starknet/stateful_compression.h"

namespace orch::handlers {
namespace {

using crypto::Felt;
using ::testing::HasSubstr;

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

starknet::StarknetVersion Version(std::string_view text) {
  return starknet::StarknetVersion::Parse(text).value();
}

class DataSubmissionHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<objects::FsObjectStore>> store =
        objects::FsObjectStore::Open(dir_.path() + "/artifacts");
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
  }

  // A DataSubmission job for `block` with the handler's metadata.
  job::Job NewDaJob(DataSubmissionHandler& handler, std::uint64_t block) {
    job::JobMetadata metadata;
    metadata.specific = handler.CreateMetadata(block).value();
    return job::NewJob(job::JobType::kDataSubmission, block, metadata, {});
  }

  // Mainnet block 631861 (Starknet 0.13.2) and the nonces its node answered.
  void ServeMainnetBlock() {
    const Result<std::string> update = test_support::ReadTestdata("da/state_update/631861.json");
    ASSERT_TRUE(update.ok()) << update.error().ToString();
    const Result<std::string> nonces = test_support::ReadTestdata("da/nonces/631861.json");
    ASSERT_TRUE(nonces.ok()) << nonces.error().ToString();
    const nlohmann::json table = nlohmann::json::parse(*nonces);
    for (const nlohmann::json& entry : table) {
      madara_.SetNonce(Felt::FromDecimal(entry["address"].get<std::string>()).value(),
                       Felt::FromHex(entry["nonce"].get<std::string>()).value());
    }
    madara_.SetStateUpdate(631861,
                           {starknet::ParseStateUpdateJson(*update).value(), Version("0.13.2")});
  }

  test_support::TempDir dir_;
  std::unique_ptr<objects::FsObjectStore> store_;
  testing::FakeMadaraClient madara_;
};

TEST_F(DataSubmissionHandlerTest, StoresTheBlobPublishedOnL1AtTheReferenceKey) {
  ASSERT_NO_FATAL_FAILURE(ServeMainnetBlock());
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 631861);
  const Result<job::ExternalId> processed = handler.Process(job);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();

  EXPECT_EQ(DataSubmissionHandler::BlobDataKey(631861), "631861/blob_data.txt");
  const Result<std::string> stored = store_->Get("631861/blob_data.txt");
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  const Result<std::string> published = test_support::ReadTestdata("da/blob/631861.hex");
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  const kzg::Blob expected = kzg::Blob::FromHex(*published).value();
  ASSERT_EQ(stored->size(), kzg::kBytesPerBlob);
  EXPECT_TRUE(std::equal(stored->begin(), stored->end(),
                         reinterpret_cast<const char*>(expected.bytes.data())));

  const auto& metadata = std::get<job::DaMetadata>(job.metadata.specific);
  EXPECT_EQ(metadata.blob_count, 1u);
  EXPECT_EQ(metadata.starknet_version, "0.13.2");
  const Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kVerified) << verified->reason;
}

TEST_F(DataSubmissionHandlerTest, CompressesFromStarknet0_13_3AndVerifiesTheCompressedBlob) {
  starknet::StateUpdate update;
  update.state_diff.storage_diffs = {{F(0x123), {{F(0x5), F(0x7)}}}};
  update.state_diff.nonces = {{F(0x123), F(1)}};
  madara_.SetStateUpdate(9, {update, Version("0.14.0")});
  madara_.SetStorage(starknet::kAliasContractAddress, F(0x123), F(0x80));
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 9);
  ASSERT_TRUE(handler.Process(job).ok());
  const Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kVerified) << verified->reason;
}

TEST_F(DataSubmissionHandlerTest, ABlockNotReadyIsATransientError) {
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 5);
  const Result<job::ExternalId> processed = handler.Process(job);
  ASSERT_FALSE(processed.ok());
  EXPECT_TRUE(processed.error().transient()) << processed.error().ToString();
}

TEST_F(DataSubmissionHandlerTest, TooManyBlobsForOneTransactionIsPermanent) {
  // 14,400 writes of 2 felts, plus n_contracts, address, DA word and n_classes: 28,804 felts,
  // 8 blobs; a transaction carries 6.
  starknet::StateUpdate update;
  starknet::ContractStorageDiff contract{F(0x123), {}};
  for (std::uint64_t key = 1; key <= 14400; ++key) {
    contract.storage_entries.push_back({F(key), F(key)});
  }
  update.state_diff.storage_diffs = {contract};
  madara_.SetStateUpdate(7, {update, Version("0.13.2")});
  madara_.SetNonce(F(0x123), F(1));
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 7);
  const Result<job::ExternalId> processed = handler.Process(job);
  ASSERT_FALSE(processed.ok());
  EXPECT_FALSE(processed.error().transient());
  EXPECT_THAT(processed.error().message(),
              HasSubstr("block 7 needs 8 blobs (28804 felts), more than the 6 one transaction "
                        "carries"));
  EXPECT_FALSE(store_->Exists("7/blob_data.txt").value());
}

TEST_F(DataSubmissionHandlerTest, AMissingNonceIsAnError) {
  starknet::StateUpdate update;
  update.state_diff.storage_diffs = {{F(0x123), {{F(0x5), F(0x7)}}}};
  madara_.SetStateUpdate(3, {update, Version("0.13.2")});
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 3);
  const Result<job::ExternalId> processed = handler.Process(job);
  ASSERT_FALSE(processed.ok());
  EXPECT_THAT(processed.error().message(), HasSubstr("block 3 (Starknet 0.13.2)"));
  EXPECT_THAT(processed.error().message(), HasSubstr("0x123"));
}

TEST_F(DataSubmissionHandlerTest, VerifyRejectsMissingTruncatedOrUndecodableBlobs) {
  ASSERT_NO_FATAL_FAILURE(ServeMainnetBlock());
  DataSubmissionHandler handler(madara_, *store_);
  job::Job job = NewDaJob(handler, 631861);
  ASSERT_TRUE(handler.Process(job).ok());

  ASSERT_TRUE(store_->Put("631861/blob_data.txt", "short").ok());
  Result<engine::Verification> verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kRejected);
  EXPECT_THAT(verified->reason, HasSubstr("holds 5 bytes, not the 131072 of 1 blobs"));

  // A blob of zeros is the encoding of nothing: its first felt says 0 contracts, then 0
  // classes, which decodes; a blob of one non-canonical word does not.
  std::string bad(kzg::kBytesPerBlob, '\0');
  std::fill(bad.begin(), bad.begin() + 32, '\xff');
  ASSERT_TRUE(store_->Put("631861/blob_data.txt", bad).ok());
  verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kRejected);
  EXPECT_THAT(verified->reason, HasSubstr("blob 0 of 631861/blob_data.txt"));

  ASSERT_TRUE(store_->Delete("631861/blob_data.txt").ok());
  verified = handler.Verify(job);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->outcome, engine::Verification::Outcome::kRejected);
  EXPECT_THAT(verified->reason, HasSubstr("missing from the object store"));
}

}  // namespace
}  // namespace orch::handlers
