// contracts/StarknetCoreContract.sol and contracts/MockGpsVerifier.sol on a private Anvil:
// settling the real vector of ../shared/testdata/settlement/6806848 with a type-3 transaction
// carrying its blob, and one rejection per check with the contract's revert reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/anvil_process.h"
#include "tests/support/testdata.h"

#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/contracts/artifacts.h"
#include "orch/contracts/deploy.h"
#include "orch/eth/abi.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/keccak.h"
#include "orch/eth/transaction.h"
#include "orch/http/curl_http_client.h"
#include "orch/kzg/kzg.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"

namespace orch::contracts {
namespace {

using crypto::Felt;
using nlohmann::json;
using settlement::CalldataStateTransitionFact;
using settlement::CoreContractState;
using settlement::EncodeUpdateState;
using settlement::EncodeUpdateStateKzgDA;
using settlement::KzgDaStateTransitionFact;
using settlement::ReadCoreContractState;
using settlement::SharpFact;

// The aggregator program hash the core contract is deployed with; output word 6 of the vector
// is not 0, so its fact is registered under this hash (protocols.md §4.6). Any value works.
constexpr Felt kAggregatorProgramHash =
    Felt::FromHexLiteral("0x181986e8e3a8d2bb1e0cdb7e2d6a4ef4c0d8f15e8a3c7a2b6a1f0e9d8c7b6a5");
// What the orchestrator uses for updateStateKzgDA (protocols.md §7.7).
constexpr std::uint64_t kStateUpdateGasLimit = 1'500'000;

// The value of a step the test cannot go on without; gtest reports the exception as the
// test's failure.
template <typename T>
T Unwrap(Result<T> result, const char* what) {
  if (!result.ok()) {
    throw std::runtime_error(std::string(what) + ": " + result.error().ToString());
  }
  return std::move(result).value();
}

std::vector<eth::KzgProof> Proofs(const kzg::Proof& proof) { return {proof.bytes}; }

// The settlement vector and the KZG objects derived from its blob.
struct Vector {
  std::vector<Felt> output;
  std::unique_ptr<kzg::Blob> blob = std::make_unique<kzg::Blob>();
  kzg::Commitment commitment;
  kzg::Proof evaluation_proof;  // at z = output[10]
  kzg::Proof blob_proof;        // the EIP-4844 sidecar proof
};

const Vector& SettlementVector() {
  static const Vector* const kVector = [] {
    auto* vector = new Vector();
    const std::string text =
        Unwrap(test_support::ReadTestdata("settlement/6806848/program_output.txt"), "output");
    vector->output = Unwrap(starknet::ParseProgramOutputAnyFormat(text), "parse output");
    *vector->blob = Unwrap(kzg::Blob::FromHex(Unwrap(
                               test_support::ReadTestdata("settlement/6806848/blob.hex"), "blob")),
                           "parse blob");
    const kzg::Kzg* kzg = Unwrap(kzg::Kzg::Shared(), "trusted setup");
    vector->commitment = Unwrap(kzg->BlobToCommitment(*vector->blob), "commitment");
    const kzg::EvaluationProof evaluation =
        Unwrap(kzg->ComputeKzgProof(*vector->blob, vector->output[10].ToBytesBe()), "kzg proof");
    vector->evaluation_proof = evaluation.proof;
    vector->blob_proof =
        Unwrap(kzg->ComputeBlobProof(*vector->blob, vector->commitment), "blob proof");
    return vector;
  }();
  return *kVector;
}

class CoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<test_support::AnvilProcess> anvil = test_support::AnvilProcess::Start();
    ASSERT_TRUE(anvil.ok()) << anvil.error().ToString();
    anvil_.emplace(*std::move(anvil));
    rpc_ = std::make_unique<ethereum::HttpEthereumRpc>(http_, anvil_->url());
  }

  static const Vector& vector() { return SettlementVector(); }

  // The state before the vector: root, block number and hash of its header, the OS program
  // hash of word 6 and the config hash of word 7.
  void DeployForVector() {
    const std::vector<Felt>& out = vector().output;
    const Deployment verifier = Unwrap(DeployMockGpsVerifier(*rpc_, key_), "deploy verifier");
    verifier_ = verifier.address;
    const Deployment core = Unwrap(
        DeployStarknetCoreContract(*rpc_, key_,
                                   {.verifier = verifier_,
                                    .program_hash = out[6],
                                    .aggregator_program_hash = kAggregatorProgramHash,
                                    .config_hash = out[7],
                                    .state_root = out[0],
                                    .block_number = static_cast<std::int64_t>(Unwrap(
                                        eth::WordToUint64(out[2].ToBytesBe()), "block number")),
                                    .block_hash = out[4]}),
        "deploy core contract");
    core_ = core.address;
    core_deployment_gas_ = core.receipt.gas_used;
  }

