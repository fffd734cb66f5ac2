#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <vector>

#include "orch/clients/ethereum/ethereum_rpc.h"

namespace orch::testing {

/// An EthereumRpc whose chain the test writes: the account's nonces, the head block, receipts
/// by transaction hash, the fee market, and the answers to sends (success by default). Records
/// every raw transaction sent; a successful send puts one transaction in the pool (the pending
/// count moves past the mined one). Confined to the test's thread: the test reads and writes the
/// fields directly.
class FakeEthereumRpc final : public ethereum::EthereumRpc {
 public:
  std::uint64_t chain_id = 31337;
  std::uint64_t block_number = 100;
  std::uint64_t pending_count = 0;
  std::uint64_t mined_count = 0;
  ethereum::FeeMarket fee_market{.base_fee_per_gas = crypto::U256(1'000'000'000),
                                 .blob_base_fee = crypto::U256(1),
                                 .max_priority_fee_per_gas = crypto::U256(1'000'000)};
  std::map<eth::Hash32, ethereum::TransactionReceipt> receipts;
  std::deque<Error> send_errors;    // answers to the next sends, then success
  std::optional<Error> call_error;  // eth_call's answer (a revert), else empty output
  std::vector<eth::Bytes> sent;

  Result<std::uint64_t> ChainId() override { return chain_id; }
  Result<std::uint64_t> BlockNumber() override { return block_number; }
  Result<std::uint64_t> GetTransactionCount(const eth::Address&, ethereum::BlockTag tag) override {
    return tag == ethereum::BlockTag::kPending ? pending_count : mined_count;
  }
  Result<ethereum::FeeMarket> GetFeeMarket() override { return fee_market; }
  Result<eth::Bytes> Call(const ethereum::CallRequest&, ethereum::BlockTag) override {
    if (call_error) {
      return *call_error;
    }
    return eth::Bytes{};
  }
  Result<std::uint64_t> EstimateGas(const ethereum::CallRequest&) override { return 100'000; }
  Result<eth::Hash32> SendRawTransaction(std::span<const std::uint8_t> raw) override {
    sent.emplace_back(raw.begin(), raw.end());
    if (!send_errors.empty()) {
      Error error = send_errors.front();
      send_errors.pop_front();
      return error;
    }
    pending_count = std::max(pending_count, mined_count + 1);
    return eth::Hash32{};
  }
  Result<std::optional<ethereum::TransactionReceipt>> GetTransactionReceipt(
      const eth::Hash32& hash) override {
    const auto found = receipts.find(hash);
    if (found == receipts.end()) {
      return std::optional<ethereum::TransactionReceipt>();
    }
    return std::optional(found->second);
  }
  Result<nlohmann::json> Request(std::string_view method, nlohmann::json) override {
    return Error::InvalidArgument("the fake does not answer {}", method);
  }

  /// Mines the transaction `hash` in block `block` (the head moves there).
  void Mine(const eth::Hash32& hash, std::uint64_t block, bool success = true) {
    receipts[hash] = {.transaction_hash = hash, .block_number = block, .success = success};
    block_number = std::max(block_number, block);
    ++mined_count;
  }

  /// A node restart: the pool is forgotten, the chain stays.
  void ForgetPool() { pending_count = mined_count; }
};

}  // namespace orch::testing
