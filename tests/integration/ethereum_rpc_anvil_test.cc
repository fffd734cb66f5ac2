// HttpEthereumRpc against a private Anvil: the calls settlement makes, a type-2 transfer and
// deployments signed with our eth library, reverts, and a type-3 blob transaction built with
// our eth and kzg libraries.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/anvil_process.h"

#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/eth/abi.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/transaction.h"
#include "orch/http/curl_http_client.h"
#include "orch/kzg/kzg.h"

namespace orch::ethereum {
namespace {

using ::nlohmann::json;
using ::orch::test_support::AnvilOptions;
using ::orch::test_support::AnvilProcess;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr std::uint64_t kAnvilChainId = 31337;

eth::Address Addr(std::string_view text) { return *eth::Address::Parse(text); }

eth::Word WordOf(const crypto::U256& value) { return value.ToBytesBe(); }

// Init code that deploys `runtime` (< 256 bytes): CODECOPY it to memory and RETURN it.
eth::Bytes InitCode(const eth::Bytes& runtime) {
  const auto size = static_cast<std::uint8_t>(runtime.size());
  eth::Bytes code = {0x60, size, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, size, 0x60, 0x00, 0xf3};
  code.insert(code.end(), runtime.begin(), runtime.end());
  return code;
}

// Runtime code returning the word 42: PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN.
eth::Bytes ReturnsFortyTwo() {
  return {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
}

// Runtime code that reverts with Error("boom"): the revert data follows the 12 code bytes
// that CODECOPY it to memory and REVERT with it.
eth::Bytes RevertsWithBoom() {
  const std::string reason = "boom";
  const std::array arguments = {
      eth::AbiValue::DynamicBytes(eth::Bytes(reason.begin(), reason.end()))};
  eth::Bytes data = eth::AbiEncode(arguments);
  const auto selector = eth::FunctionSelector("Error(string)");
  data.insert(data.begin(), selector.begin(), selector.end());
  const auto size = static_cast<std::uint8_t>(data.size());
  eth::Bytes code = {0x60, size, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, size, 0x60, 0x00, 0xfd};
  code.insert(code.end(), data.begin(), data.end());
  return code;
}

class EthereumRpcAnvilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto anvil = AnvilProcess::Start(AnvilOptions{});
    ASSERT_TRUE(anvil.ok()) << anvil.error().ToString();
    anvil_.emplace(*std::move(anvil));
    rpc_.emplace(http_, anvil_->url(), Options());
    key_.emplace(*eth::PrivateKey::FromHex(AnvilProcess::kDevPrivateKey));
  }

  static HttpEthereumRpcOptions Options() {
    HttpEthereumRpcOptions options;
    // Anvil checks a blob transaction's proofs before answering, which on a loaded machine
    // (with its trusted setup loaded on first use) takes seconds.
    options.request_timeout = 30000ms;
    options.max_attempts = 2;
    options.initial_backoff = 1ms;
    options.max_backoff = 1ms;
    return options;
  }

  eth::Address Dev() const { return Addr(AnvilProcess::kDevAddress); }

  // Fees that the next block accepts: twice the base fee plus the suggested tip.
  void FillFees(eth::Word& max_priority_fee, eth::Word& max_fee) {
    auto market = rpc_->GetFeeMarket();
    ASSERT_TRUE(market.ok()) << market.error().ToString();
    max_priority_fee = WordOf(market->max_priority_fee_per_gas);
    max_fee = WordOf(market->base_fee_per_gas * crypto::U256(2) + market->max_priority_fee_per_gas);
  }

  eth::Eip1559Transaction Type2(std::optional<eth::Address> to, eth::Bytes data,
                                std::uint64_t value_wei) {
    eth::Eip1559Transaction tx;
    tx.chain_id = kAnvilChainId;
    tx.nonce = *rpc_->GetTransactionCount(Dev(), BlockTag::kPending);
    FillFees(tx.max_priority_fee_per_gas, tx.max_fee_per_gas);
    tx.gas_limit = to.has_value() && data.empty() ? 21000 : 300000;
    tx.to = to;
    tx.value = eth::WordFromUint64(value_wei);
    tx.data = std::move(data);
    return tx;
  }

