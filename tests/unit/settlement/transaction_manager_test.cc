#include "orch/clients/settlement/ethereum/transaction_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_ethereum_rpc.h"

#include "orch/eth/bytes.h"
#include "orch/eth/keccak.h"

namespace orch::settlement {
namespace {

using crypto::U256;
using ::testing::HasSubstr;

constexpr std::string_view kKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

eth::Hash32 Hash(const job::TxAttempt& attempt) {
  return eth::FromHexFixed<32>(attempt.tx_hash).value();
}

class TransactionManagerTest : public ::testing::Test {
 protected:
  TransactionManagerTest() : key_(eth::PrivateKey::FromHex(kKey).value()) {
    rpc_.pending_count = 7;
    rpc_.mined_count = 7;
  }

  EthereumTransactionManager Manager(TransactionManagerOptions options = DefaultOptions()) {
    return EthereumTransactionManager(rpc_, key_, clock_, options);
  }

  static TransactionManagerOptions DefaultOptions() {
    return {.chain_id = 31337,
            .priority_fee_wei = U256(1'000'000),
            .max_fee_bumps = 2,
            .replace_after = std::chrono::seconds(60),
            .confirmations = 3,
            .max_total_fee_wei = std::nullopt};
  }

  // Advances until the manager waits for the chain (nonce pinned, attempt signed and sent).
  void AdvanceUntilSent(EthereumTransactionManager& manager) {
    for (int step = 0; step < 3; ++step) {
      const Result<TransactionProgress> progress = manager.Advance(request_, record_);
      ASSERT_TRUE(progress.ok()) << progress.error().ToString();
      ASSERT_EQ(progress->state, TransactionState::kWaiting) << progress->detail;
    }
  }

  testing::FakeEthereumRpc rpc_;
  testing::FakeClock clock_;
  eth::PrivateKey key_;
  EthereumTransactionRequest request_{
      .to = eth::Address::Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3").value(),
      .data = {0x50, 0x7e, 0xe5, 0x28},
      .gas_limit = 1'500'000,
      .sidecar = std::nullopt};
  job::StateUpdateMetadata record_;
};

TEST_F(TransactionManagerTest, PinsTheNonceThenSignsThenSendsThenWaitsForConfirmations) {
  EthereumTransactionManager manager = Manager();
  Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(record_.tx_nonce, 7u);
  EXPECT_TRUE(record_.tx_attempts.empty());
  EXPECT_TRUE(rpc_.sent.empty());

  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  ASSERT_EQ(record_.tx_attempts.size(), 1u);
  EXPECT_EQ(record_.tx_attempts[0].status, "Signed");
  EXPECT_TRUE(rpc_.sent.empty()) << "an attempt is recorded before it is sent";
  // 2 * base * 1.1 + tip.
  EXPECT_EQ(record_.tx_attempts[0].max_fee_per_gas, "2201000000");

  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(record_.tx_attempts[0].status, "Submitted");
  ASSERT_EQ(rpc_.sent.size(), 1u);
  EXPECT_EQ(eth::ToHex(eth::Keccak256(rpc_.sent[0])), record_.tx_attempts[0].tx_hash);

  rpc_.Mine(Hash(record_.tx_attempts[0]), 101);
  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(progress->state, TransactionState::kWaiting);
  EXPECT_THAT(progress->detail, HasSubstr("1 of 3 confirmations"));

  rpc_.block_number = 103;
  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(progress->state, TransactionState::kConfirmed);
  ASSERT_TRUE(progress->receipt.has_value());
  EXPECT_EQ(progress->receipt->block_number, 101u);
  EXPECT_EQ(record_.tx_attempts[0].status, "Finalized");
  EXPECT_EQ(record_.tx_hash, record_.tx_attempts[0].tx_hash);
  EXPECT_EQ(rpc_.sent.size(), 1u);
}

TEST_F(TransactionManagerTest, AStuckAttemptIsReplacedAtTheSameNonceWithFeesAtLeastDoubled) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok());
  EXPECT_THAT(progress->detail, HasSubstr("not mined yet"));
  EXPECT_EQ(record_.tx_attempts.size(), 1u);
  EXPECT_EQ(rpc_.sent.size(), 1u) << "an attempt still in the pool is not sent again";

