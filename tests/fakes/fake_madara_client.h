#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <utility>

#include "orch/clients/madara/madara_client.h"

namespace orch::testing {

/// A MadaraClient answering from tables the test fills: state updates per block (or an error
/// for a block), nonces per contract, storage per (contract, key). Unknown blocks are "not
/// ready" (transient), unknown nonces kNotFound, unknown slots 0, as a node answers.
/// Thread-safe.
class FakeMadaraClient final : public madara::MadaraClient {
 public:
  void SetStateUpdate(std::uint64_t block, madara::BlockStateUpdate update) {
    std::lock_guard lock(mutex_);
    updates_.insert_or_assign(block, std::move(update));
  }
  void FailStateUpdate(std::uint64_t block, Error error) {
    std::lock_guard lock(mutex_);
    failures_.insert_or_assign(block, std::move(error));
  }
  void SetNonce(const crypto::Felt& contract, const crypto::Felt& nonce) {
    std::lock_guard lock(mutex_);
    nonces_.insert_or_assign(contract, nonce);
  }
  void SetStorage(const crypto::Felt& contract, const crypto::Felt& key,
                  const crypto::Felt& value) {
    std::lock_guard lock(mutex_);
    storage_.insert_or_assign({contract, key}, value);
  }

  Result<madara::BlockStateUpdate> GetStateUpdate(std::uint64_t block_number) override {
    std::lock_guard lock(mutex_);
    if (const auto failure = failures_.find(block_number); failure != failures_.end()) {
      return failure->second;
    }
    const auto found = updates_.find(block_number);
    if (found == updates_.end()) {
      return Error::Unavailable("block {} is not ready", block_number);
    }
    return found->second;
  }

  Result<crypto::Felt> GetNonce(std::uint64_t, const crypto::Felt& contract_address) override {
    std::lock_guard lock(mutex_);
    const auto found = nonces_.find(contract_address);
    if (found == nonces_.end()) {
      return Error::NotFound("contract {} not found", contract_address.ToHex());
    }
    return found->second;
  }

  Result<crypto::Felt> GetStorageAt(std::uint64_t, const crypto::Felt& contract_address,
                                    const crypto::Felt& key) override {
    std::lock_guard lock(mutex_);
    const auto found = storage_.find({contract_address, key});
    return found == storage_.end() ? crypto::Felt() : found->second;
  }

  /// The highest block with a state update, or the one set by SetLatestBlock.
  Result<std::uint64_t> LatestBlockNumber() override {
    std::lock_guard lock(mutex_);
    if (latest_) {
      return *latest_;
    }
    if (updates_.empty()) {
      return Error::Unavailable("the node has no blocks yet");
    }
    return updates_.rbegin()->first;
  }
  void SetLatestBlock(std::uint64_t block) {
    std::lock_guard lock(mutex_);
    latest_ = block;
  }

  Result<crypto::Felt> ChainId() override {
    std::lock_guard lock(mutex_);
    if (chain_id_error_) {
      return *chain_id_error_;
    }
    return chain_id_;
  }
  void SetChainId(const crypto::Felt& chain_id) {
    std::lock_guard lock(mutex_);
    chain_id_ = chain_id;
  }
  /// Makes ChainId fail with `error` (e.g. the node is down); nullopt heals it.
  void FailChainId(std::optional<Error> error) {
    std::lock_guard lock(mutex_);
    chain_id_error_ = std::move(error);
  }

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, madara::BlockStateUpdate> updates_;
  std::map<std::uint64_t, Error> failures_;
  std::map<crypto::Felt, crypto::Felt> nonces_;
  std::map<std::pair<crypto::Felt, crypto::Felt>, crypto::Felt> storage_;
  std::optional<std::uint64_t> latest_;
  crypto::Felt chain_id_;
  std::optional<Error> chain_id_error_;
};

}  // namespace orch::testing
