#include "orch/contracts/deploy.h"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>
#include <vector>

#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/contracts/artifacts.h"
#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"
#include "orch/eth/transaction.h"

namespace orch::contracts {
namespace {

using ethereum::EthereumRpc;
using ethereum::TransactionReceipt;

}  // namespace

Result<TransactionFees> SuggestFees(EthereumRpc& rpc) {
  ORCH_ASSIGN_OR_RETURN(const ethereum::FeeMarket market, rpc.GetFeeMarket());
  const crypto::U256 two(2);
  crypto::U256 blob_fee = market.blob_base_fee * two;
  if (blob_fee == crypto::U256()) {
    blob_fee = crypto::U256(1);
  }
  return TransactionFees{
      .max_priority_fee_per_gas = market.max_priority_fee_per_gas.ToBytesBe(),
      .max_fee_per_gas =
          (market.base_fee_per_gas * two + market.max_priority_fee_per_gas).ToBytesBe(),
      .max_fee_per_blob_gas = blob_fee.ToBytesBe(),
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
      settlement::CallForWord(rpc, verifier, eth::EncodeFunctionCall("isValid", arguments),
                              "isValid"));
  const std::array types = {eth::AbiType::kBool};
  auto decoded = eth::AbiDecode(types, word);
  if (!decoded.ok()) {
    return Error::DataLoss("isValid: {}", decoded.error().message());
  }
  return (*decoded)[0].boolean();
}

Result<bool> HasCode(EthereumRpc& rpc, const eth::Address& address) {
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer,
                        rpc.Request("eth_getCode", {address.ToChecksumHex(), "latest"}));
  if (!answer.is_string()) {
    return Error::DataLoss("eth_getCode: the answer is not a hex string");
  }
  Result<eth::Bytes> code = eth::FromHex(answer.get<std::string>());
  if (!code.ok()) {
    return Error::DataLoss("eth_getCode: {}", code.error().message());
  }
  return !code->empty();
}

}  // namespace orch::contracts
