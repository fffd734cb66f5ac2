#include "orch/starknet/state_diff_decoding.h"

#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "orch/crypto/u256.h"
#include "orch/starknet/da_word.h"

namespace orch::starknet {

using crypto::Felt;
using crypto::U256;

namespace {

// A contract takes at least its address and its DA word; a storage entry or a class takes two
// felts.
constexpr std::size_t kMinFeltsPerContract = 2;
constexpr std::size_t kFeltsPerPair = 2;

Error EndsEarly(std::size_t index, std::string_view expected) {
  return Error::InvalidArgument("felt {}: expected {}, but the data ends", index, expected);
}

// `count` as a size if it is at most `max`; the caller turns nullopt into its own message.
std::optional<std::size_t> CountAtMost(const Felt& count, std::size_t max) {
  if (count.ToU256() > U256(max)) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(*count.ToU256().ToUint64());
}

}  // namespace

Result<DecodedDaStateDiff> DecodeDaStateDiff(std::span<const Felt> felts,
                                             const StarknetVersion& version) {
  std::size_t at = 0;
  const auto left = [&] { return felts.size() - at; };

  if (left() == 0) {
    return EndsEarly(at, "n_contracts");
  }
  const Felt& contract_count = felts[at++];
  // Room for the contracts' fixed felts and n_classes after them.
  const std::size_t max_contracts = left() == 0 ? 0 : (left() - 1) / kMinFeltsPerContract;
  const std::optional<std::size_t> n_contracts = CountAtMost(contract_count, max_contracts);
  if (!n_contracts.has_value()) {
    return Error::InvalidArgument(
        "felt {}: n_contracts is {} but the {} felts that remain hold at most {} contracts "
        "(address and DA word each, then n_classes)",
        at - 1, contract_count.ToDecimal(), left(), max_contracts);
  }

  DecodedDaStateDiff result;
  DaStateDiff& diff = result.diff;
  diff.contracts.reserve(*n_contracts);
  for (std::size_t index = 0; index < *n_contracts; ++index) {
    if (left() == 0) {
      return EndsEarly(at, fmt::format("the address of contract {} of {}", index, *n_contracts));
    }
    ContractDaRecord& contract = diff.contracts.emplace_back();
    contract.address = felts[at++];
    if (left() == 0) {
      return EndsEarly(
          at, fmt::format("the DA word of contract {} ({})", index, contract.address.ToHex()));
    }
    const std::size_t word_index = at++;
    const Result<DaWordFields> word = DecodeDaWord(version, felts[word_index]);
    if (!word.ok()) {
      return word.error().WithContext(
          fmt::format("felt {}: contract {} ({})", word_index, index, contract.address.ToHex()));
    }
    contract.nonce = word->nonce;
    if (word->class_updated) {
      if (left() == 0) {
        return EndsEarly(at, fmt::format("the class hash of contract {} ({}), whose class flag "
                                         "is set",
                                         index, contract.address.ToHex()));
      }
      contract.class_hash = felts[at++];
    }
    if (word->n_updates > left() / kFeltsPerPair) {
      return Error::InvalidArgument(
          "felt {}: contract {} ({}) declares {} storage updates (2 felts each) but only {} "
          "felts remain",
          word_index, index, contract.address.ToHex(), word->n_updates, left());
    }
    const auto n_updates = static_cast<std::size_t>(word->n_updates);
    contract.storage_entries.reserve(n_updates);
    for (std::size_t i = 0; i < n_updates; ++i) {
      contract.storage_entries.push_back({.key = felts[at], .value = felts[at + 1]});
      at += kFeltsPerPair;
    }
  }

  if (left() == 0) {
    return EndsEarly(at, "n_classes");
  }
  const Felt& class_count = felts[at++];
  const std::optional<std::size_t> n_classes = CountAtMost(class_count, left() / kFeltsPerPair);
  if (!n_classes.has_value()) {
    return Error::InvalidArgument(
        "felt {}: n_classes is {} (2 felts each) but only {} felts remain", at - 1,
        class_count.ToDecimal(), left());
  }
  diff.classes.reserve(*n_classes);
  for (std::size_t i = 0; i < *n_classes; ++i) {
    diff.classes.push_back({.class_hash = felts[at], .compiled_class_hash = felts[at + 1]});
    at += kFeltsPerPair;
  }
  result.consumed = at;
  return result;
}

}  // namespace orch::starknet
