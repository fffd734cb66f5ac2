#pragma once

#include <cstdint>
#include <map>
#include <string_view>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"

namespace orch::starknet {

/// Answers "what is the nonce of this contract after block N" (starknet_getNonce). The legacy
/// DA encoding needs it for contracts whose nonce the state diff does not carry.
///
/// Implementations decide their own thread-safety; the encoders call them from one thread.
class NonceSource {
 public:
  virtual ~NonceSource() = default;

  /// The nonce of `contract_address` after block `block_number`.
  /// Errors: kNotFound (no such contract or block), kUnavailable / kTimeout (the node could
  /// not answer; retryable), kInvalidArgument (the answer is not a felt).
  virtual Result<crypto::Felt> GetNonce(std::uint64_t block_number,
                                        const crypto::Felt& contract_address) = 0;
};

/// A NonceSource answering from a fixed table of one block's nonces: recorded node answers,
/// as in the test vectors' nonces/<block>.json. Immutable after construction: thread-safe.
class TableNonceSource final : public NonceSource {
 public:
  TableNonceSource(std::uint64_t block_number, std::map<crypto::Felt, crypto::Felt> nonces);

  /// Parses the recorded-answers format: a JSON array of {"nonce": hex digits without "0x",
  /// "address": decimal digits}, each address at most once.
  /// Errors: kInvalidArgument naming the JSON path of the bad value.
  static Result<TableNonceSource> FromJson(std::uint64_t block_number, std::string_view text);

  // NonceSource
  /// Errors: kNotFound (a block other than the table's, or an address not in the table).
  Result<crypto::Felt> GetNonce(std::uint64_t block_number,
                                const crypto::Felt& contract_address) override;

  /// The whole table: contract address -> nonce after the block.
  const std::map<crypto::Felt, crypto::Felt>& nonces() const { return nonces_; }

 private:
  std::uint64_t block_number_;
  std::map<crypto::Felt, crypto::Felt> nonces_;
};

}  // namespace orch::starknet