  clock_.Advance(std::chrono::seconds(61));
  progress = manager.Advance(request_, record_);  // signs the replacement
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  progress = manager.Advance(request_, record_);  // sends it
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  ASSERT_EQ(record_.tx_attempts.size(), 2u);
  EXPECT_EQ(record_.tx_attempts[0].status, "TimedOut");
  EXPECT_EQ(record_.tx_attempts[1].status, "Submitted");
  EXPECT_EQ(record_.tx_attempts[1].nonce, 7u);
  EXPECT_NE(record_.tx_attempts[1].tx_hash, record_.tx_attempts[0].tx_hash);
  const U256 first = U256::FromDecimal(*record_.tx_attempts[0].max_fee_per_gas).value();
  const U256 second = U256::FromDecimal(*record_.tx_attempts[1].max_fee_per_gas).value();
  EXPECT_GE(second * U256(10), first * U256(21));
  EXPECT_EQ(record_.tx_attempts[1].gas_multiplier, "2.10");

  // The replacement lands; the first attempt is then known as replaced.
  rpc_.Mine(Hash(record_.tx_attempts[1]), 110);
  rpc_.block_number = 112;
  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(progress->state, TransactionState::kConfirmed);
  EXPECT_EQ(record_.tx_attempts[0].status, "Replaced");
  EXPECT_EQ(record_.tx_attempts[1].status, "Finalized");
}

TEST_F(TransactionManagerTest, StopsBumpingAfterTheLastAllowedBump) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  for (int bump = 0; bump < 4; ++bump) {
    clock_.Advance(std::chrono::seconds(61));
    for (int step = 0; step < 2; ++step) {
      ASSERT_TRUE(manager.Advance(request_, record_).ok());
    }
  }
  EXPECT_EQ(record_.tx_attempts.size(), 3u);  // the first and 2 bumps
  const Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok());
  EXPECT_THAT(progress->detail, HasSubstr("no fee bump left"));
}

TEST_F(TransactionManagerTest, ARestartResendsTheRecordedAttemptByteForByte) {
  {
    EthereumTransactionManager manager = Manager();
    ASSERT_TRUE(manager.Advance(request_, record_).ok());  // nonce
    ASSERT_TRUE(manager.Advance(request_, record_).ok());  // signed, stored, then the crash
  }
  const job::StateUpdateMetadata stored = record_;
  EthereumTransactionManager restarted = Manager();
  ASSERT_TRUE(restarted.Advance(request_, record_).ok());
  ASSERT_EQ(rpc_.sent.size(), 1u);
  EXPECT_EQ(eth::ToHex(eth::Keccak256(rpc_.sent[0])), stored.tx_attempts[0].tx_hash);

  // Sent but the record not stored (crash): the resend is "already known", no second tx.
  record_ = stored;
  rpc_.send_errors.push_back(Error::InvalidArgument("already known"));
  ASSERT_TRUE(restarted.Advance(request_, record_).ok());
  EXPECT_EQ(record_.tx_attempts.size(), 1u);
  EXPECT_EQ(record_.tx_attempts[0].status, "Submitted");
  EXPECT_EQ(rpc_.sent[1], rpc_.sent[0]);
}

TEST_F(TransactionManagerTest, AnAttemptTheRestartedNodeForgotIsSentAgainAsIs) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  const std::optional<std::int64_t> submitted_at = record_.tx_attempts[0].submitted_at_ms;
  clock_.Advance(std::chrono::seconds(30));
  rpc_.ForgetPool();
  Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_THAT(progress->detail, HasSubstr("sent again"));
  ASSERT_EQ(rpc_.sent.size(), 2u);
  EXPECT_EQ(rpc_.sent[1], rpc_.sent[0]);
  ASSERT_EQ(record_.tx_attempts.size(), 1u);
  EXPECT_EQ(record_.tx_attempts[0].status, "Submitted");
  EXPECT_EQ(record_.tx_attempts[0].submitted_at_ms, submitted_at);

  // The replacement is still due 60 s after the first send, not after the resend.
  clock_.Advance(std::chrono::seconds(31));
  progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  ASSERT_EQ(record_.tx_attempts.size(), 2u);
  EXPECT_EQ(record_.tx_attempts[0].status, "TimedOut");
}

TEST_F(TransactionManagerTest, AResendTheNodeRefusesForAnotherReasonIsItsError) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  rpc_.ForgetPool();
  rpc_.send_errors.push_back(Error::Unavailable("connection refused"));
  const Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_FALSE(progress.ok());
  EXPECT_TRUE(progress.error().transient());
  EXPECT_EQ(record_.tx_attempts[0].status, "Submitted");
}

