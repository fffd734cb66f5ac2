#include "orch/contracts/deploy.h"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>
#include <vector>

#include "orch/contracts/artifacts.h"
#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"
#include "orch/eth/transaction.h"

namespace orch::contracts {
namespace {

using ethereum::EthereumRpc;
using ethereum::TransactionReceipt;

std::vector<eth::Word> ToWords(std::span<const crypto::Felt> felts) {
  std::vector<eth::Word> words;
  words.reserve(felts.size());
  for (const crypto::Felt& felt : felts) {
    words.push_back(felt.ToBytesBe());
  }
  return words;
}

eth::Word ToWord(const crypto::U256& value) { return value.ToBytesBe(); }

// Reads one word returned by a view function.
Result<eth::Word> CallForWord(EthereumRpc& rpc, const eth::Address& to, eth::Bytes data,
                              std::string_view what) {
  ORCH_ASSIGN_OR_RETURN(const eth::Bytes answer,
                        rpc.Call({.from = std::nullopt, .to = to, .data = std::move(data)},
                                 ethereum::BlockTag::kLatest));
  if (answer.size() != 32) {
    return Error::DataLoss("{} returned {} bytes, expected one 32-byte word", what, answer.size());
  }
  eth::Word word{};
  std::copy(answer.begin(), answer.end(), word.begin());
  return word;
}

// An int256 word that must fit in an int64.
Result<std::int64_t> WordToInt64(const eth::Word& word, std::string_view what) {
  const bool negative = (word[0] & 0x80) != 0;
  const std::uint8_t fill = negative ? 0xff : 0x00;
  for (std::size_t i = 0; i < 24; ++i) {
    if (word[i] != fill) {
      return Error::DataLoss("{} does not fit in an int64", what);
    }
  }
  std::uint64_t bits = 0;
  for (std::size_t i = 24; i < 32; ++i) {
    bits = (bits << 8) | word[i];
  }
  const bool low_negative = (bits >> 63) != 0;
  if (low_negative != negative) {
    return Error::DataLoss("{} does not fit in an int64", what);
  }
  return static_cast<std::int64_t>(bits);
}

}  // namespace

Result<TransactionFees> SuggestFees(EthereumRpc& rpc) {
  ORCH_ASSIGN_OR_RETURN(const ethereum::FeeMarket market, rpc.GetFeeMarket());
  const crypto::U256 two(2);
  crypto::U256 blob_fee = market.blob_base_fee * two;
  if (blob_fee == crypto::U256()) {
    blob_fee = crypto::U256(1);
  }
  return TransactionFees{
      .max_priority_fee_per_gas = ToWord(market.max_priority_fee_per_gas),
      .max_fee_per_gas = ToWord(market.base_fee_per_gas * two + market.max_priority_fee_per_gas),
      .max_fee_per_blob_gas = ToWord(blob_fee),
  };
}

Result<TransactionReceipt> WaitForReceipt(EthereumRpc& rpc, const eth::Hash32& hash,
                                          const SendOptions& options) {
  for (int poll = 0; poll < options.max_receipt_polls; ++poll) {
    if (poll > 0) {
      if (options.sleep) {
        options.sleep(options.poll_interval);
      } else {
        std::this_thread::sleep_for(options.poll_interval);
      }
    }
    ORCH_ASSIGN_OR_RETURN(std::optional<TransactionReceipt> receipt,
                          rpc.GetTransactionReceipt(hash));
    if (receipt.has_value()) {
      return *std::move(receipt);
    }
  }
  return Error::Timeout("no receipt for transaction {} after {} polls", eth::ToHex(hash),
                        options.max_receipt_polls);
}

Result<TransactionReceipt> SendTransaction(EthereumRpc& rpc, const eth::PrivateKey& key,
                                           const std::optional<eth::Address>& to, eth::Bytes data,
                                           const SendOptions& options) {
  const eth::Address sender = key.GetAddress();
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t chain_id, rpc.ChainId());
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t nonce,
                        rpc.GetTransactionCount(sender, ethereum::BlockTag::kPending));
  ORCH_ASSIGN_OR_RETURN(const TransactionFees fees, SuggestFees(rpc));

  std::uint64_t gas_limit = options.gas_limit;
  if (gas_limit == 0 && !to.has_value()) {
    gas_limit = kDefaultCreationGasLimit;
  } else if (gas_limit == 0) {
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t estimate,
                          rpc.EstimateGas({.from = sender, .to = *to, .data = data}));
    gas_limit = estimate + estimate / 4;
  }

  const eth::Eip1559Transaction transaction{
      .chain_id = chain_id,
      .nonce = nonce,
      .max_priority_fee_per_gas = fees.max_priority_fee_per_gas,
      .max_fee_per_gas = fees.max_fee_per_gas,
      .gas_limit = gas_limit,
      .to = to,
      .value = {},
      .data = std::move(data),
      .access_list = {},
  };
  const auto signed_transaction = eth::SignTransaction(transaction, key);
  ORCH_ASSIGN_OR_RETURN(const eth::Hash32 hash,
                        rpc.SendRawTransaction(eth::EncodeTransaction(signed_transaction)));
  ORCH_ASSIGN_OR_RETURN(TransactionReceipt receipt, WaitForReceipt(rpc, hash, options));
  if (!receipt.success) {
    return Error::FailedPrecondition("transaction {} reverted (gas used {})", eth::ToHex(hash),
                                     receipt.gas_used);
  }
  return receipt;
}

