#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "orch/clients/ethereum/ethereum_rpc.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/crypto/u256.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/bytes.h"
#include "orch/eth/secp256k1.h"
#include "orch/job/job_metadata.h"

namespace orch::settlement {

/// The transaction a settlement wants on L1: a call, with blobs when `sidecar` is set.
struct EthereumTransactionRequest {
  eth::Address to;
  eth::Bytes data;
  std::uint64_t gas_limit = 0;
  std::optional<eth::BlobSidecar> sidecar;  // commitments and proofs computed
};

struct TransactionManagerOptions {
  std::uint64_t chain_id = 0;
  crypto::U256 priority_fee_wei{200'000'000};  // 0.2 gwei, as the reference
  std::uint32_t max_fee_bumps = 3;
  /// An attempt not mined this long after sending is replaced (same nonce, higher fees).
  std::chrono::milliseconds replace_after{std::chrono::minutes(2)};
  std::uint64_t confirmations = 3;
  /// gas_limit * max_fee + blobs * 131072 * max_blob_fee must stay below it (none when unset).
  std::optional<crypto::U256> max_total_fee_wei;
};

enum class TransactionState {
  kWaiting,         // nothing final yet: call Advance again later
  kConfirmed,       // mined, succeeded, confirmed: `receipt` is set
  kFeeCapExceeded,  // the next attempt would cost more than allowed: nothing was sent
  // The nonce is used but no recorded attempt has a receipt: a node that lags behind its own
  // nonce count or lost its receipts (a restarted dev node), or another sender. Nothing more is
  // sent; the caller decides from the contract's state.
  kNonceUsedWithoutReceipt,
};

struct TransactionProgress {
  TransactionState state = TransactionState::kWaiting;
  std::optional<ethereum::TransactionReceipt> receipt;
  std::string detail;  // what happened, for logs and the job's status
};

/// Gets one settlement transaction mined, across restarts. The caller owns the record (the
/// StateTransition job's metadata: `tx_nonce` and `tx_attempts`) and stores it after every
/// call; each call does at most one step that leaves the outside world changed:
///
///  1. pin the nonce (the account's pending count) in the record;
///  2. sign an attempt and record it ("Signed") before it is sent, so that a crash between
///     sending and storing never loses a transaction: after a restart the recorded attempt is
///     rebuilt byte for byte (deterministic signing) and sent again, which the node treats as
///     the same transaction;
///  3. send a Signed attempt ("Submitted"); send a Submitted one again, unchanged, when the
///     node no longer has anything pending at the nonce (a restarted node forgets its pool);
///  4. look for a receipt of every attempt: one mined with `confirmations` confirmations is
///     "Finalized" and the others "Replaced"; a reverted one is a permanent error carrying the
///     revert reason;
///  5. replace an attempt not mined after `replace_after` at the same nonce, with every fee at
///     least 2.1 times the previous one (the blob pool wants 2x, the others 1.1x) and at least
///     the current market, up to `max_fee_bumps` replacements; an attempt that would break the
///     fee cap is not signed (kFeeCapExceeded: the caller pauses and alerts).
/// All attempts share the nonce, so at most one of them can ever be mined.
///
/// Errors: the node's transient errors (retry later); kFailedPrecondition (permanent) for a
/// revert (with its reason); kInvalidArgument (permanent) for a request the node refuses.
/// Thread-compatible: one call at a time per record; the engine's lease ensures that.
class EthereumTransactionManager {
 public:
  EthereumTransactionManager(ethereum::EthereumRpc& rpc, const eth::PrivateKey& key,
                             const Clock& clock, TransactionManagerOptions options);

  Result<TransactionProgress> Advance(const EthereumTransactionRequest& request,
                                      job::StateUpdateMetadata& record);

  const eth::Address& sender() const { return sender_; }

 private:
  // The progress when an attempt was mined, nullopt when none was.
  Result<std::optional<TransactionProgress>> CheckReceipts(
      const EthereumTransactionRequest& request, job::StateUpdateMetadata& record);
  Result<TransactionProgress> SignAttempt(const EthereumTransactionRequest& request,
                                          job::StateUpdateMetadata& record);
  Result<TransactionProgress> SendAttempt(const EthereumTransactionRequest& request,
                                          job::StateUpdateMetadata& record,
                                          job::TxAttempt& attempt);
  Result<TransactionProgress> ResendAttempt(const EthereumTransactionRequest& request,
                                            const job::TxAttempt& attempt);

  ethereum::EthereumRpc& rpc_;
  const eth::PrivateKey& key_;
  const Clock& clock_;
  TransactionManagerOptions options_;
  eth::Address sender_;
};

}  // namespace orch::settlement