TEST_F(TransactionManagerTest, TheFeeCapPausesWithoutSending) {
  TransactionManagerOptions options = DefaultOptions();
  options.max_total_fee_wei = U256(1'000'000'000'000'000);  // 0.001 ETH < 1.5M gas * 2.2 gwei
  EthereumTransactionManager manager = Manager(options);
  ASSERT_TRUE(manager.Advance(request_, record_).ok());
  const Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(progress->state, TransactionState::kFeeCapExceeded);
  EXPECT_THAT(progress->detail, HasSubstr("more than the cap of 1000000000000000 wei"));
  EXPECT_TRUE(record_.tx_attempts.empty());
  EXPECT_TRUE(rpc_.sent.empty());
}

TEST_F(TransactionManagerTest, ARevertIsPermanentAndCarriesTheReason) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  rpc_.Mine(Hash(record_.tx_attempts[0]), 101, /*success=*/false);
  rpc_.call_error = Error::FailedPrecondition("execution reverted: INVALID_PREVIOUS_ROOT");
  const Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_FALSE(progress.ok());
  EXPECT_FALSE(progress.error().transient());
  EXPECT_THAT(progress.error().message(), HasSubstr("reverted in block 101"));
  EXPECT_THAT(progress.error().message(), HasSubstr("INVALID_PREVIOUS_ROOT"));
  EXPECT_EQ(record_.tx_attempts[0].status, "Reverted");
}

TEST_F(TransactionManagerTest, ANonceUsedWithoutAReceiptIsReportedAndNothingMoreIsSent) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  rpc_.mined_count = 8;  // nonce 7 used, and no recorded attempt has a receipt (yet)
  clock_.Advance(std::chrono::seconds(61));  // even when a replacement would be due
  const Result<TransactionProgress> progress = manager.Advance(request_, record_);
  ASSERT_TRUE(progress.ok()) << progress.error().ToString();
  EXPECT_EQ(progress->state, TransactionState::kNonceUsedWithoutReceipt);
  EXPECT_THAT(progress->detail, HasSubstr("nonce 7"));
  EXPECT_EQ(record_.tx_attempts.size(), 1u) << "nothing new is signed";
  EXPECT_EQ(rpc_.sent.size(), 1u);

  // The node catches up: the receipt appears.
  --rpc_.mined_count;
  rpc_.Mine(Hash(record_.tx_attempts[0]), 110);
  const Result<TransactionProgress> mined = manager.Advance(request_, record_);
  ASSERT_TRUE(mined.ok()) << mined.error().ToString();
  EXPECT_THAT(mined->detail, HasSubstr("mined in block 110"));
}

TEST_F(TransactionManagerTest, AnUnderpricedReplacementIsBumpedAgain) {
  EthereumTransactionManager manager = Manager();
  ASSERT_NO_FATAL_FAILURE(AdvanceUntilSent(manager));
  clock_.Advance(std::chrono::seconds(61));
  ASSERT_TRUE(manager.Advance(request_, record_).ok());  // sign replacement
  rpc_.send_errors.push_back(Error::InvalidArgument("replacement transaction underpriced"));
  ASSERT_TRUE(manager.Advance(request_, record_).ok());
  EXPECT_EQ(record_.tx_attempts[1].status, "RejectedUnderpriced");
  ASSERT_TRUE(manager.Advance(request_, record_).ok());  // sign the next one
  ASSERT_EQ(record_.tx_attempts.size(), 3u);
  EXPECT_EQ(record_.tx_attempts[2].status, "Signed");
}

TEST_F(TransactionManagerTest, TransientSendErrorsKeepTheAttemptForTheNextTry) {
  EthereumTransactionManager manager = Manager();
  ASSERT_TRUE(manager.Advance(request_, record_).ok());
  ASSERT_TRUE(manager.Advance(request_, record_).ok());
  rpc_.send_errors.push_back(Error::Unavailable("connection refused"));
  const Result<TransactionProgress> failed = manager.Advance(request_, record_);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().transient());
  EXPECT_EQ(record_.tx_attempts[0].status, "Signed");
  ASSERT_TRUE(manager.Advance(request_, record_).ok());
  EXPECT_EQ(record_.tx_attempts[0].status, "Submitted");
}

}  // namespace
}  // namespace orch::settlement