  void Register(std::span<const Felt> output, const Felt& program_hash) {
    const eth::Hash32 fact = SharpFact(program_hash, KzgDaStateTransitionFact(output));
    Unwrap(RegisterFact(*rpc_, key_, verifier_, fact), "register fact");
    ASSERT_TRUE(Unwrap(IsFactValid(*rpc_, verifier_, fact), "isValid"));
  }

  eth::Hash32 VersionedHash() const { return eth::VersionedHash(vector().commitment.bytes); }

  // eth_call of updateStateKzgDA as the type-3 transaction would run it: with the blob's
  // versioned hash, so that blobhash(0) sees it.
  Result<void> CallWithBlob(eth::Bytes data) {
    const TransactionFees fees = Unwrap(SuggestFees(*rpc_), "fees");
    json call = {{"from", key_.GetAddress().ToLowerHex()},
                 {"to", core_.ToLowerHex()},
                 {"data", eth::ToHex(data)},
                 {"gas", "0x16e360"},  // kStateUpdateGasLimit
                 {"maxFeePerGas", eth::ToHex(eth::TrimLeadingZeros(fees.max_fee_per_gas))},
                 {"maxPriorityFeePerGas", "0x0"},
                 {"maxFeePerBlobGas", eth::ToHex(eth::TrimLeadingZeros(fees.max_fee_per_blob_gas))},
                 {"blobVersionedHashes", json::array({eth::ToHex(VersionedHash())})}};
    ORCH_RETURN_IF_ERROR(rpc_->Request("eth_call", json::array({call, "latest"})));
    return Ok();
  }

  // Sends updateStateKzgDA as a type-3 transaction carrying the vector's blob.
  ethereum::TransactionReceipt SendWithBlob(eth::Bytes data) {
    const TransactionFees fees = Unwrap(SuggestFees(*rpc_), "fees");
    const eth::Eip4844Transaction transaction{
        .chain_id = Unwrap(rpc_->ChainId(), "chain id"),
        .nonce = Unwrap(rpc_->GetTransactionCount(key_.GetAddress(), ethereum::BlockTag::kPending),
                        "nonce"),
        .max_priority_fee_per_gas = fees.max_priority_fee_per_gas,
        .max_fee_per_gas = fees.max_fee_per_gas,
        .gas_limit = kStateUpdateGasLimit,
        .to = core_,
        .value = {},
        .data = std::move(data),
        .access_list = {},
        .max_fee_per_blob_gas = fees.max_fee_per_blob_gas,
        .blob_versioned_hashes = {VersionedHash()},
    };
    const eth::BlobSidecar sidecar{
        .version = eth::SidecarVersion::kEip4844,
        .blobs = {eth::Bytes(vector().blob->bytes.begin(), vector().blob->bytes.end())},
        .commitments = {vector().commitment.bytes},
        .proofs = {vector().blob_proof.bytes},
    };
    const eth::Bytes raw = Unwrap(
        eth::EncodeNetworkTransaction(eth::SignTransaction(transaction, key_), sidecar), "encode");
    const eth::Hash32 hash = Unwrap(rpc_->SendRawTransaction(raw), "send");
    return Unwrap(WaitForReceipt(*rpc_, hash), "receipt");
  }

  // Expects the eth_call with the blob to revert with `reason`.
  void ExpectRevert(std::span<const Felt> output, const kzg::Proof& proof,
                    std::string_view reason) {
    const Result<void> result = CallWithBlob(EncodeUpdateStateKzgDA(output, Proofs(proof)));
    ASSERT_FALSE(result.ok()) << "expected a revert with " << reason;
    EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition) << result.error().ToString();
    EXPECT_NE(result.error().message().find(reason), std::string::npos)
        << result.error().ToString();
  }

  http::CurlHttpClient http_;
  std::optional<test_support::AnvilProcess> anvil_;
  std::unique_ptr<ethereum::HttpEthereumRpc> rpc_;
  const eth::PrivateKey key_ =
      Unwrap(eth::PrivateKey::FromHex(test_support::AnvilProcess::kDevPrivateKey), "key");
  eth::Address verifier_;
  eth::Address core_;
  std::uint64_t core_deployment_gas_ = 0;
};