  // Polls for the receipt (Anvil mines each transaction at once, but not synchronously).
  std::optional<TransactionReceipt> WaitForReceipt(const eth::Hash32& hash) {
    for (int i = 0; i < 100; ++i) {
      auto receipt = rpc_->GetTransactionReceipt(hash);
      EXPECT_TRUE(receipt.ok()) << receipt.error().ToString();
      if (!receipt.ok()) {
        return std::nullopt;
      }
      if (receipt->has_value()) {
        return **receipt;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no receipt for " << eth::ToHex(hash);
    return std::nullopt;
  }

  // Deploys `runtime` and returns its address.
  std::optional<eth::Address> Deploy(const eth::Bytes& runtime) {
    const auto signed_tx = eth::SignTransaction(Type2(std::nullopt, InitCode(runtime), 0), *key_);
    auto hash = rpc_->SendRawTransaction(eth::EncodeTransaction(signed_tx));
    EXPECT_TRUE(hash.ok()) << hash.error().ToString();
    if (!hash.ok()) {
      return std::nullopt;
    }
    auto receipt = WaitForReceipt(*hash);
    if (!receipt.has_value()) {
      return std::nullopt;
    }
    EXPECT_TRUE(receipt->success);
    EXPECT_TRUE(receipt->contract_address.has_value());
    return receipt->contract_address;
  }

  // A blob of canonical words (top byte zero) with a recognisable pattern.
  static kzg::Blob PatternBlob(std::uint8_t seed) {
    kzg::Blob blob;
    for (std::size_t i = 0; i < blob.bytes.size(); ++i) {
      blob.bytes[i] = i % 32 == 0 ? 0 : static_cast<std::uint8_t>(i * 7 + seed);
    }
    return blob;
  }

  // A signed type-3 transaction carrying `blob` with the sidecar of `version`, in network form.
  struct BlobTx {
    eth::Hash32 hash{};
    eth::Hash32 versioned_hash{};
    eth::Bytes raw;
  };
  std::optional<BlobTx> MakeBlobTx(const kzg::Blob& blob, eth::SidecarVersion version) {
    auto kzg = kzg::Kzg::Shared();
    EXPECT_TRUE(kzg.ok()) << kzg.error().ToString();
    if (!kzg.ok()) {
      return std::nullopt;
    }
    auto commitment = (*kzg)->BlobToCommitment(blob);
    EXPECT_TRUE(commitment.ok()) << commitment.error().ToString();
    if (!commitment.ok()) {
      return std::nullopt;
    }
    eth::BlobSidecar sidecar;
    sidecar.version = version;
    sidecar.blobs.emplace_back(blob.bytes.begin(), blob.bytes.end());
    sidecar.commitments.push_back(commitment->bytes);
    if (version == eth::SidecarVersion::kEip4844) {
      auto proof = (*kzg)->ComputeBlobProof(blob, *commitment);
      EXPECT_TRUE(proof.ok()) << proof.error().ToString();
      if (!proof.ok()) {
        return std::nullopt;
      }
      sidecar.proofs.push_back(proof->bytes);
    } else {
      auto proofs = (*kzg)->ComputeCellProofs(blob);
      EXPECT_TRUE(proofs.ok()) << proofs.error().ToString();
      if (!proofs.ok()) {
        return std::nullopt;
      }
      for (const kzg::Proof& proof : *proofs) {
        sidecar.proofs.push_back(proof.bytes);
      }
    }
    auto market = rpc_->GetFeeMarket();
    EXPECT_TRUE(market.ok()) << market.error().ToString();
    if (!market.ok()) {
      return std::nullopt;
    }
    eth::Eip4844Transaction tx;
    tx.chain_id = kAnvilChainId;
    tx.nonce = *rpc_->GetTransactionCount(Dev(), BlockTag::kPending);
    tx.max_priority_fee_per_gas = WordOf(market->max_priority_fee_per_gas);
    tx.max_fee_per_gas =
        WordOf(market->base_fee_per_gas * crypto::U256(2) + market->max_priority_fee_per_gas);
    tx.gas_limit = 21000;
    tx.to = Addr("0x000000000000000000000000000000000000dEaD");
    tx.max_fee_per_blob_gas = WordOf(market->blob_base_fee * crypto::U256(2) + crypto::U256(1));
    tx.blob_versioned_hashes = eth::VersionedHashes(sidecar);
    const auto signed_tx = eth::SignTransaction(tx, *key_);
    auto raw = eth::EncodeNetworkTransaction(signed_tx, sidecar);
    EXPECT_TRUE(raw.ok()) << raw.error().ToString();
    if (!raw.ok()) {
      return std::nullopt;
    }
    return BlobTx{.hash = eth::TransactionHash(signed_tx),
                  .versioned_hash = tx.blob_versioned_hashes.at(0),
                  .raw = *std::move(raw)};
  }

  // Sends `tx`, checks that it is mined with one blob's gas and that Anvil serves the blob.
  void ExpectBlobMined(const BlobTx& tx, const kzg::Blob& blob) {
    auto hash = rpc_->SendRawTransaction(tx.raw);
    ASSERT_TRUE(hash.ok()) << hash.error().ToString();
    EXPECT_EQ(*hash, tx.hash);
    auto receipt = WaitForReceipt(*hash);
    ASSERT_TRUE(receipt.has_value());
    EXPECT_TRUE(receipt->success);
    EXPECT_EQ(receipt->blob_gas_used, 131072u);
    ASSERT_TRUE(receipt->blob_gas_price.has_value());
    auto served =
        rpc_->Request("anvil_getBlobByHash", json::array({eth::ToHex(tx.versioned_hash)}));
    ASSERT_TRUE(served.ok()) << served.error().ToString();
    ASSERT_TRUE(served->is_string()) << served->dump().substr(0, 200);
    EXPECT_TRUE(served->get<std::string>() == blob.ToHex()) << "anvil_getBlobByHash differs";
  }

  http::CurlHttpClient http_;
  std::optional<AnvilProcess> anvil_;
  std::optional<HttpEthereumRpc> rpc_;
  std::optional<eth::PrivateKey> key_;
};

TEST_F(EthereumRpcAnvilTest, ChainIdBlockNumberAndFees) {
  auto chain_id = rpc_->ChainId();
  ASSERT_TRUE(chain_id.ok()) << chain_id.error().ToString();
  EXPECT_EQ(*chain_id, kAnvilChainId);
  auto number = rpc_->BlockNumber();
  ASSERT_TRUE(number.ok()) << number.error().ToString();
  EXPECT_EQ(*number, 0u);
  auto market = rpc_->GetFeeMarket();
  ASSERT_TRUE(market.ok()) << market.error().ToString();
  EXPECT_FALSE(market->base_fee_per_gas.IsZero());
  EXPECT_FALSE(market->blob_base_fee.IsZero());
  EXPECT_FALSE(market->max_priority_fee_per_gas.IsZero());
}

TEST_F(EthereumRpcAnvilTest, Type2TransferIsMinedAndCountsANonce) {
  ASSERT_EQ(*rpc_->GetTransactionCount(Dev(), BlockTag::kLatest), 0u);
  const auto signed_tx = eth::SignTransaction(
      Type2(Addr("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), {}, 1'000'000'000), *key_);
  auto hash = rpc_->SendRawTransaction(eth::EncodeTransaction(signed_tx));
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, eth::TransactionHash(signed_tx));
  auto receipt = WaitForReceipt(*hash);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_TRUE(receipt->success);
  EXPECT_EQ(receipt->transaction_hash, *hash);
  EXPECT_EQ(receipt->gas_used, 21000u);
  EXPECT_EQ(receipt->block_number, 1u);
  EXPECT_FALSE(receipt->effective_gas_price.IsZero());
  EXPECT_FALSE(receipt->contract_address.has_value());
  EXPECT_EQ(*rpc_->GetTransactionCount(Dev(), BlockTag::kLatest), 1u);
  EXPECT_EQ(*rpc_->BlockNumber(), 1u);

  // The same nonce again.
  auto again = rpc_->SendRawTransaction(eth::EncodeTransaction(signed_tx));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kInvalidArgument) << again.error().ToString();
}

TEST_F(EthereumRpcAnvilTest, CallReturnsAndReverts) {
  const auto constant = Deploy(ReturnsFortyTwo());
  ASSERT_TRUE(constant.has_value());
  auto output = rpc_->Call({.from = Dev(), .to = *constant, .data = {}}, BlockTag::kLatest);
  ASSERT_TRUE(output.ok()) << output.error().ToString();
  const eth::Word forty_two = eth::WordFromUint64(42);
  EXPECT_EQ(*output, eth::Bytes(forty_two.begin(), forty_two.end()));
  auto gas = rpc_->EstimateGas({.from = Dev(), .to = *constant, .data = {0x01}});
  ASSERT_TRUE(gas.ok()) << gas.error().ToString();
  EXPECT_GT(*gas, 21000u);

  const auto reverting = Deploy(RevertsWithBoom());
  ASSERT_TRUE(reverting.has_value());
  auto reverted =
      rpc_->Call({.from = std::nullopt, .to = *reverting, .data = {}}, BlockTag::kLatest);
  ASSERT_FALSE(reverted.ok());
  EXPECT_EQ(reverted.error().code(), ErrorCode::kFailedPrecondition) << reverted.error().ToString();
  EXPECT_THAT(reverted.error().message(), HasSubstr("boom"));
  auto estimate = rpc_->EstimateGas({.from = Dev(), .to = *reverting, .data = {}});
  ASSERT_FALSE(estimate.ok());
  EXPECT_EQ(estimate.error().code(), ErrorCode::kFailedPrecondition) << estimate.error().ToString();
  EXPECT_THAT(estimate.error().message(), HasSubstr("boom"));
}

TEST_F(EthereumRpcAnvilTest, BlobTransactionWithBlobProof) {
  const kzg::Blob blob = PatternBlob(3);
  const auto tx = MakeBlobTx(blob, eth::SidecarVersion::kEip4844);
  ASSERT_TRUE(tx.has_value());
  ExpectBlobMined(*tx, blob);
}

// Anvil 1.7 on the prague hardfork accepts the EIP-7594 network form (wrapper version 1, 128
// cell proofs) as well.
TEST_F(EthereumRpcAnvilTest, BlobTransactionWithCellProofs) {
  const kzg::Blob blob = PatternBlob(5);
  const auto tx = MakeBlobTx(blob, eth::SidecarVersion::kEip7594);
  ASSERT_TRUE(tx.has_value());
  ExpectBlobMined(*tx, blob);
}

TEST_F(EthereumRpcAnvilTest, NodeKilledMidTestIsUnavailable) {
  ASSERT_TRUE(rpc_->ChainId().ok());
  anvil_->Kill();
  auto chain_id = rpc_->ChainId();
  ASSERT_FALSE(chain_id.ok());
  EXPECT_EQ(chain_id.error().code(), ErrorCode::kUnavailable) << chain_id.error().ToString();
  EXPECT_TRUE(chain_id.error().transient());
}

}  // namespace
}  // namespace orch::ethereum
