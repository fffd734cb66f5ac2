// The StateTransition handler against our core contract on a private Anvil: the Sepolia state
// update of ../shared/testdata/settlement/6806848 (its OS output and its real blob) settles;
// a stuck transaction is replaced at the same nonce; a restart between sending and recording
// sends nothing twice; a revert fails the job with its reason; the fee cap holds the job with
// one alert; a node that goes away is a transient error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_madara_client.h"
#include "tests/fakes/recording_alerter.h"
#include "tests/support/anvil_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/contracts/deploy.h"
#include "orch/handlers/data_submission_handler.h"
#include "orch/handlers/state_transition_handler.h"
#include "orch/http/curl_http_client.h"
#include "orch/kzg/blob.h"
#include "orch/objects/fs/fs_object_store.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"
#include "orch/starknet/state_update_json.h"

namespace orch::handlers {
namespace {

using crypto::Felt;
using engine::Verification;
using ::testing::HasSubstr;

constexpr std::uint64_t kBlock = 218402;  // the vector settles blocks 218378 -> 218402
const Felt kAggregatorProgramHash = Felt::FromUint64(0xa99);

template <typename T>
T Unwrap(Result<T> result, std::string_view what) {
  EXPECT_TRUE(result.ok()) << what << ": " << result.error().ToString();
  if (!result.ok()) {
    throw std::runtime_error(std::string(what));
  }
  return std::move(result).value();
}

class StateTransitionAnvilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    anvil_.emplace(Unwrap(test_support::AnvilProcess::Start(), "anvil"));
    ConnectRpc();
    words_ =
        Unwrap(starknet::ParseProgramOutputAnyFormat(Unwrap(
                   test_support::ReadTestdata("settlement/6806848/program_output.txt"), "output")),
               "parse");
    const kzg::Blob blob =
        Unwrap(kzg::Blob::FromHex(
                   Unwrap(test_support::ReadTestdata("settlement/6806848/blob.hex"), "blob")),
               "blob hex");
    blob_.assign(blob.bytes.begin(), blob.bytes.end());
    store_ = Unwrap(objects::FsObjectStore::Open(dir_.path() + "/artifacts"), "store");
    ASSERT_TRUE(
        store_
            ->Put(fmt::format("{}/program_output.txt", kBlock),
                  starknet::EncodeProgramOutput(words_, starknet::ProgramOutputFormat::kBincode))
            .ok());
    ASSERT_TRUE(store_->Put(fmt::format("{}/blob_data.txt", kBlock), blob_).ok());
  }

  void ConnectRpc() {
    rpc_ = std::make_unique<ethereum::HttpEthereumRpc>(
        http_, anvil_->url(),
        ethereum::HttpEthereumRpcOptions{.request_timeout = std::chrono::seconds(30),
                                         .max_attempts = 1});
  }

  // Replaces the node with one whose chain survives a restart (a state file), on a port that
  // stays the same across StartNodeAgain().
  void UseRestartableNode() {
    anvil_->Kill();
    anvil_.emplace(Unwrap(
        test_support::AnvilProcess::Start({.state_file = dir_.File("anvil-state.json")}), "anvil"));
    ConnectRpc();
  }

  // Starts the stopped node again (anvil_->Stop() saved its chain, not its pool).
  void StartNodeAgain() {
    anvil_.emplace(
        Unwrap(test_support::AnvilProcess::Start(
                   {.port = anvil_->port(), .state_file = dir_.File("anvil-state.json")}),
               "restart"));
  }

  // Deploys the verifier and the core contract at the state before the vector (or at
  // `state_root` instead of the vector's) and registers the vector's fact.
  void DeployContracts(std::optional<Felt> state_root = std::nullopt) {
    ASSERT_NO_FATAL_FAILURE(
        DeployContractsFor({.program_hash = words_[6],
                            .aggregator_program_hash = kAggregatorProgramHash,
                            .config_hash = words_[7],
                            .state_root = state_root.value_or(words_[0]),
                            .block_number = 218378,
                            .block_hash = words_[4]},
                           settlement::SharpFact(kAggregatorProgramHash,
                                                 settlement::KzgDaStateTransitionFact(words_))));
  }

