#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/u256.h"
#include "orch/eth/address.h"
#include "orch/eth/bytes.h"

// The Ethereum JSON-RPC calls the orchestrator makes (protocols.md §10.2), as a small interface:
// the settlement client and the transaction manager depend on it, tests substitute it.
namespace orch::ethereum {

/// A block by tag, as JSON-RPC takes it.
enum class BlockTag { kLatest, kPending, kSafe, kFinalized };

struct LogEntry {
  eth::Address address;
  std::vector<eth::Hash32> topics;
  eth::Bytes data;
};

struct TransactionReceipt {
  eth::Hash32 transaction_hash{};
  std::uint64_t block_number = 0;
  eth::Hash32 block_hash{};
  bool success = false;  // status 0x1
  std::uint64_t gas_used = 0;
  crypto::U256 effective_gas_price;
  std::optional<std::uint64_t> blob_gas_used;
  std::optional<crypto::U256> blob_gas_price;
  std::optional<eth::Address> contract_address;  // set by a deployment
  std::vector<LogEntry> logs;
};

/// The fee market of the latest block.
struct FeeMarket {
  crypto::U256 base_fee_per_gas;
  crypto::U256 blob_base_fee;             // eth_blobBaseFee
  crypto::U256 max_priority_fee_per_gas;  // eth_maxPriorityFeePerGas
};

struct CallRequest {
  std::optional<eth::Address> from;
  eth::Address to;
  eth::Bytes data;
  /// For a call that reads blobhash(i), as a type-3 transaction would: the blobs' versioned
  /// hashes and the blob fee cap that goes with them.
  std::vector<eth::Hash32> blob_versioned_hashes;
  std::optional<crypto::U256> max_fee_per_blob_gas;
};

/// Errors of every method:
///  - kUnavailable / kTimeout (transient): the node could not be reached, answered 5xx or 429,
///    or with a JSON-RPC error the node itself calls temporary;
///  - kInvalidArgument (permanent): the node rejected the request (e.g. a JSON-RPC -32602, a
///    transaction that does not decode, "nonce too low", "replacement transaction
///    underpriced": the message keeps the node's words so callers can tell these apart);
///  - kFailedPrecondition (permanent): an eth_call or gas estimate reverted; the message holds
///    the decoded revert reason (Error(string)) or the raw revert data in hex;
///  - kDataLoss (permanent): the answer is not what the method returns (malformed JSON, a
///    missing field, a number that does not fit).
/// Implementations are thread-safe.
class EthereumRpc {
 public:
  virtual ~EthereumRpc() = default;

  virtual Result<std::uint64_t> ChainId() = 0;
  virtual Result<std::uint64_t> BlockNumber() = 0;
  /// eth_getTransactionCount(address, tag): kLatest counts mined transactions, kPending also
  /// those in the node's pool.
  virtual Result<std::uint64_t> GetTransactionCount(const eth::Address& address, BlockTag tag) = 0;
  virtual Result<FeeMarket> GetFeeMarket() = 0;
  virtual Result<eth::Bytes> Call(const CallRequest& request, BlockTag tag) = 0;
  virtual Result<std::uint64_t> EstimateGas(const CallRequest& request) = 0;
  /// Sends a signed transaction in its network form; returns its hash.
  virtual Result<eth::Hash32> SendRawTransaction(std::span<const std::uint8_t> raw) = 0;
  /// nullopt while the transaction is not mined (or unknown to the node).
  virtual Result<std::optional<TransactionReceipt>> GetTransactionReceipt(
      const eth::Hash32& hash) = 0;
  /// Any other method (anvil_*, evm_*, debug_*): the "result" member as it came.
  virtual Result<nlohmann::json> Request(std::string_view method, nlohmann::json params) = 0;
};

}  // namespace orch::ethereum
