#pragma once

#include <optional>
#include <string>

#include "orch/app/pipeline_settings.h"
#include "orch/cli/run_command.h"
#include "orch/clients/settlement/ethereum/transaction_manager.h"
#include "orch/common/result.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/secp256k1.h"

namespace orch::cli {

using app::EthereumSettlementSettings;

/// The Ethereum settlement settings, or nullopt without --settle-on-ethereum.
/// Errors: kInvalidArgument naming the flag (missing RPC URL, key or core contract; a URL that
/// is not http(s); a key that is not 32 bytes of hex, never quoted; a malformed address; a
/// non-positive count or timeout; a fee cap that is not a decimal number of wei).
Result<std::optional<EthereumSettlementSettings>> EthereumSettlementFrom(const RunOptions& options);

/// One line for the startup log: the node's origin (scheme, host and port only), the core
/// contract, the sender address, the sidecar form and the fee policy. Never the key.
std::string DescribeEthereumSettlement(const EthereumSettlementSettings& settings);

}  // namespace orch::cli
