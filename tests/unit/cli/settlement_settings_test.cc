#include "orch/cli/settlement_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace orch::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

RunOptions EthereumRun() {
  RunOptions run;
  run.settle_on_ethereum = true;
  run.ethereum_rpc_url = "https://user:secret@eth.example.com:8545/v3/api-key-in-path?token=q";
  run.ethereum_private_key = kKey;
  run.l1_core_contract_address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  return run;
}

std::string ErrorOf(const RunOptions& run) {
  const auto settings = EthereumSettlementFrom(run);
  EXPECT_FALSE(settings.ok());
  return settings.ok() ? "" : settings.error().message();
}

TEST(SettlementSettingsTest, NothingWithoutSettleOnEthereum) {
  const auto settings = EthereumSettlementFrom(RunOptions{});
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  EXPECT_FALSE(settings->has_value());
}

TEST(SettlementSettingsTest, TheReferenceDefaults) {
  const auto settings = EthereumSettlementFrom(EthereumRun());
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  ASSERT_TRUE(settings->has_value());
  const EthereumSettlementSettings& ethereum = **settings;
  EXPECT_EQ(ethereum.sidecar_version, eth::SidecarVersion::kEip7594);
  EXPECT_EQ(ethereum.transactions.max_fee_bumps, 2u);
  EXPECT_EQ(ethereum.transactions.replace_after, std::chrono::seconds(300));
  EXPECT_EQ(ethereum.transactions.confirmations, 3u);
  EXPECT_EQ(ethereum.transactions.max_total_fee_wei, crypto::U256(10'000'000'000'000'000));
  EXPECT_EQ(ethereum.key.GetAddress().ToLowerHex(), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
}

TEST(SettlementSettingsTest, FlagsReachTheSettings) {
  RunOptions run = EthereumRun();
  run.disable_peerdas = true;
  run.ethereum_max_fee_bumps = 5;
  run.ethereum_tx_confirmation_timeout_secs = 60;
  run.ethereum_confirmations = 1;
  run.ethereum_l2_state_update_max_fee_wei = "123";
  const auto settings = EthereumSettlementFrom(run);
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  const EthereumSettlementSettings& ethereum = **settings;
  EXPECT_EQ(ethereum.sidecar_version, eth::SidecarVersion::kEip4844);
  EXPECT_EQ(ethereum.transactions.max_fee_bumps, 5u);
  EXPECT_EQ(ethereum.transactions.replace_after, std::chrono::seconds(60));
  EXPECT_EQ(ethereum.transactions.confirmations, 1u);
  EXPECT_EQ(ethereum.transactions.max_total_fee_wei, crypto::U256(123));
}

TEST(SettlementSettingsTest, BadValuesNameTheirFlagAndNeverTheKey) {
  RunOptions run = EthereumRun();
  run.ethereum_rpc_url.clear();
  EXPECT_THAT(ErrorOf(run), HasSubstr("--ethereum-rpc-url"));
  run = EthereumRun();
  run.ethereum_rpc_url = "ws://eth.example.com";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--ethereum-rpc-url: expected an http(s) URL"));
  run = EthereumRun();
  run.ethereum_private_key = "0xdeadbeefdeadbeefdeadbeefdeadbeef";
  const std::string bad_key = ErrorOf(run);
  EXPECT_THAT(bad_key, HasSubstr("--ethereum-private-key"));
  EXPECT_THAT(bad_key, Not(HasSubstr("deadbeef")));
  run = EthereumRun();
  run.l1_core_contract_address = "0x1234";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--l1-core-contract-address"));
  run = EthereumRun();
  run.ethereum_confirmations = 0;
  EXPECT_THAT(ErrorOf(run), HasSubstr("--ethereum-confirmations must be positive"));
  run = EthereumRun();
  run.ethereum_l2_state_update_max_fee_wei = "1e16";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--ethereum-l2-state-update-max-fee-wei"));
}

TEST(SettlementSettingsTest, TheDescriptionShowsTheNodesOriginButNoSecret) {
  const auto settings = EthereumSettlementFrom(EthereumRun());
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  const std::string description = DescribeEthereumSettlement(**settings);
  EXPECT_THAT(description, HasSubstr("https://eth.example.com:8545"));
  EXPECT_THAT(description, HasSubstr("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
  for (const char* secret : {"secret", "api-key-in-path", "token", "ac0974bec39a17e3"}) {
    EXPECT_THAT(description, Not(HasSubstr(secret))) << description;
  }
}

}  // namespace
}  // namespace orch::cli