TEST_F(CoreContractTest, VectorMatchesItsBlob) {
  const std::vector<Felt>& out = vector().output;
  ASSERT_EQ(out.size(), 23U);
  const starknet::OsOutput parsed = Unwrap(starknet::ParseOsOutput(out), "parse");
  ASSERT_EQ(parsed.layout, starknet::OsOutputLayout::kV0_13_2);
  ASSERT_TRUE(parsed.kzg.has_value());
  ASSERT_EQ(parsed.kzg->commitments.size(), 1U);
  EXPECT_EQ(parsed.kzg->commitments[0], vector().commitment.bytes);
  // y of compute_kzg_proof(blob, z) is the OS's y (words 14/15).
  const kzg::EvaluationProof evaluation = Unwrap(
      Unwrap(kzg::Kzg::Shared(), "setup")->ComputeKzgProof(*vector().blob, out[10].ToBytesBe()),
      "kzg proof");
  EXPECT_EQ(crypto::U256::FromWord(evaluation.y), parsed.kzg->y[0]);
  EXPECT_NE(out[6], Felt()) << "the vector is an aggregator output";
}

TEST_F(CoreContractTest, SettlesTheVectorWithItsBlob) {
  DeployForVector();
  const std::vector<Felt>& out = vector().output;
  CoreContractState before = Unwrap(ReadCoreContractState(*rpc_, core_), "state");
  EXPECT_EQ(before.state_root, out[0].ToU256());
  EXPECT_EQ(before.block_number, 218378);
  Register(out, kAggregatorProgramHash);

  const ethereum::TransactionReceipt receipt =
      SendWithBlob(EncodeUpdateStateKzgDA(out, Proofs(vector().evaluation_proof)));
  ASSERT_TRUE(receipt.success);
  EXPECT_EQ(receipt.blob_gas_used, std::optional<std::uint64_t>(131072));
  std::cout << "updateStateKzgDA gas used: " << receipt.gas_used
            << " (core contract deployment: " << core_deployment_gas_ << ")\n";
  RecordProperty("update_state_kzg_da_gas", std::to_string(receipt.gas_used));

  const CoreContractState after = Unwrap(ReadCoreContractState(*rpc_, core_), "state");
  EXPECT_EQ(after.state_root, out[1].ToU256());
  EXPECT_EQ(after.block_number, 218402);
  EXPECT_EQ(crypto::U256(static_cast<std::uint64_t>(after.block_number)), out[3].ToU256());
  EXPECT_EQ(after.block_hash, out[5].ToU256());

  // LogStateUpdate(uint256 globalRoot, int256 blockNumber, uint256 blockHash).
  const eth::Hash32 topic = eth::Keccak256("LogStateUpdate(uint256,int256,uint256)");
  const auto log = std::ranges::find_if(receipt.logs, [&](const ethereum::LogEntry& entry) {
    return entry.address == core_ && !entry.topics.empty() && entry.topics[0] == topic;
  });
  ASSERT_NE(log, receipt.logs.end());
  eth::Bytes expected_data;
  for (const Felt& word : {out[1], out[3], out[5]}) {
    const eth::Word bytes = word.ToBytesBe();
    expected_data.insert(expected_data.end(), bytes.begin(), bytes.end());
  }
  EXPECT_EQ(log->data, expected_data);

  // The node kept the blob, byte for byte.
  const json blob = Unwrap(
      rpc_->Request("anvil_getBlobByHash", json::array({eth::ToHex(VersionedHash())})), "blob");
  ASSERT_TRUE(blob.is_string()) << blob.dump().substr(0, 200);
  EXPECT_EQ(Unwrap(eth::FromHex(blob.get<std::string>()), "blob hex"),
            eth::Bytes(vector().blob->bytes.begin(), vector().blob->bytes.end()));

  // The same output cannot be settled twice.
  ExpectRevert(out, vector().evaluation_proof, "INVALID_PREVIOUS_ROOT");
}