  // Deploys the verifier and a core contract with `init` (its verifier filled in) and
  // registers `fact`.
  void DeployContractsFor(contracts::CoreContractInit init, const eth::Hash32& fact) {
    const contracts::Deployment verifier =
        Unwrap(contracts::DeployMockGpsVerifier(*rpc_, key_), "verifier");
    init.verifier = verifier.address;
    core_ = Unwrap(contracts::DeployStarknetCoreContract(*rpc_, key_, init), "core").address;
    Unwrap(contracts::RegisterFact(*rpc_, key_, verifier.address, fact), "fact");
  }

  // A fresh transaction manager and handler, as after a restart.
  void StartHandler(std::optional<crypto::U256> fee_cap = std::nullopt) {
    const kzg::Kzg* kzg = Unwrap(kzg::Kzg::Shared(), "kzg");
    transactions_ = std::make_unique<settlement::EthereumTransactionManager>(
        *rpc_, key_, clock_,
        settlement::TransactionManagerOptions{.chain_id = 31337,
                                              .max_fee_bumps = 3,
                                              .replace_after = std::chrono::seconds(60),
                                              .confirmations = 2,
                                              .max_total_fee_wei = fee_cap});
    handler_ = std::make_unique<StateTransitionHandler>(
        *store_, *rpc_, *transactions_, alerter_, clock_, *kzg,
        StateTransitionOptions{.core_contract = core_,
                               .sidecar_version = eth::SidecarVersion::kEip4844});
  }

  job::Job NewStateTransitionJob() {
    job::JobMetadata metadata;
    metadata.specific = handler_->CreateMetadata(kBlock).value();
    return job::NewJob(job::JobType::kStateTransition, kBlock, metadata, clock_.Now());
  }

  void Mine(int blocks = 1) {
    ASSERT_TRUE(rpc_->Request("anvil_mine", nlohmann::json::array({blocks})).ok());
  }

  // Verifies until the job is Verified (mining a block after each Pending), or fails.
  void VerifyUntilSettled(job::Job& job) {
    for (int poll = 0; poll < 20; ++poll) {
      const Result<Verification> verification = handler_->Verify(job);
      ASSERT_TRUE(verification.ok()) << verification.error().ToString();
      if (verification->outcome == Verification::Outcome::kVerified) {
        return;
      }
      ASSERT_EQ(verification->outcome, Verification::Outcome::kPending) << verification->reason;
      ASSERT_NO_FATAL_FAILURE(Mine());
    }
    FAIL() << "not settled after 20 polls";
  }

  std::uint64_t MinedTransactions() {
    return Unwrap(rpc_->GetTransactionCount(key_.GetAddress(), ethereum::BlockTag::kLatest),
                  "nonce");
  }

  std::int64_t SettledBlock() {
    return Unwrap(settlement::ReadCoreContractState(*rpc_, core_), "state").block_number;
  }

  test_support::TempDir dir_;
  std::optional<test_support::AnvilProcess> anvil_;
  http::CurlHttpClient http_;
  std::unique_ptr<ethereum::HttpEthereumRpc> rpc_;
  eth::PrivateKey key_ =
      eth::PrivateKey::FromHex(test_support::AnvilProcess::kDevPrivateKey).value();
  std::vector<Felt> words_;
  std::string blob_;
  std::unique_ptr<objects::FsObjectStore> store_;
  eth::Address core_;
  testing::FakeClock clock_;
  alert::RecordingAlerter alerter_;
  std::unique_ptr<settlement::EthereumTransactionManager> transactions_;
  std::unique_ptr<StateTransitionHandler> handler_;
};

