#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/bytes.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/word.h"

// Deploying and driving the test contracts of contracts/*.sol (artifacts.h) on a dev node such
// as Anvil, for tests and the `orchestrator devnet` demo. These helpers send one transaction and
// wait for it; they do not retry, bump fees or replace transactions: that is the transaction
// manager's job. Calldata encoders follow protocols.md §8.1–§8.2 byte for byte.
//
// Errors of the functions that talk to the node: those of ethereum::EthereumRpc, plus kTimeout
// when no receipt came within the configured polls and kFailedPrecondition when the transaction
// was mined but reverted (status 0; the message holds its hash).
namespace orch::contracts {

/// How a helper sends a transaction and waits for its receipt.
struct SendOptions {
  /// Gas limit of the transaction; 0 means eth_estimateGas plus a quarter for calls, and
  /// kDefaultCreationGasLimit for a contract creation.
  std::uint64_t gas_limit = 0;
  /// eth_getTransactionReceipt polls before giving up with kTimeout.
  int max_receipt_polls = 100;
  std::chrono::milliseconds poll_interval{50};
  /// Waits between polls; empty means std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// Gas limit of a creation when SendOptions::gas_limit is 0 (the core contract needs ~2.1M).
inline constexpr std::uint64_t kDefaultCreationGasLimit = 8'000'000;

/// Fee caps for a new transaction, in wei.
struct TransactionFees {
  eth::Word max_priority_fee_per_gas{};
  eth::Word max_fee_per_gas{};
  eth::Word max_fee_per_blob_gas{};
};

/// Fees that get a transaction into the next blocks of a dev node: the node's priority fee,
/// twice the base fee plus that, and twice the blob base fee (at least 1 wei).
Result<TransactionFees> SuggestFees(ethereum::EthereumRpc& rpc);

/// Polls eth_getTransactionReceipt for `hash` up to options.max_receipt_polls times and returns
/// the receipt whatever its status. Errors: kTimeout, and the node's.
Result<ethereum::TransactionReceipt> WaitForReceipt(ethereum::EthereumRpc& rpc,
                                                    const eth::Hash32& hash,
                                                    const SendOptions& options = {});

/// Signs and sends an EIP-1559 transaction from `key` (nonce: the node's pending count, chain
/// id: the node's), to `to` or, without it, a contract creation; waits for the receipt.
/// Errors: kFailedPrecondition when it reverted (or, from the gas estimate, would revert: the
/// message then holds the revert reason), kTimeout, and the node's.
Result<ethereum::TransactionReceipt> SendTransaction(ethereum::EthereumRpc& rpc,
                                                     const eth::PrivateKey& key,
                                                     const std::optional<eth::Address>& to,
                                                     eth::Bytes data,
                                                     const SendOptions& options = {});

/// A deployed contract.
struct Deployment {
  eth::Address address;
  ethereum::TransactionReceipt receipt;
};

/// Deploys `creation_code` (bytecode followed by the encoded constructor arguments).
/// Errors: as SendTransaction, and kDataLoss when the receipt names no contract address.
Result<Deployment> DeployContract(ethereum::EthereumRpc& rpc, const eth::PrivateKey& key,
                                  eth::Bytes creation_code, const SendOptions& options = {});

/// Deploys contracts/MockGpsVerifier.sol.
Result<Deployment> DeployMockGpsVerifier(ethereum::EthereumRpc& rpc, const eth::PrivateKey& key,
                                         const SendOptions& options = {});

/// The constructor arguments of contracts/StarknetCoreContract.sol: the hashes it checks
/// outputs against and the state before the first update.
struct CoreContractInit {
  eth::Address verifier;
  crypto::Felt program_hash;
  /// The hash (with its prefix, protocols.md §4.5) under which facts of aggregated outputs are
  /// registered.
  crypto::Felt aggregator_program_hash;
  crypto::Felt config_hash;
  crypto::Felt state_root;
  /// The last settled block, -1 when none.
  std::int64_t block_number = -1;
  crypto::Felt block_hash;
};

/// The creation bytecode of StarknetCoreContract followed by the encoded `init`.
eth::Bytes StarknetCoreContractDeployData(const CoreContractInit& init);

/// Deploys contracts/StarknetCoreContract.sol; `key`'s address becomes its owner and operator.
Result<Deployment> DeployStarknetCoreContract(ethereum::EthereumRpc& rpc,
                                              const eth::PrivateKey& key,
                                              const CoreContractInit& init,
                                              const SendOptions& options = {});

/// Calls MockGpsVerifier.registerFact(fact) on `verifier`.
Result<ethereum::TransactionReceipt> RegisterFact(ethereum::EthereumRpc& rpc,
                                                  const eth::PrivateKey& key,
                                                  const eth::Address& verifier,
                                                  const eth::Hash32& fact,
                                                  const SendOptions& options = {});

/// Asks `verifier` whether `fact` is valid (isValid, selector 0x6a938567).
Result<bool> IsFactValid(ethereum::EthereumRpc& rpc, const eth::Address& verifier,
                         const eth::Hash32& fact);

/// Whether a contract is deployed at `address` (eth_getCode at the latest block is not empty).
/// Errors: the node's, and kDataLoss for an answer that is not hex.
Result<bool> HasCode(ethereum::EthereumRpc& rpc, const eth::Address& address);

}  // namespace orch::contracts