TEST_F(CoreContractTest, RejectsAWrongProof) {
  DeployForVector();
  const std::vector<Felt>& out = vector().output;
  Register(out, kAggregatorProgramHash);
  // A valid G1 point, but the proof of another evaluation.
  ExpectRevert(out, vector().blob_proof, "POINT_EVALUATION_FAILED");

  // Sent anyway, the transaction is mined and reverts; nothing changes.
  const ethereum::TransactionReceipt receipt =
      SendWithBlob(EncodeUpdateStateKzgDA(out, Proofs(vector().blob_proof)));
  EXPECT_FALSE(receipt.success);
  EXPECT_EQ(Unwrap(ReadCoreContractState(*rpc_, core_), "state").block_number, 218378);
}

TEST_F(CoreContractTest, RejectsAWrongY) {
  DeployForVector();
  std::vector<Felt> out = vector().output;
  out[14] += Felt::One();  // y low limb
  Register(out, kAggregatorProgramHash);
  ExpectRevert(out, vector().evaluation_proof, "POINT_EVALUATION_FAILED");
}

TEST_F(CoreContractTest, RejectsAWrongCommitment) {
  DeployForVector();
  std::vector<Felt> out = vector().output;
  out[12] += Felt::One();  // commitment low limb
  Register(out, kAggregatorProgramHash);
  ExpectRevert(out, vector().evaluation_proof, "KZG_COMMITMENT_MISMATCH");
}

TEST_F(CoreContractTest, RejectsAWrongPreviousRoot) {
  DeployForVector();
  std::vector<Felt> out = vector().output;
  out[0] += Felt::One();
  Register(out, kAggregatorProgramHash);
  ExpectRevert(out, vector().evaluation_proof, "INVALID_PREVIOUS_ROOT");
}

TEST_F(CoreContractTest, RejectsAnUnregisteredFact) {
  DeployForVector();
  const std::vector<Felt>& out = vector().output;
  ExpectRevert(out, vector().evaluation_proof, "NO_STATE_TRANSITION_PROOF");
  // Registered under the OS program hash instead of the aggregator's: still not proven.
  Register(out, out[6]);
  ExpectRevert(out, vector().evaluation_proof, "NO_STATE_TRANSITION_PROOF");
}

TEST_F(CoreContractTest, RejectsAnOutputOfAnotherConfigOrProgram) {
  DeployForVector();
  std::vector<Felt> out = vector().output;
  out[7] += Felt::One();
  ExpectRevert(out, vector().evaluation_proof, "INVALID_CONFIG_HASH");
  out = vector().output;
  out[6] += Felt::One();
  ExpectRevert(out, vector().evaluation_proof, "INVALID_OS_PROGRAM_HASH");
  out = vector().output;
  out[2] += Felt::One();
  ExpectRevert(out, vector().evaluation_proof, "INVALID_PREVIOUS_BLOCK_NUMBER");
}

TEST_F(CoreContractTest, RejectsATransactionWithoutTheBlob) {
  DeployForVector();
  const std::vector<Felt>& out = vector().output;
  Register(out, kAggregatorProgramHash);
  // A type-2 transaction: its gas estimate already reverts.
  const Result<ethereum::TransactionReceipt> sent = SendTransaction(
      *rpc_, key_, core_, EncodeUpdateStateKzgDA(out, Proofs(vector().evaluation_proof)));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(sent.error().message().find("BLOB_MISSING"), std::string::npos)
      << sent.error().ToString();
  // Mined with a fixed gas limit, it reverts.
  const Result<ethereum::TransactionReceipt> mined = SendTransaction(
      *rpc_, key_, core_, EncodeUpdateStateKzgDA(out, Proofs(vector().evaluation_proof)),
      {.gas_limit = kStateUpdateGasLimit});
  ASSERT_FALSE(mined.ok());
  EXPECT_NE(mined.error().message().find("reverted"), std::string::npos);
}

