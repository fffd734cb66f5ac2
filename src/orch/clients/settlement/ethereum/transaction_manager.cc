#include "orch/clients/settlement/ethereum/transaction_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "orch/eth/transaction.h"

namespace orch::settlement {
namespace {

using crypto::U256;

constexpr std::string_view kSigned = "Signed";
constexpr std::string_view kSubmitted = "Submitted";
constexpr std::string_view kMined = "Mined";
constexpr std::string_view kFinalized = "Finalized";
constexpr std::string_view kReplaced = "Replaced";
constexpr std::string_view kTimedOut = "TimedOut";
constexpr std::string_view kRejectedUnderpriced = "RejectedUnderpriced";
constexpr std::string_view kSubmissionFailed = "SubmissionFailed";
constexpr std::string_view kReverted = "Reverted";

struct Fees {
  U256 max_fee;
  U256 max_priority_fee;
  U256 max_blob_fee;
};

U256 CeilRatio(const U256& value, std::uint64_t numerator, std::uint64_t denominator) {
  return (value * U256(numerator) + U256(denominator - 1)) / U256(denominator);
}

// The first attempt's fees, as the reference prices them: twice the base fee plus 10 %, plus
// the tip; the blob fee 10 % above the blob base fee.
Fees MarketFees(const ethereum::FeeMarket& market, const U256& priority_fee) {
  return {.max_fee = CeilRatio(market.base_fee_per_gas, 22, 10) + priority_fee,
          .max_priority_fee = priority_fee,
          .max_blob_fee = std::max(CeilRatio(market.blob_base_fee, 11, 10), U256(1))};
}

// A replacement: every fee at least 2.1 times the previous one (the blob pool needs 2x, the
// transaction pool 1.1x) and at least what the market asks now.
Fees BumpedFees(const Fees& previous, const Fees& market) {
  return {.max_fee = std::max(market.max_fee, CeilRatio(previous.max_fee, 21, 10)),
          .max_priority_fee =
              std::max(market.max_priority_fee, CeilRatio(previous.max_priority_fee, 21, 10)),
          .max_blob_fee = std::max(market.max_blob_fee, CeilRatio(previous.max_blob_fee, 21, 10))};
}

Result<U256> ParseFee(const std::optional<std::string>& text, std::string_view field,
                      std::uint64_t attempt_no) {
  if (!text) {
    return Error::DataLoss("attempt {} has no {}", attempt_no, field);
  }
  Result<U256> value = U256::FromDecimal(*text);
  if (!value.ok()) {
    return Error::DataLoss("attempt {}: {} {}", attempt_no, field, value.error().message());
  }
  return value;
}

Result<Fees> FeesOf(const job::TxAttempt& attempt) {
  Fees fees;
  ORCH_ASSIGN_OR_RETURN(fees.max_fee,
                        ParseFee(attempt.max_fee_per_gas, "max_fee_per_gas", attempt.attempt_no));
  ORCH_ASSIGN_OR_RETURN(
      fees.max_priority_fee,
      ParseFee(attempt.max_priority_fee_per_gas, "max_priority_fee_per_gas", attempt.attempt_no));
  ORCH_ASSIGN_OR_RETURN(fees.max_blob_fee, ParseFee(attempt.max_fee_per_blob_gas,
                                                    "max_fee_per_blob_gas", attempt.attempt_no));
  return fees;
}

// The signed transaction of an attempt and its bytes for eth_sendRawTransaction.
struct BuiltTransaction {
  eth::Hash32 hash{};
  eth::Bytes raw;
};

Result<BuiltTransaction> Build(const EthereumTransactionRequest& request, std::uint64_t chain_id,
                               std::uint64_t nonce, const Fees& fees, const eth::PrivateKey& key) {
  if (request.sidecar) {
    eth::Eip4844Transaction transaction{
        .chain_id = chain_id,
        .nonce = nonce,
        .max_priority_fee_per_gas = fees.max_priority_fee.ToBytesBe(),
        .max_fee_per_gas = fees.max_fee.ToBytesBe(),
        .gas_limit = request.gas_limit,
        .to = request.to,
        .value = {},
        .data = request.data,
        .access_list = {},
        .max_fee_per_blob_gas = fees.max_blob_fee.ToBytesBe(),
        .blob_versioned_hashes = eth::VersionedHashes(*request.sidecar)};
    const auto signed_transaction = eth::SignTransaction(transaction, key);
    ORCH_ASSIGN_OR_RETURN(eth::Bytes raw,
                          eth::EncodeNetworkTransaction(signed_transaction, *request.sidecar));
    return BuiltTransaction{eth::TransactionHash(signed_transaction), std::move(raw)};
  }
  eth::Eip1559Transaction transaction{.chain_id = chain_id,
                                      .nonce = nonce,
                                      .max_priority_fee_per_gas = fees.max_priority_fee.ToBytesBe(),
                                      .max_fee_per_gas = fees.max_fee.ToBytesBe(),
                                      .gas_limit = request.gas_limit,
                                      .to = request.to,
                                      .value = {},
                                      .data = request.data,
                                      .access_list = {}};
  const auto signed_transaction = eth::SignTransaction(transaction, key);
  return BuiltTransaction{eth::TransactionHash(signed_transaction),
                          eth::EncodeTransaction(signed_transaction)};
}

// A recorded attempt signed again (signing is deterministic): the same bytes as first sent.
Result<BuiltTransaction> Rebuild(const EthereumTransactionRequest& request, std::uint64_t chain_id,
                                 const job::TxAttempt& attempt, const eth::PrivateKey& key) {
  ORCH_ASSIGN_OR_RETURN(const Fees fees, FeesOf(attempt));
  ORCH_ASSIGN_OR_RETURN(BuiltTransaction built, Build(request, chain_id, attempt.nonce, fees, key));
  if (eth::ToHex(built.hash) != attempt.tx_hash) {
    return Error::FailedPrecondition(
        "attempt {} rebuilds to {} instead of the recorded {}: the request changed",
        attempt.attempt_no, eth::ToHex(built.hash), attempt.tx_hash);
  }
  return built;
}

// gas_limit * max_fee + blobs * 131072 * max_blob_fee: the most the attempt can cost.
U256 WorstCaseCost(const EthereumTransactionRequest& request, const Fees& fees) {
  const std::uint64_t blobs = request.sidecar ? request.sidecar->blobs.size() : 0;
  return U256(request.gas_limit) * fees.max_fee +
         U256(blobs * eth::kBytesPerBlob) * fees.max_blob_fee;
}

bool MayBeInPool(const job::TxAttempt& attempt) {
  return attempt.status == kSigned || attempt.status == kSubmitted || attempt.status == kMined ||
         attempt.status == kTimedOut;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The node's answer to a transaction it already has in its pool.
bool AlreadyInPool(std::string_view message) {
  return Contains(message, "already known") || Contains(message, "already imported");
}

}  // namespace

EthereumTransactionManager::EthereumTransactionManager(ethereum::EthereumRpc& rpc,
                                                       const eth::PrivateKey& key,
                                                       const Clock& clock,
                                                       TransactionManagerOptions options)
    : rpc_(rpc), key_(key), clock_(clock), options_(options), sender_(key.GetAddress()) {}

Result<TransactionProgress> EthereumTransactionManager::Advance(
    const EthereumTransactionRequest& request, job::StateUpdateMetadata& record) {
  if (!record.tx_nonce) {
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t nonce,
                          rpc_.GetTransactionCount(sender_, ethereum::BlockTag::kPending));
    record.tx_nonce = nonce;
    return TransactionProgress{.detail = fmt::format("nonce {} pinned", nonce)};
  }
  ORCH_ASSIGN_OR_RETURN(std::optional<TransactionProgress> mined, CheckReceipts(request, record));
  if (mined) {
    return *std::move(mined);
  }
  if (record.tx_attempts.empty()) {
    return SignAttempt(request, record);
  }
  job::TxAttempt& last = record.tx_attempts.back();
  if (last.status == kSigned) {
    return SendAttempt(request, record, last);
  }
  if (last.status == kSubmissionFailed) {
    return Error::FailedPrecondition("attempt {} could not be sent: {}", last.attempt_no,
                                     last.error.value_or("no reason recorded"));
  }
  const std::size_t bumps = record.tx_attempts.size() - 1;
  if (last.status == kSubmitted) {
    // A node that restarts forgets its pool: nothing of ours at the nonce is pending any more.
    // The attempt goes out again as it was, so that its replacement clock keeps running.
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t pending,
                          rpc_.GetTransactionCount(sender_, ethereum::BlockTag::kPending));
    if (pending <= last.nonce) {
      return ResendAttempt(request, last);
    }
    const std::chrono::milliseconds waited(ToUnixMillis(clock_.Now()) -
                                           last.submitted_at_ms.value_or(0));
    if (waited < options_.replace_after) {
      return TransactionProgress{.detail = fmt::format("attempt {} ({}) sent, not mined yet",
                                                       last.attempt_no, last.tx_hash)};
    }
    if (bumps >= options_.max_fee_bumps) {
      return TransactionProgress{
          .detail = fmt::format("attempt {} ({}) not mined after {} s and no fee bump left",
                                last.attempt_no, last.tx_hash,
                                std::chrono::duration_cast<std::chrono::seconds>(waited).count())};
    }
    last.status = std::string(kTimedOut);
  } else if (bumps >= options_.max_fee_bumps) {
    return Error::FailedPrecondition("attempt {} was {} and no fee bump is left: {}",
                                     last.attempt_no, last.status, last.error.value_or(""));
  }
  return SignAttempt(request, record);
}