Result<Deployment> DeployContract(EthereumRpc& rpc, const eth::PrivateKey& key,
                                  eth::Bytes creation_code, const SendOptions& options) {
  ORCH_ASSIGN_OR_RETURN(
      TransactionReceipt receipt,
      SendTransaction(rpc, key, /*to=*/std::nullopt, std::move(creation_code), options));
  if (!receipt.contract_address.has_value()) {
    return Error::DataLoss("the receipt of creation {} has no contract address",
                           eth::ToHex(receipt.transaction_hash));
  }
  const eth::Address address = *receipt.contract_address;
  return Deployment{.address = address, .receipt = std::move(receipt)};
}

Result<Deployment> DeployMockGpsVerifier(EthereumRpc& rpc, const eth::PrivateKey& key,
                                         const SendOptions& options) {
  return DeployContract(rpc, key, MockGpsVerifierCreationCode(), options);
}

eth::Bytes StarknetCoreContractDeployData(const CoreContractInit& init) {
  const std::array arguments = {
      eth::AbiValue::OfAddress(init.verifier),
      eth::AbiValue::Uint256(init.program_hash.ToBytesBe()),
      eth::AbiValue::Uint256(init.aggregator_program_hash.ToBytesBe()),
      eth::AbiValue::Uint256(init.config_hash.ToBytesBe()),
      eth::AbiValue::Uint256(init.state_root.ToBytesBe()),
      eth::AbiValue::Int256(init.block_number),
      eth::AbiValue::Uint256(init.block_hash.ToBytesBe()),
  };
  eth::Bytes data = StarknetCoreContractCreationCode();
  const eth::Bytes encoded = eth::AbiEncode(arguments);
  data.insert(data.end(), encoded.begin(), encoded.end());
  return data;
}

Result<Deployment> DeployStarknetCoreContract(EthereumRpc& rpc, const eth::PrivateKey& key,
                                              const CoreContractInit& init,
                                              const SendOptions& options) {
  return DeployContract(rpc, key, StarknetCoreContractDeployData(init), options);
}

Result<TransactionReceipt> RegisterFact(EthereumRpc& rpc, const eth::PrivateKey& key,
                                        const eth::Address& verifier, const eth::Hash32& fact,
                                        const SendOptions& options) {
  const std::array arguments = {eth::AbiValue::Bytes32(fact)};
  return SendTransaction(rpc, key, verifier, eth::EncodeFunctionCall("registerFact", arguments),
                         options);
}

