#include "orch/starknet/os_output.h"

#include <algorithm>
#include <string>
#include <utility>

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;

constexpr std::size_t kHeaderWords = 10;
constexpr std::size_t kLegacyHeaderWords = 6;

// Reads an output word by word, so that every error names the word it is about.
class WordReader {
 public:
  explicit WordReader(std::span<const Felt> words) : words_(words) {}

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return words_.size() - position_; }

  Result<Felt> Next(std::string_view field) {
    if (position_ >= words_.size()) {
      return Error::InvalidArgument("the output ends at word {} where {} was expected",
                                    words_.size(), field);
    }
    return words_[position_++];
  }

  Result<bool> NextFlag(std::string_view field) {
    const std::size_t index = position_;
    ORCH_ASSIGN_OR_RETURN(const Felt word, Next(field));
    if (word == Felt()) {
      return false;
    }
    if (word == Felt::One()) {
      return true;
    }
    return Error::InvalidArgument("word {} ({}) must be 0 or 1, found {}", index, field,
                                  word.ToHex());
  }

  // A count of items of `words_per_item` words each that must all fit in the output.
  Result<std::size_t> NextCount(std::string_view field, std::size_t words_per_item) {
    const std::size_t index = position_;
    ORCH_ASSIGN_OR_RETURN(const Felt word, Next(field));
    const std::optional<std::uint64_t> count = word.ToU256().ToUint64();
    if (!count || *count > remaining() / words_per_item) {
      if (words_per_item == 1) {
        return Error::InvalidArgument("word {} ({}) is {} but only {} words remain", index, field,
                                      word.ToDecimal(), remaining());
      }
      return Error::InvalidArgument(
          "word {} ({}) is {}, at {} words each, but only {} words remain", index, field,
          word.ToDecimal(), words_per_item, remaining());
    }
    return static_cast<std::size_t>(*count);
  }

  // `count` words as they are.
  Result<std::vector<Felt>> NextWords(std::size_t count, std::string_view field) {
    if (count > remaining()) {
      return Error::InvalidArgument("{} needs {} words from word {} but only {} remain", field,
                                    count, position_, remaining());
    }
    std::vector<Felt> out(words_.begin() + static_cast<std::ptrdiff_t>(position_),
                          words_.begin() + static_cast<std::ptrdiff_t>(position_ + count));
    position_ += count;
    return out;
  }

 private:
  std::span<const Felt> words_;
  std::size_t position_ = 0;
};

// `value` when it is below 2^bits; the error names the word and what the limb is.
Result<U256> Limb(const Felt& word, unsigned bits, std::size_t index, std::string_view field) {
  const U256 value = word.ToU256();
  if (value.BitLength() > bits) {
    return Error::InvalidArgument("word {} ({}) has {} bits, more than the {} of its limb", index,
                                  field, value.BitLength(), bits);
  }
  return value;
}

// Commitments are split in two 192-bit limbs, low first.
Result<KzgCommitment> ReadCommitment(WordReader& reader, std::size_t blob) {
  const std::size_t index = reader.position();
  ORCH_ASSIGN_OR_RETURN(const Felt low_word, reader.Next("commitment low limb"));
  ORCH_ASSIGN_OR_RETURN(const Felt high_word, reader.Next("commitment high limb"));
  const std::string low_name = "commitment " + std::to_string(blob) + " low limb";
  const std::string high_name = "commitment " + std::to_string(blob) + " high limb";
  ORCH_ASSIGN_OR_RETURN(const U256 low, Limb(low_word, 192, index, low_name));
  ORCH_ASSIGN_OR_RETURN(const U256 high, Limb(high_word, 192, index + 1, high_name));
  const auto low_bytes = low.ToBytesBe();
  const auto high_bytes = high.ToBytesBe();
  KzgCommitment commitment{};
  std::copy(high_bytes.begin() + 8, high_bytes.end(), commitment.begin());
  std::copy(low_bytes.begin() + 8, low_bytes.end(), commitment.begin() + 24);
  return commitment;
}