TEST_F(StateTransitionAnvilTest, SettlesTheBlockWithItsBlobAndOneTransaction) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  const std::uint64_t before = MinedTransactions();
  job::Job job = NewStateTransitionJob();
  const Result<job::ExternalId> processed = handler_->Process(job);
  ASSERT_TRUE(processed.ok()) << processed.error().ToString();
  const auto& record = std::get<job::StateUpdateMetadata>(job.metadata.specific);
  EXPECT_EQ(record.tx_nonce, before);

  ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
  EXPECT_EQ(SettledBlock(), static_cast<std::int64_t>(kBlock));
  EXPECT_EQ(MinedTransactions(), before + 1);
  ASSERT_EQ(record.tx_attempts.size(), 1u);
  EXPECT_EQ(record.tx_attempts[0].status, "Finalized");

  // Anvil serves the blob by its versioned hash, byte for byte.
  const starknet::OsOutput output = Unwrap(starknet::ParseOsOutput(words_), "output");
  const Result<nlohmann::json> blob = rpc_->Request(
      "anvil_getBlobByHash",
      nlohmann::json::array({eth::ToHex(eth::VersionedHash(output.kzg->commitments[0]))}));
  ASSERT_TRUE(blob.ok()) << blob.error().ToString();
  EXPECT_EQ(
      blob->get<std::string>(),
      eth::ToHex(std::span(reinterpret_cast<const std::uint8_t*>(blob_.data()), blob_.size())));

  // The block is settled: a new job for it sends nothing.
  job::Job again = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(again).ok());
  EXPECT_EQ(std::get<job::StateUpdateMetadata>(again.metadata.specific).tx_hash,
            "0x" + std::string(64, '0'));
  const Result<Verification> verified = handler_->Verify(again);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->outcome, Verification::Outcome::kVerified);
  EXPECT_EQ(MinedTransactions(), before + 1);
}

TEST_F(StateTransitionAnvilTest, AStuckTransactionIsReplacedAndExactlyOneLands) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  const std::uint64_t before = MinedTransactions();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  ASSERT_TRUE(rpc_->Request("evm_setAutomine", nlohmann::json::array({false})).ok());
  for (int step = 0; step < 3; ++step) {  // sign, send, wait
    const Result<Verification> verification = handler_->Verify(job);
    ASSERT_TRUE(verification.ok()) << verification.error().ToString();
    ASSERT_EQ(verification->outcome, Verification::Outcome::kPending);
  }
  const auto& record = std::get<job::StateUpdateMetadata>(job.metadata.specific);
  ASSERT_EQ(record.tx_attempts.size(), 1u);
  EXPECT_EQ(record.tx_attempts[0].status, "Submitted");

  clock_.Advance(std::chrono::seconds(61));
  for (int step = 0; step < 2; ++step) {  // sign the replacement, send it
    const Result<Verification> verification = handler_->Verify(job);
    ASSERT_TRUE(verification.ok()) << verification.error().ToString();
  }
  ASSERT_EQ(record.tx_attempts.size(), 2u);
  EXPECT_EQ(record.tx_attempts[1].status, "Submitted") << record.tx_attempts[1].error.value_or("");
  EXPECT_EQ(record.tx_attempts[1].nonce, record.tx_attempts[0].nonce);

  ASSERT_TRUE(rpc_->Request("evm_setAutomine", nlohmann::json::array({true})).ok());
  // Anvil mines the pool in the background when automine comes back; a block mined on request
  // returns only when it is in the chain with its receipts.
  ASSERT_NO_FATAL_FAILURE(Mine());
  ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
  EXPECT_EQ(SettledBlock(), static_cast<std::int64_t>(kBlock));
  EXPECT_EQ(MinedTransactions(), before + 1) << "exactly one transaction for the block";
  EXPECT_EQ(record.tx_attempts[0].status, "Replaced");
  EXPECT_EQ(record.tx_attempts[1].status, "Finalized");
}

TEST_F(StateTransitionAnvilTest, ARestartBetweenSendingAndRecordingSendsNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  const std::uint64_t before = MinedTransactions();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  ASSERT_TRUE(handler_->Verify(job).ok());  // signed and stored
  const job::JobMetadata stored = job.metadata;
  ASSERT_TRUE(handler_->Verify(job).ok());  // sent (and mined), then killed before storing

  job.metadata = stored;
  StartHandler();
  ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
  EXPECT_EQ(SettledBlock(), static_cast<std::int64_t>(kBlock));
  EXPECT_EQ(MinedTransactions(), before + 1);
}

TEST_F(StateTransitionAnvilTest, ARevertFailsTheJobWithTheContractsReason) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts(Felt::FromUint64(0x1234)));  // another previous root
  StartHandler();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  std::optional<Error> failure;
  for (int poll = 0; poll < 10 && !failure; ++poll) {
    const Result<Verification> verification = handler_->Verify(job);
    if (!verification.ok()) {
      failure = verification.error();
    } else {
      ASSERT_EQ(verification->outcome, Verification::Outcome::kPending);
    }
  }
  ASSERT_TRUE(failure.has_value());
  EXPECT_FALSE(failure->transient());
  EXPECT_THAT(failure->message(), HasSubstr("INVALID_PREVIOUS_ROOT"));
  EXPECT_EQ(SettledBlock(), 218378);
}

