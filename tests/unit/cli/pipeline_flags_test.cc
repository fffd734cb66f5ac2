#include "orch/cli/pipeline_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

#include "orch/cli/settlement_settings.h"

namespace orch::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSettlementKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr const char* kMockKey =
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

RunOptions PipelineRun() {
  RunOptions run;
  run.madara_rpc_url = "http://madara.example:9944/";
  run.snos_runner = "fixture:/var/lib/snos";
  run.prover = "mock";
  run.settle_on_ethereum = true;
  run.ethereum_rpc_url = "https://eth.example.com/v3/secret-key";
  run.ethereum_private_key = kSettlementKey;
  run.l1_core_contract_address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  return run;
}

Result<std::optional<app::PipelineSettings>> SettingsOf(const RunOptions& run) {
  const auto settlement = EthereumSettlementFrom(run);
  EXPECT_TRUE(settlement.ok()) << settlement.error().ToString();
  return PipelineSettingsFrom(run, engine::Layer::kL2, *settlement);
}

std::string ErrorOf(const RunOptions& run) {
  const auto settings = SettingsOf(run);
  EXPECT_FALSE(settings.ok());
  return settings.ok() ? "" : settings.error().message();
}

TEST(PipelineFlagsTest, NoPipelineWithoutAMadaraUrl) {
  const auto settings = SettingsOf(RunOptions{});
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  EXPECT_FALSE(settings->has_value());
  RunOptions prover_only;
  prover_only.prover = "mock";
  EXPECT_THAT(ErrorOf(prover_only), HasSubstr("needs --madara-rpc-url"));
}

TEST(PipelineFlagsTest, AMinimalPipelineGetsTheDefaults) {
  const auto settings = SettingsOf(PipelineRun());
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  ASSERT_TRUE(settings->has_value());
  const app::PipelineSettings& pipeline = **settings;
  // The SNOS RPC defaults to the node, without the trailing slash the sidecar would double.
  EXPECT_EQ(pipeline.snos_rpc_url, "http://madara.example:9944");
  EXPECT_EQ(pipeline.snos_runner.kind, app::SnosRunnerSettings::Kind::kFixture);
  EXPECT_EQ(pipeline.snos_runner.target, "/var/lib/snos");
  EXPECT_EQ(pipeline.snos_runner.timeout, std::chrono::seconds(240));
  EXPECT_EQ(pipeline.snos.layout, "all_cairo");
  EXPECT_TRUE(pipeline.snos.use_kzg_da);
  EXPECT_FALSE(pipeline.snos.full_output);
  EXPECT_EQ(pipeline.prover.kind, app::ProverSettings::Kind::kMock);
  EXPECT_FALSE(pipeline.prover.mock.verifier.has_value());
  EXPECT_TRUE(pipeline.settlement.has_value());
  EXPECT_FALSE(pipeline.verification_polling_delay.has_value());
  // The fee tokens come from the feeder gateway, at the node's URL unless given.
  EXPECT_EQ(pipeline.feeder_gateway_url, "http://madara.example:9944/");
  EXPECT_FALSE(pipeline.strk_fee_token_address.has_value());
  EXPECT_FALSE(pipeline.eth_fee_token_address.has_value());
}

TEST(PipelineFlagsTest, GivenFeeTokensReplaceTheFeederGateways) {
  RunOptions run = PipelineRun();
  run.strk_fee_token_address = "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";
  run.eth_fee_token_address = "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7";
  const auto settings = SettingsOf(run);
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  EXPECT_EQ((**settings).strk_fee_token_address,
            crypto::Felt::FromHex(run.strk_fee_token_address).value());
  EXPECT_EQ((**settings).eth_fee_token_address,
            crypto::Felt::FromHex(run.eth_fee_token_address).value());
  run.eth_fee_token_address = "0xnope";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--eth-fee-token-address: '0xnope' is not a field element"));
}

TEST(PipelineFlagsTest, TheSnosRunnerMustBeNamedAndOfAKnownKind) {
  RunOptions run = PipelineRun();
  run.snos_runner.clear();
  EXPECT_THAT(ErrorOf(run),
              HasSubstr("--snos-runner command:<program> | http:<url> | fixture:<dir>"));
  run.snos_runner = "docker:snos";
  EXPECT_THAT(ErrorOf(run), HasSubstr("of kind 'docker'"));
  run.snos_runner = "command:";
  EXPECT_THAT(ErrorOf(run), HasSubstr("the program is missing"));
  run.snos_runner = "http:ftp://sidecar";
  EXPECT_THAT(ErrorOf(run), HasSubstr("expected an http(s) URL"));
}

TEST(PipelineFlagsTest, ARunnerTimeoutMustEndBeforeTheLease) {
  RunOptions run = PipelineRun();
  run.snos_runner_timeout_seconds = 300;
  run.snos_job_timeout_seconds = 300;
  EXPECT_THAT(ErrorOf(run), HasSubstr("must be below --snos-job-timeout-seconds (300)"));
}