// Evaluations are split in two 128-bit limbs, low first.
Result<U256> ReadEvaluation(WordReader& reader, std::size_t blob) {
  const std::size_t index = reader.position();
  ORCH_ASSIGN_OR_RETURN(const Felt low_word, reader.Next("y low limb"));
  ORCH_ASSIGN_OR_RETURN(const Felt high_word, reader.Next("y high limb"));
  const std::string low_name = "y " + std::to_string(blob) + " low limb";
  const std::string high_name = "y " + std::to_string(blob) + " high limb";
  ORCH_ASSIGN_OR_RETURN(const U256 low, Limb(low_word, 128, index, low_name));
  ORCH_ASSIGN_OR_RETURN(const U256 high, Limb(high_word, 128, index + 1, high_name));
  return (high << 128) | low;
}

Result<KzgSegment> ReadKzgSegment(WordReader& reader) {
  KzgSegment kzg;
  ORCH_ASSIGN_OR_RETURN(kzg.z, reader.Next("z (KZG evaluation point)"));
  ORCH_ASSIGN_OR_RETURN(const std::size_t n_blobs, reader.NextCount("n_blobs", 4));
  kzg.commitments.reserve(n_blobs);
  kzg.y.reserve(n_blobs);
  for (std::size_t blob = 0; blob < n_blobs; ++blob) {
    ORCH_ASSIGN_OR_RETURN(KzgCommitment commitment, ReadCommitment(reader, blob));
    kzg.commitments.push_back(commitment);
  }
  for (std::size_t blob = 0; blob < n_blobs; ++blob) {
    ORCH_ASSIGN_OR_RETURN(U256 y, ReadEvaluation(reader, blob));
    kzg.y.push_back(y);
  }
  return kzg;
}

// A message segment is a word count followed by messages that must fill it exactly.
template <typename Message, typename ReadOne>
Result<std::vector<Message>> ReadMessageSegment(WordReader& reader, std::string_view name,
                                                ReadOne read_one) {
  const std::size_t start = reader.position();
  ORCH_ASSIGN_OR_RETURN(const std::size_t n_words,
                        reader.NextCount(fmt::format("length of the {} messages", name), 1));
  ORCH_ASSIGN_OR_RETURN(const std::vector<Felt> segment,
                        reader.NextWords(n_words, fmt::format("the {} messages", name)));
  WordReader segment_reader(segment);
  std::vector<Message> messages;
  while (segment_reader.remaining() > 0) {
    Result<Message> message = read_one(segment_reader);
    if (!message.ok()) {
      return Error::InvalidArgument("{} message {} (segment starting at word {}): {}", name,
                                    messages.size(), start, message.error().message());
    }
    messages.push_back(std::move(message).value());
  }
  return messages;
}

Result<std::vector<Felt>> ReadPayload(WordReader& reader) {
  ORCH_ASSIGN_OR_RETURN(const std::size_t size, reader.NextCount("payload_size", 1));
  return reader.NextWords(size, "the payload");
}

Result<MessageToL1> ReadMessageToL1(WordReader& reader) {
  MessageToL1 message;
  ORCH_ASSIGN_OR_RETURN(message.from_address, reader.Next("from_address"));
  ORCH_ASSIGN_OR_RETURN(message.to_address, reader.Next("to_address"));
  ORCH_ASSIGN_OR_RETURN(message.payload, ReadPayload(reader));
  return message;
}

Result<MessageToL2> ReadMessageToL2(WordReader& reader) {
  MessageToL2 message;
  ORCH_ASSIGN_OR_RETURN(message.from_address, reader.Next("from_address"));
  ORCH_ASSIGN_OR_RETURN(message.to_address, reader.Next("to_address"));
  ORCH_ASSIGN_OR_RETURN(message.nonce, reader.Next("nonce"));
  ORCH_ASSIGN_OR_RETURN(message.selector, reader.Next("selector"));
  ORCH_ASSIGN_OR_RETURN(message.payload, ReadPayload(reader));
  return message;
}

Result<void> ReadMessages(WordReader& reader, OsOutput& output) {
  ORCH_ASSIGN_OR_RETURN(output.messages_to_l1,
                        ReadMessageSegment<MessageToL1>(reader, "L2->L1", ReadMessageToL1));
  ORCH_ASSIGN_OR_RETURN(output.messages_to_l2,
                        ReadMessageSegment<MessageToL2>(reader, "L1->L2", ReadMessageToL2));
  return Ok();
}

