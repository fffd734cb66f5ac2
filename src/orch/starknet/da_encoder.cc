#include "orch/starknet/da_encoder.h"

#include <utility>

#include "orch/starknet/state_diff_encoding.h"
#include "orch/starknet/stateless_compression.h"

namespace orch::starknet {

Result<std::vector<crypto::Felt>> EncodeStateDiffForDa(const StateDiff& diff,
                                                       const StarknetVersion& version,
                                                       std::uint64_t block_number,
                                                       NonceSource& nonces, AliasSource& aliases) {
  if (version < kVersion0_13_3) {
    return EncodeLegacyStateDiff(diff, block_number, nonces);
  }
  ORCH_ASSIGN_OR_RETURN(DaStateDiff collected, CollectDaStateDiff(diff));
  if (version >= kVersion0_13_4) {
    ORCH_ASSIGN_OR_RETURN(collected, ApplyAliases(std::move(collected), aliases));
  }
  ORCH_ASSIGN_OR_RETURN(const std::vector<crypto::Felt> felts,
                        SerializeDaStateDiff(collected, version));
  return CompressStateless(felts);
}

}  // namespace orch::starknet
