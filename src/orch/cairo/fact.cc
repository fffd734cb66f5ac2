#include "orch/cairo/fact.h"

#include <algorithm>
#include <array>

#include "orch/cairo/bootloader_output.h"
#include "orch/cairo/output_merkle_root.h"
#include "orch/cairo/program_hash.h"
#include "orch/crypto/pedersen.h"
#include "orch/crypto/poseidon.h"
#include "orch/eth/keccak.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using crypto::U256;

// The ASCII bytes of "AGGREGATOR" right-aligned in a felt.
constexpr Felt kAggregatorPrefix = Felt::FromHexLiteral("0x41474752454741544f52");

}  // namespace

U256 ComputeFact(const Felt& program_hash, const U256& output_root) {
  std::array<std::uint8_t, 64> bytes;
  const auto hash_bytes = program_hash.ToBytesBe();
  const auto root_bytes = output_root.ToBytesBe();
  std::copy(hash_bytes.begin(), hash_bytes.end(), bytes.begin());
  std::copy(root_bytes.begin(), root_bytes.end(), bytes.begin() + 32);
  return U256::FromWord(eth::Keccak256(bytes));
}

Felt AggregatorProgramHashWithPrefix(const Felt& aggregator_program_hash) {
  return crypto::PedersenHash(kAggregatorPrefix, aggregator_program_hash);
}

Felt ComputeL2Fact(std::span<const Felt> program_output) {
  const std::array<Felt, 2> outer = {kBootloaderProgramHash,
                                     crypto::PoseidonHashMany(program_output)};
  return crypto::PoseidonHashMany(outer);
}

Result<FactInfo> ComputeFactInfo(const CairoPie& pie, const FactInfoOptions& options) {
  FactInfo info;
  ORCH_ASSIGN_OR_RETURN(info.program_output, pie.ProgramOutput());
  if (options.is_aggregator) {
    ORCH_ASSIGN_OR_RETURN(info.program_output,
                          ExtractAggregatorSettlementOutput(info.program_output));
  }
  ORCH_ASSIGN_OR_RETURN(info.topology,
                        ComputeFactTopology(pie.output_builtin(), info.program_output.size()));
  if (options.program_hash.has_value()) {
    info.program_hash = *options.program_hash;
  } else {
    ORCH_ASSIGN_OR_RETURN(info.program_hash, ComputeProgramHash(pie.metadata().program));
  }
  ORCH_ASSIGN_OR_RETURN(info.output_root,
                        ComputeOutputMerkleRoot(info.program_output, info.topology));
  info.fact = ComputeFact(info.program_hash, info.output_root);
  return info;
}

}  // namespace orch::cairo
