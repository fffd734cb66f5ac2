#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/pie_memory.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// Writing Cairo PIEs. Real PIEs come from SNOS (the Starknet OS run) as zip bytes, which the
// orchestrator only reads and passes on; but a local devnet or a test that has a program output
// and no SNOS run still needs a PIE whose fact settles that output. No C++ library writes PIEs
// (cairo-lang and cairo-vm are Python and Rust), so this writes them, in the format the reader
// (cairo_pie.h) and cairo-vm read. Stand-in PIEs are for devnets, mock provers and tests only.
namespace orch::cairo {

/// Everything a PIE zip holds, in the reader's terms.
struct PieContents {
  PieMetadata metadata;
  /// Written in this order; each address at most once.
  std::vector<MemoryCell> memory;
  OutputBuiltinData output_builtin;
  ExecutionResources execution_resources;
};

/// Writes `contents` as a PIE zip (protocols spec §5) the way cairo-vm does: version.json
/// ("1.1"), metadata.json, memory.bin, additional_data.json and execution_resources.json, in
/// that order, all deflated, with compact JSON. The same contents always give the same bytes.
///
/// Only programs whose one builtin is output: the additional data of the others (pedersen's
/// verified addresses, ecdsa's signatures) is not in PieContents, and a PIE without it would
/// fail in a prover's bootloader. The written zip is read back with CairoPie::ReadBytes and
/// ComputeFactInfo before it is returned, so the reader is the one definition of a valid PIE.
/// Errors: kInvalidArgument when the builtins are not exactly ["output"], n_steps is 0, or the
/// contents do not read back (cells outside their segment or twice, a missing output cell, pages
/// that do not tile the output, ...; the message is the reader's).
Result<std::string> WriteCairoPie(const PieContents& contents);

/// The program hash (protocols spec §4.1) of the stand-in program of BuildStandInPie: the
/// `programHash` a devnet's core contract needs to accept stand-in facts.
crypto::Felt StandInProgramHash();

/// A PIE of a fixed four-word Cairo 0 program with the output builtin (it runs in the small
/// layout and up) whose output segment holds `program_output`, so that its fact is
/// keccak(StandInProgramHash() ‖ keccak(program_output)) (one page, default topology): the fact
/// the Starknet core contract checks for that output under that program hash. The memory is the
/// program's real three-step run (the output words come from a hint, which a PIE does not keep);
/// `n_steps` is only declared in execution_resources.json, so that callers can exercise job
/// sizing. Errors: kInvalidArgument when `program_output` is empty or `n_steps` is 0.
Result<std::string> BuildStandInPie(std::span<const crypto::Felt> program_output,
                                    std::uint64_t n_steps);

}  // namespace orch::cairo