Result<FullStateDiff> ReadFullStateDiff(WordReader& reader) {
  FullStateDiff diff;
  // The smallest contract entry is 6 words, the smallest class entry 3.
  ORCH_ASSIGN_OR_RETURN(const std::size_t n_contracts, reader.NextCount("n_contracts", 6));
  diff.contracts.reserve(n_contracts);
  for (std::size_t i = 0; i < n_contracts; ++i) {
    FullContractChange contract;
    ORCH_ASSIGN_OR_RETURN(contract.address, reader.Next("contract address"));
    ORCH_ASSIGN_OR_RETURN(contract.prev_nonce, reader.Next("prev_nonce"));
    ORCH_ASSIGN_OR_RETURN(contract.new_nonce, reader.Next("new_nonce"));
    ORCH_ASSIGN_OR_RETURN(contract.prev_class_hash, reader.Next("prev_class_hash"));
    ORCH_ASSIGN_OR_RETURN(contract.new_class_hash, reader.Next("new_class_hash"));
    ORCH_ASSIGN_OR_RETURN(const std::size_t n_storage, reader.NextCount("n_storage", 3));
    contract.storage.reserve(n_storage);
    for (std::size_t j = 0; j < n_storage; ++j) {
      FullStorageChange change;
      ORCH_ASSIGN_OR_RETURN(change.key, reader.Next("storage key"));
      ORCH_ASSIGN_OR_RETURN(change.prev_value, reader.Next("prev_value"));
      ORCH_ASSIGN_OR_RETURN(change.new_value, reader.Next("new_value"));
      contract.storage.push_back(change);
    }
    diff.contracts.push_back(std::move(contract));
  }
  ORCH_ASSIGN_OR_RETURN(const std::size_t n_classes, reader.NextCount("n_classes", 3));
  diff.classes.reserve(n_classes);
  for (std::size_t i = 0; i < n_classes; ++i) {
    FullClassChange change;
    ORCH_ASSIGN_OR_RETURN(change.class_hash, reader.Next("class_hash"));
    ORCH_ASSIGN_OR_RETURN(change.prev_compiled_class_hash, reader.Next("prev_compiled_class_hash"));
    ORCH_ASSIGN_OR_RETURN(change.new_compiled_class_hash, reader.Next("new_compiled_class_hash"));
    diff.classes.push_back(change);
  }
  return diff;
}

Result<void> RequireEnd(const WordReader& reader, std::string_view after) {
  if (reader.remaining() != 0) {
    return Error::InvalidArgument("{} unexpected words from word {} on, after {}",
                                  reader.remaining(), reader.position(), after);
  }
  return Ok();
}

Result<OsOutput> ParseV0_13_2(std::span<const Felt> words) {
  if (words.size() < kHeaderWords) {
    return Error::InvalidArgument("the output has {} words, fewer than the {}-word header",
                                  words.size(), kHeaderWords);
  }
  WordReader reader(words);
  OsOutput output;
  output.layout = OsOutputLayout::kV0_13_2;
  ORCH_ASSIGN_OR_RETURN(output.prev_state_root, reader.Next("prev_state_root"));
  ORCH_ASSIGN_OR_RETURN(output.new_state_root, reader.Next("new_state_root"));
  ORCH_ASSIGN_OR_RETURN(output.prev_block_number, reader.Next("prev_block_number"));
  ORCH_ASSIGN_OR_RETURN(output.new_block_number, reader.Next("new_block_number"));
  ORCH_ASSIGN_OR_RETURN(output.prev_block_hash, reader.Next("prev_block_hash"));
  ORCH_ASSIGN_OR_RETURN(output.new_block_hash, reader.Next("new_block_hash"));
  ORCH_ASSIGN_OR_RETURN(output.os_program_hash, reader.Next("os_program_hash"));
  ORCH_ASSIGN_OR_RETURN(output.config_hash, reader.Next("config_hash"));
  ORCH_ASSIGN_OR_RETURN(output.use_kzg_da, reader.NextFlag("use_kzg_da"));
  ORCH_ASSIGN_OR_RETURN(output.full_output, reader.NextFlag("full_output"));
  if (output.use_kzg_da) {
    ORCH_ASSIGN_OR_RETURN(output.kzg, ReadKzgSegment(reader));
  }
  ORCH_RETURN_IF_ERROR(ReadMessages(reader, output));
  if (output.use_kzg_da) {
    ORCH_RETURN_IF_ERROR(RequireEnd(reader, "the messages (use_kzg_da = 1: no state diff)"));
  } else if (*output.full_output) {
    ORCH_ASSIGN_OR_RETURN(output.full_state_diff, ReadFullStateDiff(reader));
    ORCH_RETURN_IF_ERROR(RequireEnd(reader, "the full state diff"));
  } else {
    ORCH_ASSIGN_OR_RETURN(output.da_words, reader.NextWords(reader.remaining(), "the DA words"));
  }
  return output;
}