TEST_F(StateTransitionAnvilTest, TheFeeCapHoldsTheJobWithOneAlertAndSendsNothing) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler(crypto::U256(1));
  const std::uint64_t before = MinedTransactions();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  for (int poll = 0; poll < 3; ++poll) {
    const Result<Verification> verification = handler_->Verify(job);
    ASSERT_TRUE(verification.ok()) << verification.error().ToString();
    EXPECT_EQ(verification->outcome, Verification::Outcome::kPending);
  }
  ASSERT_EQ(alerter_.alerts().size(), 1u);
  EXPECT_THAT(alerter_.alerts()[0].message, HasSubstr("more than the cap of 1 wei"));
  EXPECT_TRUE(std::get<job::StateUpdateMetadata>(job.metadata.specific).tx_attempts.empty());
  EXPECT_EQ(MinedTransactions(), before);
}

TEST_F(StateTransitionAnvilTest, ANodeThatGoesAwayIsATransientError) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  anvil_->Kill();
  const Result<Verification> verification = handler_->Verify(job);
  ASSERT_FALSE(verification.ok());
  EXPECT_TRUE(verification.error().transient()) << verification.error().ToString();
}

TEST_F(StateTransitionAnvilTest, ANodeRestartedMidRunIsRetriedAndNothingIsSentTwice) {
  UseRestartableNode();
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  const std::uint64_t before = MinedTransactions();
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  ASSERT_TRUE(handler_->Verify(job).ok());  // signed
  ASSERT_TRUE(handler_->Verify(job).ok());  // sent (mined, or still in the pool at the stop)

  anvil_->Stop();
  const Result<Verification> while_down = handler_->Verify(job);
  ASSERT_FALSE(while_down.ok());
  EXPECT_TRUE(while_down.error().transient()) << while_down.error().ToString();

  StartNodeAgain();
  ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
  EXPECT_EQ(SettledBlock(), static_cast<std::int64_t>(kBlock));
  EXPECT_EQ(MinedTransactions(), before + 1);
}

TEST_F(StateTransitionAnvilTest, ATransactionLostWithTheNodesPoolIsSentAgainOnce) {
  UseRestartableNode();
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  const std::uint64_t before = MinedTransactions();
  ASSERT_TRUE(rpc_->Request("evm_setAutomine", nlohmann::json::array({false})).ok());
  job::Job job = NewStateTransitionJob();
  ASSERT_TRUE(handler_->Process(job).ok());
  ASSERT_TRUE(handler_->Verify(job).ok());  // signed
  ASSERT_TRUE(handler_->Verify(job).ok());  // sent, waiting in the pool
  ASSERT_EQ(
      Unwrap(rpc_->GetTransactionCount(key_.GetAddress(), ethereum::BlockTag::kPending), "pending"),
      before + 1);

  anvil_->Stop();  // the chain is saved, the pool is not
  StartNodeAgain();
  ASSERT_EQ(MinedTransactions(), before);
  ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
  EXPECT_EQ(SettledBlock(), static_cast<std::int64_t>(kBlock));
  EXPECT_EQ(MinedTransactions(), before + 1);
  const auto& attempts = std::get<job::StateUpdateMetadata>(job.metadata.specific).tx_attempts;
  ASSERT_EQ(attempts.size(), 1u) << "the same transaction, not a replacement";
  EXPECT_EQ(attempts[0].status, "Finalized");
}

TEST_F(StateTransitionAnvilTest, ABlobThatDoesNotMatchTheOutputIsRefusedBeforeSending) {
  ASSERT_NO_FATAL_FAILURE(DeployContracts());
  StartHandler();
  std::string other = blob_;
  other[127] = static_cast<char>(other[127] ^ 1);  // the low byte of word 3: still canonical
  ASSERT_TRUE(store_->Put(fmt::format("{}/blob_data.txt", kBlock), other).ok());
  job::Job job = NewStateTransitionJob();
  const Result<job::ExternalId> processed = handler_->Process(job);
  ASSERT_FALSE(processed.ok());
  EXPECT_FALSE(processed.error().transient());
  EXPECT_THAT(processed.error().message(), HasSubstr("has commitment"));
  EXPECT_THAT(processed.error().message(), HasSubstr("but the output commits to"));
}

