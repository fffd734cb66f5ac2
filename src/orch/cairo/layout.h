#pragma once

#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"

// Cairo layouts (cairo-lang's instances.py): which builtins each standard layout has. A PIE
// does not record the layout it ran with, but provers need one that has every builtin the
// program uses.
namespace orch::cairo {

/// The smallest standard layout that has every builtin in `builtins` (names as in a PIE's
/// program.builtins: "output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op",
/// "keccak", "poseidon", "range_check96", "add_mod", "mul_mod"), in the order plain, small,
/// recursive, recursive_with_poseidon, starknet, starknet_with_keccak, all_cairo.
/// Errors: kInvalidArgument naming a builtin no standard layout has.
Result<std::string_view> SmallestLayoutFor(std::span<const std::string> builtins);

}  // namespace orch::cairo