// The legacy 0.13.1 layout (6-word header, one blob as commitment low/high, z, y low/high),
// made from the same blob: the contract tells it apart by words 8 and 9.
TEST_F(CoreContractTest, SettlesTheLegacyLayout) {
  const std::vector<Felt>& v = vector().output;
  const std::vector<Felt> legacy = {v[0],  v[1],  v[3],  v[5],  v[7],   Felt::One(), v[12],
                                    v[13], v[10], v[14], v[15], Felt(), Felt()};
  ASSERT_EQ(Unwrap(starknet::ParseOsOutput(legacy), "parse legacy").layout,
            starknet::OsOutputLayout::kLegacy0_13_1);
  const Deployment verifier = Unwrap(DeployMockGpsVerifier(*rpc_, key_), "verifier");
  verifier_ = verifier.address;
  const Felt program_hash = Felt::FromUint64(0x1234);
  core_ = Unwrap(DeployStarknetCoreContract(*rpc_, key_,
                                            {.verifier = verifier_,
                                             .program_hash = program_hash,
                                             .aggregator_program_hash = kAggregatorProgramHash,
                                             .config_hash = v[7],
                                             .state_root = v[0],
                                             .block_number = 218401,
                                             .block_hash = v[4]}),
                 "core")
              .address;
  ExpectRevert(legacy, vector().evaluation_proof, "NO_STATE_TRANSITION_PROOF");
  Register(legacy, program_hash);  // no os program hash word: the fact uses programHash
  const ethereum::TransactionReceipt receipt =
      SendWithBlob(EncodeUpdateStateKzgDA(legacy, Proofs(vector().evaluation_proof)));
  ASSERT_TRUE(receipt.success);
  const CoreContractState after = Unwrap(ReadCoreContractState(*rpc_, core_), "state");
  EXPECT_EQ(after.state_root, v[1].ToU256());
  EXPECT_EQ(after.block_number, 218402);
  EXPECT_EQ(after.block_hash, v[5].ToU256());
}

// updateState (calldata DA): a 10-word output without KZG segment, no messages, two DA words.
TEST_F(CoreContractTest, SettlesWithCalldataDa) {
  const Deployment verifier = Unwrap(DeployMockGpsVerifier(*rpc_, key_), "verifier");
  verifier_ = verifier.address;
  const Felt program_hash = Felt::FromUint64(0xabc);
  const Felt config_hash = Felt::FromUint64(0xc0f);
  core_ = Unwrap(DeployStarknetCoreContract(*rpc_, key_,
                                            {.verifier = verifier_,
                                             .program_hash = program_hash,
                                             .aggregator_program_hash = kAggregatorProgramHash,
                                             .config_hash = config_hash,
                                             .state_root = Felt(),
                                             .block_number = -1,
                                             .block_hash = Felt()}),
                 "core")
              .address;
  const std::vector<Felt> out = {Felt(),
                                 Felt::FromUint64(0x111),
                                 -Felt::One(),  // P - 1: no block settled yet
                                 Felt(),
                                 Felt(),
                                 Felt::FromUint64(0x222),
                                 Felt(),
                                 config_hash,
                                 Felt(),
                                 Felt(),
                                 Felt(),
                                 Felt(),
                                 Felt::FromUint64(7),
                                 Felt::FromUint64(8)};
  const eth::Word data_hash = eth::WordFromUint64(0xda7a);
  const eth::Hash32 fact = SharpFact(program_hash, CalldataStateTransitionFact(out, data_hash, 2));
  Unwrap(RegisterFact(*rpc_, key_, verifier_, fact), "register");
  const ethereum::TransactionReceipt receipt =
      Unwrap(SendTransaction(*rpc_, key_, core_, EncodeUpdateState(out, data_hash, 2)), "send");
  EXPECT_TRUE(receipt.success);
  const CoreContractState after = Unwrap(ReadCoreContractState(*rpc_, core_), "state");
  EXPECT_EQ(after.state_root, crypto::U256(0x111));
  EXPECT_EQ(after.block_number, 0);
  EXPECT_EQ(after.block_hash, crypto::U256(0x222));
}

TEST(CoreContractCalldataTest, UpdateStateKzgDaMatchesTheSpecLayout) {
  const std::vector<Felt> output = {Felt::FromUint64(1), Felt::FromUint64(2),
                                    -Felt::One()};  // n = 3
  eth::KzgProof first{};
  eth::KzgProof second{};
  for (std::size_t i = 0; i < first.size(); ++i) {
    first[i] = static_cast<std::uint8_t>(0xa0 + i);
    second[i] = static_cast<std::uint8_t>(0x10 + i);
  }
  const std::vector<eth::KzgProof> proofs = {first, second};  // m = 2
  const eth::Bytes calldata = EncodeUpdateStateKzgDA(output, proofs);

  // protocols.md §8.2, word by word.
  eth::Bytes expected = {0x50, 0x7e, 0xe5, 0x28};
  const auto word = [&](std::uint64_t value) {
    const eth::Word bytes = eth::WordFromUint64(value);
    expected.insert(expected.end(), bytes.begin(), bytes.end());
  };
  const std::uint64_t n = output.size();
  const std::uint64_t m = proofs.size();
  word(0x40);
  word(0x20 * (3 + n));
  word(n);
  for (const Felt& felt : output) {
    const eth::Word bytes = felt.ToBytesBe();
    expected.insert(expected.end(), bytes.begin(), bytes.end());
  }
  word(m);
  for (std::uint64_t i = 0; i < m; ++i) {
    word(32 * m + 96 * i);
  }
  for (const eth::KzgProof& proof : proofs) {
    word(48);
    expected.insert(expected.end(), proof.begin(), proof.end());
    expected.insert(expected.end(), 16, 0);
  }
  EXPECT_EQ(eth::ToHex(calldata), eth::ToHex(expected));
  EXPECT_EQ(calldata.size(), 4 + 32 * (3 + n + 1 + m + 3 * m));
}

