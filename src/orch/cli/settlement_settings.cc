#include "orch/cli/settlement_settings.h"

#include <fmt/format.h>

#include "orch/common/url.h"

namespace orch::cli {

Result<std::optional<EthereumSettlementSettings>> EthereumSettlementFrom(
    const RunOptions& options) {
  if (!options.settle_on_ethereum) {
    return std::optional<EthereumSettlementSettings>();
  }
  if (options.ethereum_rpc_url.empty()) {
    return Error::InvalidArgument(
        "--settle-on-ethereum needs --ethereum-rpc-url (or "
        "MADARA_ORCHESTRATOR_ETHEREUM_SETTLEMENT_RPC_URL[_FILE])");
  }
  Result<Url> url = Url::Parse(options.ethereum_rpc_url);
  if (!url.ok() || (url->scheme() != "http" && url->scheme() != "https")) {
    return Error::InvalidArgument("--ethereum-rpc-url: expected an http(s) URL");
  }
  if (options.ethereum_private_key.empty()) {
    return Error::InvalidArgument(
        "--settle-on-ethereum needs --ethereum-private-key (or "
        "MADARA_ORCHESTRATOR_ETHEREUM_PRIVATE_KEY[_FILE])");
  }
  Result<eth::PrivateKey> key = eth::PrivateKey::FromHex(options.ethereum_private_key);
  if (!key.ok()) {
    // The value is a secret: say what is wrong with it, never what it is.
    return Error::InvalidArgument(
        "--ethereum-private-key: not a secp256k1 private key (expected 32 bytes of hex, 0x "
        "optional, not zero and below the curve order)");
  }
  if (options.l1_core_contract_address.empty()) {
    return Error::InvalidArgument("--settle-on-ethereum needs --l1-core-contract-address");
  }
  Result<eth::Address> core = eth::Address::Parse(options.l1_core_contract_address);
  if (!core.ok()) {
    return Error::InvalidArgument("--l1-core-contract-address: {}", core.error().message());
  }
  if (options.ethereum_max_fee_bumps < 0) {
    return Error::InvalidArgument("--ethereum-max-fee-bumps must not be negative");
  }
  if (options.ethereum_tx_confirmation_timeout_secs <= 0) {
    return Error::InvalidArgument("--ethereum-tx-confirmation-timeout-secs must be positive");
  }
  if (options.ethereum_confirmations <= 0) {
    return Error::InvalidArgument("--ethereum-confirmations must be positive");
  }
  Result<crypto::U256> max_fee =
      crypto::U256::FromDecimal(options.ethereum_l2_state_update_max_fee_wei);
  if (!max_fee.ok() || max_fee->IsZero()) {
    return Error::InvalidArgument(
        "--ethereum-l2-state-update-max-fee-wei: expected a positive decimal number of wei, got "
        "'{}'",
        options.ethereum_l2_state_update_max_fee_wei);
  }
  return std::optional(EthereumSettlementSettings{
      .rpc_url = options.ethereum_rpc_url,
      .key = *key,
      .core_contract = *core,
      .sidecar_version =
          options.disable_peerdas ? eth::SidecarVersion::kEip4844 : eth::SidecarVersion::kEip7594,
      .transactions = {
          .chain_id = 0,
          .max_fee_bumps = static_cast<std::uint32_t>(options.ethereum_max_fee_bumps),
          .replace_after = std::chrono::seconds(options.ethereum_tx_confirmation_timeout_secs),
          .confirmations = static_cast<std::uint64_t>(options.ethereum_confirmations),
          .max_total_fee_wei = *max_fee}});
}

std::string DescribeEthereumSettlement(const EthereumSettlementSettings& settings) {
  return fmt::format(
      "Ethereum at {}, core contract {}, sender {}, {} sidecars, {} confirmations, replace "
      "after {} s up to {} times, at most {} wei per update",
      OriginOf(settings.rpc_url), settings.core_contract, settings.key.GetAddress(),
      settings.sidecar_version == eth::SidecarVersion::kEip4844 ? "EIP-4844" : "EIP-7594",
      settings.transactions.confirmations,
      std::chrono::duration_cast<std::chrono::seconds>(settings.transactions.replace_after).count(),
      settings.transactions.max_fee_bumps,
      settings.transactions.max_total_fee_wei ? settings.transactions.max_total_fee_wei->ToDecimal()
                                              : "unlimited");
}

}  // namespace orch::cli
