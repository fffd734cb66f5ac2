#pragma once

#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

namespace orch::cairo {

/// One task of a simple-bootloader run: the program it ran and that program's output.
struct BootloaderTask {
  crypto::Felt program_hash;
  std::vector<crypto::Felt> output;

  friend bool operator==(const BootloaderTask&, const BootloaderTask&) = default;
};

/// Parses a simple-bootloader output (protocols spec §4.5): [n_tasks, then per task
/// (output size + 2, program hash, output...)]. The whole of `output` must be tasks.
/// Errors: kInvalidArgument naming the task and word when a count or size does not fit a
/// 64-bit integer, a size is below 2, a task runs past the end, or words are left over.
Result<std::vector<BootloaderTask>> ParseBootloaderOutput(std::span<const crypto::Felt> output);

/// The fact the GPS verifier registers for a task: keccak(program hash ‖ keccak(output words)),
/// i.e. ComputeFact with the default (single page) topology of the task's output.
crypto::U256 ComputeTaskFact(const BootloaderTask& task);

/// The settlement part of the aggregator program's output (the orchestrator's
/// filter_output_from_program_output): the aggregator echoes its bootloader-style input
/// [n_children, (size, OS program hash, child output...)...] and then writes the combined OS
/// output, which (KZG DA) ends with the two message segments. Returns the OS output from its
/// header through the last L1→L2 message word.
/// Errors: kInvalidArgument when a count does not fit or a segment runs past the end.
Result<std::vector<crypto::Felt>> ExtractAggregatorSettlementOutput(
    std::span<const crypto::Felt> aggregator_output);

}  // namespace orch::cairo