Result<std::optional<TransactionProgress>> EthereumTransactionManager::CheckReceipts(
    const EthereumTransactionRequest& request, job::StateUpdateMetadata& record) {
  if (record.tx_attempts.empty()) {
    return std::optional<TransactionProgress>();
  }
  // The count first: a transaction mined after it is still found among the receipts below.
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t mined_count,
                        rpc_.GetTransactionCount(sender_, ethereum::BlockTag::kLatest));
  for (job::TxAttempt& attempt : record.tx_attempts) {
    if (!MayBeInPool(attempt)) {
      continue;
    }
    Result<eth::Hash32> hash = eth::FromHexFixed<32>(attempt.tx_hash);
    if (!hash.ok()) {
      return Error::DataLoss("attempt {}: tx_hash {}", attempt.attempt_no, hash.error().message());
    }
    ORCH_ASSIGN_OR_RETURN(const std::optional<ethereum::TransactionReceipt> receipt,
                          rpc_.GetTransactionReceipt(*hash));
    if (!receipt) {
      continue;
    }
    for (job::TxAttempt& other : record.tx_attempts) {
      if (&other != &attempt && MayBeInPool(other)) {
        other.status = std::string(kReplaced);
      }
    }
    record.tx_hash = attempt.tx_hash;
    if (!receipt->success) {
      attempt.status = std::string(kReverted);
      // The node keeps no reason with the receipt: replaying the call gives it.
      ethereum::CallRequest call{.from = sender_, .to = request.to, .data = request.data};
      if (request.sidecar) {
        call.blob_versioned_hashes = eth::VersionedHashes(*request.sidecar);
        ORCH_ASSIGN_OR_RETURN(const Fees fees, FeesOf(attempt));
        call.max_fee_per_blob_gas = fees.max_blob_fee;
      }
      const Result<eth::Bytes> replay = rpc_.Call(call, ethereum::BlockTag::kLatest);
      const std::string reason = replay.ok()
                                     ? "no revert reason (the call succeeds when replayed now)"
                                     : replay.error().message();
      attempt.error = reason;
      return Error::FailedPrecondition(
          "settlement transaction {} (nonce {}) reverted in block {}: {}", attempt.tx_hash,
          attempt.nonce, receipt->block_number, reason);
    }
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t head, rpc_.BlockNumber());
    const std::uint64_t confirmations =
        head >= receipt->block_number ? head - receipt->block_number + 1 : 0;
    if (confirmations < options_.confirmations) {
      attempt.status = std::string(kMined);
      return std::optional(TransactionProgress{
          .detail = fmt::format("attempt {} ({}) mined in block {}, {} of {} confirmations",
                                attempt.attempt_no, attempt.tx_hash, receipt->block_number,
                                confirmations, options_.confirmations)});
    }
    attempt.status = std::string(kFinalized);
    return std::optional(TransactionProgress{
        .state = TransactionState::kConfirmed,
        .receipt = receipt,
        .detail = fmt::format("attempt {} ({}) final in block {}", attempt.attempt_no,
                              attempt.tx_hash, receipt->block_number)});
  }
  if (mined_count > *record.tx_nonce) {
    return std::optional(TransactionProgress{
        .state = TransactionState::kNonceUsedWithoutReceipt,
        .detail = fmt::format(
            "nonce {} of {} is used (the account has {} mined transactions) but none of the {} "
            "recorded attempts has a receipt",
            *record.tx_nonce, sender_, mined_count, record.tx_attempts.size())});
  }
  return std::optional<TransactionProgress>();
}

