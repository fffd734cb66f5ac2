#include "orch/job/job_metadata.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "orch/job/job.h"

namespace orch::job {
namespace {

using nlohmann::json;

// The worked example of spec/upstream-behaviour.md §16: a fresh ProofCreation job's metadata
// exactly as the reference implementation stores it.
TEST(JobMetadataTest, ProvingMetadataHasTheReferenceShape) {
  JobMetadata metadata;
  metadata.common.orchestrator_version = "0.1.0";
  ProvingMetadata proving;
  proving.block_number = 1200;
  proving.input_path = ProvingInputPath{ProvingInputPath::Kind::kCairoPie, "42/cairo_pie.zip"};
  proving.n_steps = 31000000;
  proving.bucket_id = "b-1";
  proving.bucket_job_index = 3;
  metadata.specific = proving;

  const json expected = json::parse(R"({
    "common": {"process_attempt_no": 0, "process_retry_attempt_no": 0,
               "verification_attempt_no": 0, "verification_retry_attempt_no": 0,
               "process_started_at": null, "process_completed_at": null,
               "verification_started_at": null, "verification_completed_at": null,
               "failure_reason": null, "previous_failure_reasons": [],
               "orchestrator_version": "0.1.0"},
    "specific": {"type": "Proving", "block_number": 1200,
                 "input_path": {"CairoPie": "42/cairo_pie.zip"},
                 "ensure_on_chain_registration": null, "download_proof": null,
                 "n_steps": 31000000, "bucket_id": "b-1", "bucket_job_index": 3}})");
  EXPECT_EQ(ToJson(metadata), expected);
  EXPECT_EQ(*ParseJobMetadata(expected), metadata);
}

TEST(JobMetadataTest, AbsentBucketFieldsAreOmittedNotNull) {
  JobMetadata metadata;
  metadata.specific = ProvingMetadata{};
  const json out = ToJson(metadata);
  EXPECT_FALSE(out["specific"].contains("bucket_id"));
  EXPECT_FALSE(out["specific"].contains("bucket_job_index"));
  EXPECT_TRUE(out["specific"]["input_path"].is_null());

  metadata.specific = AggregatorMetadata{};
  EXPECT_FALSE(ToJson(metadata)["specific"].contains("bucket_id"));
}

// The StateTransition example of §16 (L2, batch 7) reads and writes back unchanged.
TEST(JobMetadataTest, StateUpdateMetadataRoundTrips) {
  const json stored = json::parse(R"({
    "common": {"process_attempt_no": 1, "process_retry_attempt_no": 0,
               "verification_attempt_no": 2, "verification_retry_attempt_no": 0,
               "process_started_at": 1700000000, "process_completed_at": 1700000010,
               "verification_started_at": 1700000070, "verification_completed_at": null,
               "failure_reason": "second", "previous_failure_reasons": ["first"],
               "orchestrator_version": "0.1.0"},
    "specific": {"type": "StateUpdate", "snos_output_path": "artifacts/batch/7/snos_output.json",
                 "program_output_path": "artifacts/batch/7/program_output.txt",
                 "blob_data_path": "blob/batch/7", "da_segment_path": "artifacts/batch/7/da_blob.json",
                 "tx_hash": "0xabc", "tx_nonce": 115,
                 "tx_attempts": [{"attempt_no": 1, "tx_hash": "0xabc", "nonce": 115,
                                  "gas_multiplier": "1.10", "status": "Finalized", "error": null}],
                 "context": {"type": "Batch", "to_settle": 7, "last_failed": null},
                 "storage_artifacts_tagged_at": null}})");
  const Result<JobMetadata> parsed = ParseJobMetadata(stored);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const auto& update = std::get<StateUpdateMetadata>(parsed->specific);
  EXPECT_EQ(update.context.kind, SettlementContext::Kind::kBatch);
  EXPECT_EQ(update.tx_attempts.at(0).gas_multiplier, "1.10");
  EXPECT_EQ(parsed->common.previous_failure_reasons, std::vector<std::string>{"first"});
  EXPECT_EQ(ToJson(*parsed), stored);
}