Result<OsOutput> ParseLegacy0_13_1(std::span<const Felt> words) {
  if (words.size() < kLegacyHeaderWords) {
    return Error::InvalidArgument("the output has {} words, fewer than the {}-word legacy header",
                                  words.size(), kLegacyHeaderWords);
  }
  WordReader reader(words);
  OsOutput output;
  output.layout = OsOutputLayout::kLegacy0_13_1;
  ORCH_ASSIGN_OR_RETURN(output.prev_state_root, reader.Next("prev_state_root"));
  ORCH_ASSIGN_OR_RETURN(output.new_state_root, reader.Next("new_state_root"));
  ORCH_ASSIGN_OR_RETURN(output.new_block_number, reader.Next("block_number"));
  ORCH_ASSIGN_OR_RETURN(output.new_block_hash, reader.Next("block_hash"));
  ORCH_ASSIGN_OR_RETURN(output.config_hash, reader.Next("config_hash"));
  ORCH_ASSIGN_OR_RETURN(output.use_kzg_da, reader.NextFlag("use_kzg_da"));
  if (output.use_kzg_da) {
    // One blob: commitment (low, high), z, y (low, high).
    KzgSegment kzg;
    ORCH_ASSIGN_OR_RETURN(KzgCommitment commitment, ReadCommitment(reader, 0));
    ORCH_ASSIGN_OR_RETURN(kzg.z, reader.Next("z (KZG evaluation point)"));
    ORCH_ASSIGN_OR_RETURN(U256 y, ReadEvaluation(reader, 0));
    kzg.commitments.push_back(commitment);
    kzg.y.push_back(y);
    output.kzg = std::move(kzg);
  }
  ORCH_RETURN_IF_ERROR(ReadMessages(reader, output));
  if (output.use_kzg_da) {
    ORCH_RETURN_IF_ERROR(RequireEnd(reader, "the messages (use_kzg_da = 1: no state diff)"));
  } else {
    ORCH_ASSIGN_OR_RETURN(output.da_words, reader.NextWords(reader.remaining(), "the DA words"));
  }
  return output;
}

}  // namespace

std::string_view ToString(OsOutputLayout layout) {
  switch (layout) {
    case OsOutputLayout::kV0_13_2:
      return "v0.13.2";
    case OsOutputLayout::kLegacy0_13_1:
      return "legacy-0.13.1";
  }
  return "unknown";
}

Result<OsOutput> ParseOsOutput(std::span<const Felt> words, OsOutputLayout layout) {
  Result<OsOutput> output =
      layout == OsOutputLayout::kV0_13_2 ? ParseV0_13_2(words) : ParseLegacy0_13_1(words);
  if (!output.ok()) {
    return output.error().WithContext(
        fmt::format("OS output ({} layout, {} words)", ToString(layout), words.size()));
  }
  return output;
}

Result<OsOutput> ParseOsOutput(std::span<const Felt> words) {
  Result<OsOutput> modern = ParseOsOutput(words, OsOutputLayout::kV0_13_2);
  if (modern.ok()) {
    return modern;
  }
  Result<OsOutput> legacy = ParseOsOutput(words, OsOutputLayout::kLegacy0_13_1);
  if (legacy.ok()) {
    return legacy;
  }
  return Error::InvalidArgument("{}; nor does it parse as {}", modern.error().message(),
                                legacy.error().message());
}

}  // namespace orch::starknet