// What SettleThroughDataSubmission did.
struct SettlementRun {
  std::vector<kzg::Blob> blobs;
  std::vector<kzg::Commitment> commitments;
  std::vector<Felt> output;
  ethereum::TransactionReceipt receipt;
};

class DataSubmissionToSettlementTest : public StateTransitionAnvilTest {
 protected:
  // The whole L1 path of one block from its state update: DataSubmission encodes it (Starknet
  // 0.13.2, `madara` answering) into blobs; an OS output is derived from those blobs as the OS
  // would write it (each blob's commitment, one z, y = p(z) from c-kzg); contracts are deployed
  // at the state before it; StateTransition settles it.
  void SettleThroughDataSubmission(testing::FakeMadaraClient& madara,
                                   const starknet::StateUpdate& update, std::uint64_t block,
                                   SettlementRun& settled) {
    madara.SetStateUpdate(block, {update, starknet::StarknetVersion::Parse("0.13.2").value()});
    DataSubmissionHandler data_submission(madara, *store_);
    job::JobMetadata da_metadata;
    da_metadata.specific = data_submission.CreateMetadata(block).value();
    job::Job da_job = job::NewJob(job::JobType::kDataSubmission, block, da_metadata, {});
    const Result<job::ExternalId> submitted = data_submission.Process(da_job);
    ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
    const std::string stored =
        Unwrap(store_->Get(fmt::format("{}/blob_data.txt", block)), "stored blobs");
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(stored.data());
    for (std::size_t offset = 0; offset < stored.size(); offset += kzg::kBytesPerBlob) {
      settled.blobs.push_back(
          Unwrap(kzg::Blob::FromBytes(std::span(bytes + offset, kzg::kBytesPerBlob)), "blob"));
    }

    const kzg::Kzg* kzg = Unwrap(kzg::Kzg::Shared(), "kzg");
    const Felt z =
        Felt::FromHex("0x2a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80").value();
    const auto limb = [](std::span<const std::uint8_t> part) {
      return Felt::FromBytesBe(part).value();
    };
    const Felt config_hash = Felt::FromUint64(0xc0f);
    settled.output = {*update.old_root,
                      *update.new_root,
                      Felt::FromUint64(block - 1),
                      Felt::FromUint64(block),
                      Felt::FromUint64(1),
                      *update.block_hash,
                      Felt(),
                      config_hash,
                      Felt::One(),
                      Felt(),
                      z,
                      Felt::FromUint64(settled.blobs.size())};
    std::vector<Felt> evaluations;
    for (const kzg::Blob& blob : settled.blobs) {
      const kzg::Commitment commitment = Unwrap(kzg->BlobToCommitment(blob), "commitment");
      settled.commitments.push_back(commitment);
      const std::span<const std::uint8_t> c(commitment.bytes);
      settled.output.push_back(limb(c.subspan(24)));
      settled.output.push_back(limb(c.first(24)));
      const kzg::EvaluationProof evaluation =
          Unwrap(kzg->ComputeKzgProof(blob, z.ToBytesBe()), "y");
      const std::span<const std::uint8_t> y(evaluation.y);
      evaluations.push_back(limb(y.subspan(16)));
      evaluations.push_back(limb(y.first(16)));
    }
    settled.output.insert(settled.output.end(), evaluations.begin(), evaluations.end());
    settled.output.push_back(Felt());  // no messages to L1
    settled.output.push_back(Felt());  // nor to L2
    ASSERT_TRUE(store_
                    ->Put(fmt::format("{}/program_output.txt", block),
                          starknet::EncodeProgramOutput(settled.output,
                                                        starknet::ProgramOutputFormat::kBincode))
                    .ok());
    const Felt program_hash = Felt::FromUint64(0x05);
    ASSERT_NO_FATAL_FAILURE(DeployContractsFor(
        {.program_hash = program_hash,
         .aggregator_program_hash = kAggregatorProgramHash,
         .config_hash = config_hash,
         .state_root = *update.old_root,
         .block_number = static_cast<std::int64_t>(block - 1),
         .block_hash = Felt::FromUint64(1)},
        settlement::SharpFact(program_hash, settlement::KzgDaStateTransitionFact(settled.output))));

    StartHandler();
    job::JobMetadata metadata;
    metadata.specific = handler_->CreateMetadata(block).value();
    job::Job job = job::NewJob(job::JobType::kStateTransition, block, metadata, clock_.Now());
    const Result<job::ExternalId> processed = handler_->Process(job);
    ASSERT_TRUE(processed.ok()) << processed.error().ToString();
    ASSERT_NO_FATAL_FAILURE(VerifyUntilSettled(job));
    const auto& record = std::get<job::StateUpdateMetadata>(job.metadata.specific);
    const std::optional<ethereum::TransactionReceipt> receipt = Unwrap(
        rpc_->GetTransactionReceipt(eth::FromHexFixed<32>(*record.tx_hash).value()), "receipt");
    ASSERT_TRUE(receipt.has_value());
    settled.receipt = *receipt;

    const settlement::CoreContractState state =
        Unwrap(settlement::ReadCoreContractState(*rpc_, core_), "state");
    EXPECT_EQ(state.block_number, static_cast<std::int64_t>(block));
    EXPECT_EQ(state.state_root, update.new_root->ToU256());
  }
};

