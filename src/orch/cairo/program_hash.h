#pragma once

#include "orch/cairo/cairo_pie.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"

namespace orch::cairo {

/// The program hash the bootloader and the fact registry use (protocols spec §4.1): a Pedersen
/// hash chain over [length, bootloader_version = 0, main, number of builtins, builtin names as
/// short strings..., program data...], folded from the right.
/// Errors: kInvalidArgument when a builtin name is not a short string (ASCII, at most 31
/// characters).
Result<crypto::Felt> ComputeProgramHash(const StrippedProgram& program);

}  // namespace orch::cairo