TEST(JobMetadataTest, EverySpecificTypeRoundTrips) {
  SnosMetadata snos;
  snos.snos_batch_index = 3;
  snos.start_block = 10;
  snos.end_block = 12;
  snos.num_blocks = 3;
  snos.full_output = true;
  snos.snos_fact = "0x1234";
  snos.snos_n_steps = 99;
  DaMetadata da{.block_number = 5,
                .blob_data_path = "5/blob_data.txt",
                .tx_hash = "NA",
                .blob_count = 2,
                .starknet_version = "0.13.2"};
  AggregatorMetadata aggregator;
  aggregator.batch_num = 2;
  aggregator.bucket_id = "bucket";
  ProvingMetadata proof_registration;
  proof_registration.input_path = ProvingInputPath{ProvingInputPath::Kind::kProof, "1/proof.json"};
  StateUpdateMetadata state_update;
  state_update.tx_nonce = 7;
  state_update.tx_attempts.push_back({.attempt_no = 1,
                                      .tx_hash = "0xab",
                                      .nonce = 7,
                                      .gas_multiplier = "1.00",
                                      .status = "Submitted",
                                      .error = std::nullopt,
                                      .max_fee_per_gas = "2201000000",
                                      .max_priority_fee_per_gas = "1000000",
                                      .max_fee_per_blob_gas = "2",
                                      .submitted_at_ms = 1'750'000'000'000});
  for (const SpecificMetadata& specific :
       std::vector<SpecificMetadata>{snos, da, aggregator, proof_registration, state_update}) {
    JobMetadata metadata;
    metadata.specific = specific;
    metadata.common.RecordFailure("one");
    metadata.common.RecordFailure("two");
    const Result<JobMetadata> parsed = ParseJobMetadata(ToJson(metadata));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(*parsed, metadata);
  }
}

TEST(JobMetadataTest, RecordFailureKeepsTheHistoryOldestFirst) {
  CommonMetadata common;
  common.RecordFailure("a");
  common.RecordFailure("b");
  common.RecordFailure("c");
  EXPECT_EQ(common.failure_reason, "c");
  EXPECT_EQ(common.previous_failure_reasons, (std::vector<std::string>{"a", "b"}));
}

struct BadMetadataCase {
  std::string json_text;
  std::string must_mention;
};

TEST(JobMetadataTest, CorruptMetadataNamesTheField) {
  const std::vector<BadMetadataCase> cases = {
      {R"([])", "common"},
      {R"({"common": {}, "specific": {"type": "Nope"}})", "unknown type"},
      {R"({"common": {}, "specific": {"type": "Snos"}})", "metadata.specific.snos_batch_index"},
      {R"({"common": {"process_attempt_no": -1}, "specific": {"type": "Da", "block_number": 1}})",
       "metadata.common.process_attempt_no"},
      {R"({"common": {}, "specific": {"type": "Da", "block_number": "1"}})",
       "metadata.specific.block_number"},
      {R"({"common": {}, "specific": {"type": "Proving", "block_number": 1,
          "input_path": {"Zip": "x"}}})",
       "metadata.specific.input_path"},
      {R"({"common": {}, "specific": {"type": "StateUpdate"}})", "metadata.specific.context"},
      {R"({"common": {}, "specific": {"type": "StateUpdate",
          "context": {"type": "Epoch", "to_settle": 1}}})",
       "Epoch"},
      {R"({"common": {}, "specific": {"type": "StateUpdate", "tx_attempts": [{}],
          "context": {"type": "Block", "to_settle": 1}}})",
       "tx_attempts[0].attempt_no"},
  };
  for (const BadMetadataCase& test : cases) {
    const Result<JobMetadata> parsed = ParseJobMetadata(json::parse(test.json_text));
    ASSERT_FALSE(parsed.ok()) << test.json_text;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kDataLoss);
    EXPECT_NE(parsed.error().message().find(test.must_mention), std::string::npos)
        << parsed.error().message();
  }
}

TEST(JobTest, ExternalIdIsAStringOrAnInteger) {
  EXPECT_EQ(ExternalIdToJson(ExternalId(std::string("task"))), json("task"));
  EXPECT_EQ(ExternalIdToJson(ExternalId(std::int64_t{7})), json(7));
  EXPECT_EQ(*ParseExternalId(json(7)), ExternalId(std::int64_t{7}));
  EXPECT_EQ(*ParseExternalId(json("")), ExternalId(std::string()));
  EXPECT_FALSE(ParseExternalId(json(1.5)).ok());
  EXPECT_FALSE(ParseExternalId(json::array()).ok());
  EXPECT_EQ(ExternalIdToString(ExternalId(std::int64_t{42})), "42");
}

TEST(JobTest, NewJobStartsCreatedAtVersionZeroWithAFreshUuid) {
  const TimePoint now = FromUnixMillis(1'700'000'000'123);
  const Job a = NewJob(JobType::kSnosRun, 1, {}, now);
  const Job b = NewJob(JobType::kSnosRun, 1, {}, now);
  EXPECT_EQ(a.status, JobStatus::kCreated);
  EXPECT_EQ(a.version, 0);
  EXPECT_EQ(a.external_id, ExternalId(std::string()));
  EXPECT_NE(a.id, b.id);
  const json shown = ToJson(a);
  EXPECT_EQ(shown["job_type"], "SnosRun");
  EXPECT_EQ(shown["status"], "Created");
  EXPECT_EQ(shown["created_at"], 1'700'000'000);
}

}  // namespace
}  // namespace orch::job
