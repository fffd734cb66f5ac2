#include "orch/cairo/layout.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace orch::cairo {
namespace {

// Every builtin of the standard layouts; a layout is the set of bits of the builtins it has.
constexpr std::array<std::string_view, 11> kBuiltins{
    "output", "pedersen", "range_check",   "ecdsa",   "bitwise", "ec_op",
    "keccak", "poseidon", "range_check96", "add_mod", "mul_mod"};

constexpr unsigned Bits(std::initializer_list<std::string_view> builtins) {
  unsigned bits = 0;
  for (const std::string_view builtin : builtins) {
    for (std::size_t i = 0; i < kBuiltins.size(); ++i) {
      bits |= kBuiltins[i] == builtin ? 1u << i : 0u;
    }
  }
  return bits;
}

struct Layout {
  std::string_view name;
  unsigned builtins;
};

// From the smallest to the largest. dex and all_solidity are left out: small and starknet
// cover the same programs.
constexpr std::array<Layout, 7> kLayouts{{
    {"plain", 0},
    {"small", Bits({"output", "pedersen", "range_check", "ecdsa"})},
    {"recursive", Bits({"output", "pedersen", "range_check", "bitwise"})},
    {"recursive_with_poseidon", Bits({"output", "pedersen", "range_check", "bitwise", "poseidon"})},
    {"starknet",
     Bits({"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "poseidon"})},
    {"starknet_with_keccak", Bits({"output", "pedersen", "range_check", "ecdsa", "bitwise", "ec_op",
                                   "keccak", "poseidon"})},
    {"all_cairo", (1u << kBuiltins.size()) - 1},
}};

}  // namespace

Result<std::string_view> SmallestLayoutFor(std::span<const std::string> builtins) {
  unsigned needed = 0;
  for (const std::string& builtin : builtins) {
    const auto known = std::ranges::find(kBuiltins, builtin);
    if (known == kBuiltins.end()) {
      return Error::InvalidArgument("builtin \"{}\" is in no standard Cairo layout", builtin);
    }
    needed |= 1u << (known - kBuiltins.begin());
  }
  for (const Layout& layout : kLayouts) {
    if ((needed & ~layout.builtins) == 0) {
      return layout.name;
    }
  }
  return kLayouts.back().name;
}

}  // namespace orch::cairo
