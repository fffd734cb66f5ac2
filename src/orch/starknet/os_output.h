#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

// The Starknet OS output ("program output") that settlement publishes: what the OS committed to
// for a range of blocks (protocols.md §6.2). Parsing is strict: every declared segment must fit
// in the output and the output must end where its last segment ends, so that a truncated or
// padded output is an error naming the word where it went wrong, never a silently wrong field.
namespace orch::starknet {

enum class OsOutputLayout {
  // 10-word header (Starknet 0.13.2 .. 0.14.x), several blobs.
  kV0_13_2,
  // 6-word header of the 0.13.1 OS, one blob.
  kLegacy0_13_1,
};

/// "v0.13.2" or "legacy-0.13.1" (the names `orchestrator tool program-output` prints).
std::string_view ToString(OsOutputLayout layout);

/// A KZG commitment as 48 big-endian bytes.
using KzgCommitment = std::array<std::uint8_t, 48>;

/// The KZG DA segment: the evaluation point shared by all blobs and, per blob, its commitment
/// and the evaluation y = p_i(z) (a BLS12-381 field element).
struct KzgSegment {
  crypto::Felt z;
  std::vector<KzgCommitment> commitments;
  std::vector<crypto::U256> y;
};

struct MessageToL1 {
  crypto::Felt from_address;  // L2 contract
  crypto::Felt to_address;    // L1 contract
  std::vector<crypto::Felt> payload;
};

struct MessageToL2 {
  crypto::Felt from_address;  // L1 contract
  crypto::Felt to_address;    // L2 contract
  crypto::Felt nonce;
  crypto::Felt selector;
  std::vector<crypto::Felt> payload;
};

/// The "full" state diff the OS writes when use_kzg_da = 0 and full_output = 1.
struct FullStorageChange {
  crypto::Felt key;
  crypto::Felt prev_value;
  crypto::Felt new_value;
};
struct FullContractChange {
  crypto::Felt address;
  crypto::Felt prev_nonce;
  crypto::Felt new_nonce;
  crypto::Felt prev_class_hash;
  crypto::Felt new_class_hash;
  std::vector<FullStorageChange> storage;
};
struct FullClassChange {
  crypto::Felt class_hash;
  crypto::Felt prev_compiled_class_hash;
  crypto::Felt new_compiled_class_hash;
};
struct FullStateDiff {
  std::vector<FullContractChange> contracts;
  std::vector<FullClassChange> classes;
};

struct OsOutput {
  OsOutputLayout layout = OsOutputLayout::kV0_13_2;
  crypto::Felt prev_state_root;
  crypto::Felt new_state_root;
  // Absent in the legacy layout, which names only the new block. The first update of a chain
  // carries P - 1 (that is, -1) here.
  std::optional<crypto::Felt> prev_block_number;
  crypto::Felt new_block_number;
  std::optional<crypto::Felt> prev_block_hash;  // absent in the legacy layout
  crypto::Felt new_block_hash;
  // 0 when the OS ran directly, the OS program hash when the aggregator emitted the output;
  // absent in the legacy layout.
  std::optional<crypto::Felt> os_program_hash;
  crypto::Felt config_hash;
  bool use_kzg_da = false;
  std::optional<bool> full_output;  // absent in the legacy layout
  std::optional<KzgSegment> kzg;    // present iff use_kzg_da
  std::vector<MessageToL1> messages_to_l1;
  std::vector<MessageToL2> messages_to_l2;
  // When use_kzg_da = 0 the state diff follows the messages: parsed when full_output = 1,
  // otherwise kept as the (stateless-compressed) DA words it is.
  std::optional<FullStateDiff> full_state_diff;
  std::vector<crypto::Felt> da_words;
};

/// Parses an OS output in the given layout.
/// Errors: kInvalidArgument naming the word index and the field (a flag that is not 0 or 1, a
/// limb too wide for its half, a segment longer than what is left, words after the end).
Result<OsOutput> ParseOsOutput(std::span<const crypto::Felt> words, OsOutputLayout layout);

/// Parses an OS output, choosing the layout: the 10-word layout when it parses, else the legacy
/// one when that parses (the two cannot both parse: the 10-word layout needs words 8 and 9 to be
/// flags where the legacy one has the evaluation point and a limb). When neither does, the
/// error is the 10-word layout's, with the legacy one's appended.
/// A bootloaded or aggregator output is unwrapped first (cairo/bootloader_output.h).
Result<OsOutput> ParseOsOutput(std::span<const crypto::Felt> words);

}  // namespace orch::starknet