TEST(PipelineFlagsTest, TheMockProverTakesAVerifierAndItsOwnKey) {
  RunOptions run = PipelineRun();
  run.mock_verifier_address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
  run.mock_prover_private_key = kMockKey;
  const auto settings = SettingsOf(run);
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  EXPECT_TRUE((**settings).prover.mock.verifier.has_value());
  EXPECT_TRUE((**settings).prover.mock.sender.has_value());

  run.mock_prover_private_key = "0x1234";
  const std::string error = ErrorOf(run);
  EXPECT_THAT(error, HasSubstr("--mock-prover-private-key: not a secp256k1 private key"));
  EXPECT_THAT(error, Not(HasSubstr("0x1234")));

  run.mock_prover_private_key = kMockKey;
  run.store_audit_artifacts = true;
  EXPECT_THAT(ErrorOf(run), HasSubstr("the mock prover does not"));
}

TEST(PipelineFlagsTest, AtlanticNeedsAKeyAndKnownValues) {
  RunOptions run = PipelineRun();
  run.prover = "Atlantic";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--prover atlantic needs --atlantic-api-key"));
  run.atlantic_api_key = "k-123";
  run.atlantic_network = "devnet";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--atlantic-network: expected one of mainnet, testnet"));
  run.atlantic_network = "MAINNET";
  run.atlantic_result = "proof-verification-on-l1";
  run.atlantic_verifier_contract_address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  run.atlantic_request_timeout_seconds = 0;
  EXPECT_THAT(ErrorOf(run), HasSubstr("--atlantic-request-timeout-seconds must be positive"));
  run.atlantic_request_timeout_seconds = 5;
  const auto settings = SettingsOf(run);
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  const app::ProverSettings& prover = (**settings).prover;
  EXPECT_EQ(prover.kind, app::ProverSettings::Kind::kAtlantic);
  EXPECT_EQ(prover.atlantic.api_key, "k-123");
  EXPECT_EQ(prover.atlantic.network, prover::AtlanticNetwork::kMainnet);
  EXPECT_EQ(prover.atlantic.result_step, "PROOF_VERIFICATION_ON_L1");
  EXPECT_EQ(prover.atlantic.request_timeout, std::chrono::seconds(5));
  // The fact check asks the settlement node unless told otherwise.
  ASSERT_TRUE(prover.atlantic_fact_check.has_value());
  EXPECT_EQ(prover.atlantic_fact_check->rpc_url, run.ethereum_rpc_url);
}

TEST(PipelineFlagsTest, SharpNeedsItsUrlCustomerAndCertificateFiles) {
  test_support::TempDir dir;
  RunOptions run = PipelineRun();
  run.prover = "sharp";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--prover sharp needs --sharp-url"));
  run.sharp_url = "https://sharp.example:443/v1/gateway";
  run.sharp_customer_id = "c-1";
  run.sharp_user_crt_file = dir.File("user.crt");
  run.sharp_user_key_file = dir.File("user.key");
  run.sharp_server_crt_file = dir.File("server.crt");
  EXPECT_THAT(ErrorOf(run), HasSubstr("user.crt does not exist"));
  for (const std::string& file :
       {run.sharp_user_crt_file, run.sharp_user_key_file, run.sharp_server_crt_file}) {
    std::ofstream(file) << "PEM";
  }
  const auto settings = SettingsOf(run);
  ASSERT_TRUE(settings.ok()) << settings.error().ToString();
  EXPECT_EQ((**settings).prover.sharp_tls.client_key_file, run.sharp_user_key_file);
}

TEST(PipelineFlagsTest, OtherValuesAreCheckedAndNamed) {
  RunOptions run = PipelineRun();
  run.snos_layout_name = "huge";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--snos-layout-name: unknown layout 'huge'"));
  run = PipelineRun();
  run.da_public_keys = "0x12,zz";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--da-public-keys: 'zz' is not a field element"));
  run = PipelineRun();
  run.madara_rpc_url = "madara:9944";
  EXPECT_THAT(ErrorOf(run), HasSubstr("--madara-rpc-url: expected an http(s) URL"));
  run = PipelineRun();
  run.verification_poll_ms = 100;
  const auto settings = SettingsOf(run);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ((**settings).verification_polling_delay, std::chrono::milliseconds(100));
  run.settle_on_ethereum = false;
  run.da_on_ethereum = true;
  const auto no_settlement = PipelineSettingsFrom(run, engine::Layer::kL2, std::nullopt);
  ASSERT_FALSE(no_settlement.ok());
  EXPECT_THAT(no_settlement.error().message(), HasSubstr("needs --settle-on-ethereum"));
}

}  // namespace
}  // namespace orch::cli