Result<TransactionProgress> EthereumTransactionManager::SignAttempt(
    const EthereumTransactionRequest& request, job::StateUpdateMetadata& record) {
  ORCH_ASSIGN_OR_RETURN(const ethereum::FeeMarket market, rpc_.GetFeeMarket());
  const Fees market_fees = MarketFees(market, options_.priority_fee_wei);
  Fees fees = market_fees;
  std::string multiplier = "1.00";
  if (!record.tx_attempts.empty()) {
    ORCH_ASSIGN_OR_RETURN(const Fees previous, FeesOf(record.tx_attempts.back()));
    fees = BumpedFees(previous, market_fees);
    ORCH_ASSIGN_OR_RETURN(const Fees first, FeesOf(record.tx_attempts.front()));
    const U256 hundredths = fees.max_fee * U256(100) / std::max(first.max_fee, U256(1));
    multiplier = fmt::format("{}.{:02}", (hundredths / U256(100)).ToDecimal(),
                             (hundredths % U256(100)).ToUint64().value_or(0));
  }
  if (options_.max_total_fee_wei && WorstCaseCost(request, fees) > *options_.max_total_fee_wei) {
    return TransactionProgress{
        .state = TransactionState::kFeeCapExceeded,
        .detail = fmt::format(
            "attempt {} would cost up to {} wei (max fee {} wei/gas, blob fee {} wei/gas), more "
            "than the cap of {} wei: waiting for cheaper fees",
            record.tx_attempts.size() + 1, WorstCaseCost(request, fees).ToDecimal(),
            fees.max_fee.ToDecimal(), fees.max_blob_fee.ToDecimal(),
            options_.max_total_fee_wei->ToDecimal())};
  }
  ORCH_ASSIGN_OR_RETURN(const BuiltTransaction built,
                        Build(request, options_.chain_id, *record.tx_nonce, fees, key_));
  job::TxAttempt attempt{.attempt_no = record.tx_attempts.size() + 1,
                         .tx_hash = eth::ToHex(built.hash),
                         .nonce = *record.tx_nonce,
                         .gas_multiplier = multiplier,
                         .status = std::string(kSigned),
                         .error = std::nullopt,
                         .max_fee_per_gas = fees.max_fee.ToDecimal(),
                         .max_priority_fee_per_gas = fees.max_priority_fee.ToDecimal(),
                         .max_fee_per_blob_gas = fees.max_blob_fee.ToDecimal(),
                         .submitted_at_ms = std::nullopt};
  record.tx_attempts.push_back(attempt);
  return TransactionProgress{.detail = fmt::format("attempt {} ({}) signed with max fee {} wei",
                                                   attempt.attempt_no, attempt.tx_hash,
                                                   fees.max_fee.ToDecimal())};
}

