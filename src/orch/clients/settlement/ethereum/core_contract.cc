#include "orch/clients/settlement/ethereum/core_contract.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "orch/eth/abi.h"
#include "orch/eth/keccak.h"

namespace orch::settlement {
namespace {

using ethereum::EthereumRpc;

std::vector<eth::Word> ToWords(std::span<const crypto::Felt> felts) {
  std::vector<eth::Word> words;
  words.reserve(felts.size());
  for (const crypto::Felt& felt : felts) {
    words.push_back(felt.ToBytesBe());
  }
  return words;
}

eth::Word ToWord(const crypto::U256& value) { return value.ToBytesBe(); }

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

}  // namespace orch::settlement