// Mainnet block 631861: its published blob, through both handlers, onto our contract; Anvil
// serves the blob DataSubmission stored.
TEST_F(DataSubmissionToSettlementTest, AMainnetStateUpdateSettles) {
  const starknet::StateUpdate update =
      Unwrap(starknet::ParseStateUpdateJson(
                 Unwrap(test_support::ReadTestdata("da/state_update/631861.json"), "state update")),
             "parse");
  const nlohmann::json nonces =
      nlohmann::json::parse(Unwrap(test_support::ReadTestdata("da/nonces/631861.json"), "nonces"));
  testing::FakeMadaraClient madara;
  for (const nlohmann::json& entry : nonces) {
    madara.SetNonce(Felt::FromDecimal(entry["address"].get<std::string>()).value(),
                    Felt::FromHex(entry["nonce"].get<std::string>()).value());
  }
  SettlementRun settled;
  ASSERT_NO_FATAL_FAILURE(SettleThroughDataSubmission(madara, update, 631861, settled));
  ASSERT_EQ(settled.blobs.size(), 1u);
  const Result<nlohmann::json> served = rpc_->Request(
      "anvil_getBlobByHash",
      nlohmann::json::array({eth::ToHex(eth::VersionedHash(settled.commitments[0].bytes))}));
  ASSERT_TRUE(served.ok()) << served.error().ToString();
  EXPECT_EQ(served->get<std::string>(), eth::ToHex(std::span(settled.blobs[0].bytes)));
}

// The largest update one transaction carries: six full blobs settle within the gas limit the
// handler sets (1.5M, as the reference); the gas used is recorded as a test property.
TEST_F(DataSubmissionToSettlementTest, SixFullBlobsSettleWithinTheGasLimit) {
  starknet::StateUpdate update{.block_hash = Felt::FromUint64(0xb10c),
                               .old_root = Felt::FromUint64(0x01d),
                               .new_root = Felt::FromUint64(0x2e3),
                               .state_diff = {}};
  // 480 contracts x 24 writes + 287 declared classes: 24,576 felts, six full blobs.
  for (std::uint64_t contract = 1; contract <= 480; ++contract) {
    starknet::ContractStorageDiff diff{Felt::FromUint64(0x1000 + contract), {}};
    for (std::uint64_t key = 1; key <= 24; ++key) {
      diff.storage_entries.push_back({Felt::FromUint64(key), Felt::FromUint64(contract * key)});
    }
    update.state_diff.storage_diffs.push_back(std::move(diff));
    update.state_diff.nonces.push_back({Felt::FromUint64(0x1000 + contract), Felt::One()});
  }
  for (std::uint64_t declared = 1; declared <= 287; ++declared) {
    update.state_diff.declared_classes.push_back(
        {Felt::FromUint64(0xc1a55 + declared), Felt::FromUint64(0xcc1a55 + declared)});
  }
  testing::FakeMadaraClient madara;
  SettlementRun settled;
  ASSERT_NO_FATAL_FAILURE(SettleThroughDataSubmission(madara, update, 700000, settled));
  ASSERT_EQ(settled.blobs.size(), 6u);
  EXPECT_EQ(settled.receipt.blob_gas_used, 6u * 131072u);
  EXPECT_LT(settled.receipt.gas_used, 1'500'000u);
  RecordProperty("l1_gas_used", std::to_string(settled.receipt.gas_used));
}

}  // namespace
}  // namespace orch::handlers
