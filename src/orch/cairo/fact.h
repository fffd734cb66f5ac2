#pragma once

#include <optional>
#include <span>
#include <vector>

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact_topology.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

namespace orch::cairo {

/// The bootloader program hash the orchestrator's Poseidon "L2 fact" starts with
/// (BOOT_LOADER_PROGRAM_CONTRACT, protocols spec §4.7).
inline constexpr crypto::Felt kBootloaderProgramHash = crypto::Felt::FromHexLiteral(
    "0x5ab580b04e3532b6b18f81cfa654a05e29dd8e2352d88df1e765a84072db07");

/// keccak(program_hash as a 32-byte big-endian word ‖ output_root) (§4.4): the fact the GPS /
/// Atlantic verifier registers and Starknet's core contract checks with isValid.
crypto::U256 ComputeFact(const crypto::Felt& program_hash, const crypto::U256& output_root);

/// The program hash the fact uses for the aggregator program (§4.5):
/// pedersen(short string "AGGREGATOR", aggregator_program_hash).
crypto::Felt AggregatorProgramHashWithPrefix(const crypto::Felt& aggregator_program_hash);

/// The orchestrator's Poseidon "L2 fact" (§4.7): poseidon_many([kBootloaderProgramHash,
/// poseidon_many(program_output)]). Only an identifier (a SHARP job key); it is not what
/// Piltover or the fact registries check.
crypto::Felt ComputeL2Fact(std::span<const crypto::Felt> program_output);

struct FactInfoOptions {
  /// Used instead of the hash of the PIE's program, e.g. the AGGREGATOR-prefixed hash.
  std::optional<crypto::Felt> program_hash;
  /// The PIE is the aggregator's: its output starts with the echoed bootloader input, which is
  /// cut off by ExtractAggregatorSettlementOutput before anything is hashed.
  bool is_aggregator = false;
};

/// Everything that goes into a PIE's fact.
struct FactInfo {
  crypto::Felt program_hash;
  /// The output the fact covers (the settlement part for an aggregator PIE).
  std::vector<crypto::Felt> program_output;
  FactTopology topology;
  crypto::U256 output_root;
  crypto::U256 fact;
};

/// The fact of `pie` (the orchestrator's get_fact_info): program output, fact topology from the
/// output builtin's additional data, program hash (ComputeProgramHash unless given), Merkle
/// root, fact. Errors: kInvalidArgument from any step (the message says which).
Result<FactInfo> ComputeFactInfo(const CairoPie& pie, const FactInfoOptions& options = {});

}  // namespace orch::cairo