Result<bool> IsFactValid(EthereumRpc& rpc, const eth::Address& verifier, const eth::Hash32& fact) {
  const std::array arguments = {eth::AbiValue::Bytes32(fact)};
  ORCH_ASSIGN_OR_RETURN(
      const eth::Word word,
      CallForWord(rpc, verifier, eth::EncodeFunctionCall("isValid", arguments), "isValid"));
  const std::array types = {eth::AbiType::kBool};
  auto decoded = eth::AbiDecode(types, word);
  if (!decoded.ok()) {
    return Error::DataLoss("isValid: {}", decoded.error().message());
  }
  return (*decoded)[0].boolean();
}

Result<CoreContractState> ReadCoreContractState(EthereumRpc& rpc,
                                                const eth::Address& core_contract) {
  const auto call = [&](std::string_view name) {
    return CallForWord(rpc, core_contract, eth::EncodeFunctionCall(name, {}), name);
  };
  ORCH_ASSIGN_OR_RETURN(const eth::Word root, call("stateRoot"));
  ORCH_ASSIGN_OR_RETURN(const eth::Word number, call("stateBlockNumber"));
  ORCH_ASSIGN_OR_RETURN(const eth::Word hash, call("stateBlockHash"));
  ORCH_ASSIGN_OR_RETURN(const std::int64_t block_number, WordToInt64(number, "stateBlockNumber"));
  return CoreContractState{.state_root = crypto::U256::FromWord(root),
                           .block_number = block_number,
                           .block_hash = crypto::U256::FromWord(hash)};
}

eth::Hash32 KzgDaStateTransitionFact(std::span<const crypto::Felt> program_output) {
  eth::Bytes packed;
  packed.reserve(32 * program_output.size());
  for (const crypto::Felt& felt : program_output) {
    const eth::Word word = felt.ToBytesBe();
    packed.insert(packed.end(), word.begin(), word.end());
  }
  return eth::Keccak256(packed);
}

eth::Hash32 CalldataStateTransitionFact(std::span<const crypto::Felt> program_output,
                                        const eth::Word& onchain_data_hash,
                                        std::uint64_t onchain_data_size) {
  const std::uint64_t length = program_output.size();
  const eth::Hash32 output_hash = KzgDaStateTransitionFact(program_output);
  const eth::Word length_word = eth::WordFromUint64(length);
  const eth::Word end_word =
      ToWord(crypto::U256(length) + crypto::U256(onchain_data_size));  // no overflow in 2^256
  eth::Bytes packed;
  for (const auto* part : {&output_hash, &length_word, &onchain_data_hash, &end_word}) {
    packed.insert(packed.end(), part->begin(), part->end());
  }
  return ToWord(crypto::U256::FromWord(eth::Keccak256(packed)) + crypto::U256(1));
}

eth::Hash32 SharpFact(const crypto::Felt& program_hash, const eth::Hash32& state_transition_fact) {
  const eth::Word program_hash_word = program_hash.ToBytesBe();
  eth::Bytes packed(program_hash_word.begin(), program_hash_word.end());
  packed.insert(packed.end(), state_transition_fact.begin(), state_transition_fact.end());
  return eth::Keccak256(packed);
}

eth::Bytes EncodeUpdateStateKzgDA(std::span<const crypto::Felt> program_output,
                                  std::span<const eth::KzgProof> kzg_proofs) {
  std::vector<eth::Bytes> proofs;
  proofs.reserve(kzg_proofs.size());
  for (const eth::KzgProof& proof : kzg_proofs) {
    proofs.emplace_back(proof.begin(), proof.end());
  }
  const std::array arguments = {eth::AbiValue::Uint256Array(ToWords(program_output)),
                                eth::AbiValue::BytesArray(std::move(proofs))};
  return eth::EncodeFunctionCall("updateStateKzgDA", arguments);
}

eth::Bytes EncodeUpdateState(std::span<const crypto::Felt> program_output,
                             const eth::Word& onchain_data_hash, std::uint64_t onchain_data_size) {
  const std::array arguments = {eth::AbiValue::Uint256Array(ToWords(program_output)),
                                eth::AbiValue::Uint256(onchain_data_hash),
                                eth::AbiValue::Uint256(onchain_data_size)};
  return eth::EncodeFunctionCall("updateState", arguments);
}

}  // namespace orch::contracts