Result<TransactionProgress> EthereumTransactionManager::SendAttempt(
    const EthereumTransactionRequest& request, job::StateUpdateMetadata& record,
    job::TxAttempt& attempt) {
  ORCH_ASSIGN_OR_RETURN(const BuiltTransaction built,
                        Rebuild(request, options_.chain_id, attempt, key_));
  const Result<eth::Hash32> sent = rpc_.SendRawTransaction(built.raw);
  if (!sent.ok()) {
    const std::string& message = sent.error().message();
    if (sent.error().transient()) {
      return sent.error();
    }
    if (AlreadyInPool(message)) {
      // Sent before a restart: the node has it.
    } else if (Contains(message, "replacement transaction underpriced")) {
      attempt.status = std::string(kRejectedUnderpriced);
      attempt.error = message;
      return TransactionProgress{
          .detail = fmt::format("attempt {} underpriced: {}", attempt.attempt_no, message)};
    } else if (Contains(message, "nonce too low")) {
      // Another attempt of this record was mined: the receipts say which on the next call.
      attempt.status = std::string(kSubmitted);
      attempt.submitted_at_ms = ToUnixMillis(clock_.Now());
      return TransactionProgress{.detail = fmt::format("nonce {} already used", attempt.nonce)};
    } else {
      attempt.status = std::string(kSubmissionFailed);
      attempt.error = message;
      return sent.error();
    }
  }
  attempt.status = std::string(kSubmitted);
  attempt.submitted_at_ms = ToUnixMillis(clock_.Now());
  record.tx_hash = attempt.tx_hash;
  return TransactionProgress{
      .detail = fmt::format("attempt {} ({}) sent", attempt.attempt_no, attempt.tx_hash)};
}

Result<TransactionProgress> EthereumTransactionManager::ResendAttempt(
    const EthereumTransactionRequest& request, const job::TxAttempt& attempt) {
  ORCH_ASSIGN_OR_RETURN(const BuiltTransaction built,
                        Rebuild(request, options_.chain_id, attempt, key_));
  const Result<eth::Hash32> sent = rpc_.SendRawTransaction(built.raw);
  // "nonce too low": an attempt was mined meanwhile, which the next receipt check finds.
  if (!sent.ok() && !AlreadyInPool(sent.error().message()) &&
      !Contains(sent.error().message(), "nonce too low")) {
    return sent.error();
  }
  return TransactionProgress{
      .detail = fmt::format("attempt {} ({}) was not in the node's pool any more: sent again",
                            attempt.attempt_no, attempt.tx_hash)};
}

}  // namespace orch::settlement