TEST(CoreContractCalldataTest, FactsFollowTheSpec) {
  // fact = keccak(program_hash ‖ keccak(output words)) (protocols.md §4.4), the fibonacci vector.
  const std::vector<Felt> output = {Felt::FromUint64(89)};
  const Felt fibonacci_hash =
      Felt::FromHexLiteral("0x147550d7eab5c4ef6de7e5e33c81bfa2ecc7b1d8a76ae11b02ec143aba3bc1c");
  EXPECT_EQ(eth::ToHex(SharpFact(fibonacci_hash, KzgDaStateTransitionFact(output))),
            "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782");
}

TEST(CoreContractArtifactsTest, BytecodeIsEmbedded) {
  EXPECT_GT(StarknetCoreContractCreationCode().size(), 1000U);
  EXPECT_GT(MockGpsVerifierCreationCode().size(), 100U);
  EXPECT_NE(StarknetCoreContractAbi().find("updateStateKzgDA"), std::string_view::npos);
  EXPECT_TRUE(SolidityCompilerVersion().starts_with("0.8.28+"));
  // The real contract's selectors (protocols.md §8.1) are in our ABI's functions.
  EXPECT_EQ(eth::FunctionSelector("updateStateKzgDA(uint256[],bytes[])"),
            (std::array<std::uint8_t, 4>{0x50, 0x7e, 0xe5, 0x28}));
}

// Every function and event of ours that the real Starknet core contract also has keeps its
// exact signature (inputs and outputs), so clients written against the real ABI work.
TEST(CoreContractArtifactsTest, AbiIsCompatibleWithTheRealContract) {
  const json ours = json::parse(StarknetCoreContractAbi());
  const json real = json::parse(
      Unwrap(test_support::ReadTestdata("contracts/starknet_core_contract.abi.json"), "abi"));
  const auto signature = [](const json& entry) {
    std::string text = entry.value("type", "") + " " + entry.value("name", "") + "(";
    for (const json& input : entry.value("inputs", json::array())) {
      text += input.at("type").get<std::string>() +
              (input.value("indexed", false) ? " indexed" : "") + ",";
    }
    text += ")->(";
    for (const json& output : entry.value("outputs", json::array())) {
      text += output.at("type").get<std::string>() + ",";
    }
    return text + ")";
  };
  std::map<std::string, std::string> real_by_name;
  for (const json& entry : real) {
    if (entry.contains("name")) {
      real_by_name[entry.at("name").get<std::string>()] = signature(entry);
    }
  }
  std::size_t shared = 0;
  for (const json& entry : ours) {
    if (!entry.contains("name")) {
      continue;
    }
    const auto it = real_by_name.find(entry.at("name").get<std::string>());
    if (it == real_by_name.end()) {
      continue;  // ours only (e.g. owner, verifier)
    }
    ++shared;
    EXPECT_EQ(signature(entry), it->second);
  }
  for (const char* name :
       {"updateStateKzgDA", "updateState", "stateBlockNumber", "stateRoot", "stateBlockHash",
        "programHash", "aggregatorProgramHash", "configHash", "isOperator", "identify",
        "LogStateUpdate", "LogStateTransitionFact", "LogMessageToL1", "l2ToL1Messages"}) {
    EXPECT_TRUE(std::ranges::any_of(ours, [&](const json& entry) {
      return entry.value("name", "") == name;
    })) << name;
  }
  EXPECT_GE(shared, 14U);
}

}  // namespace
}  // namespace orch::contracts
