#include "orch/crypto/poseidon.h"

#include <openssl/sha.h>

#include <string>
#include <vector>

namespace orch::crypto {
namespace {

constexpr std::size_t kFullRoundsPerHalf = 4;
constexpr std::size_t kPartialRounds = 83;
constexpr std::size_t kRounds = 2 * kFullRoundsPerHalf + kPartialRounds;
constexpr std::size_t kWidth = 3;

using State = std::array<Felt, kWidth>;
using RoundConstants = std::array<std::array<Felt, kWidth>, kRounds>;

// StarkWare's derivation (cairo-lang poseidon_utils, the one @scure/starknet also uses): the
// constant for lane j of round r is SHA-256("Hades" + decimal(3r + j)) read big-endian and
// reduced modulo P. Derived at first use instead of pasting 273 numbers; the reference
// vectors in poseidon_test and the oracle test pin the result.
RoundConstants DeriveRoundConstants() {
  RoundConstants constants;
  for (std::size_t round = 0; round < kRounds; ++round) {
    for (std::size_t lane = 0; lane < kWidth; ++lane) {
      const std::string seed = "Hades" + std::to_string(kWidth * round + lane);
      std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
      SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest.data());
      constants[round][lane] = Felt::ReduceBytesBe(digest);
    }
  }
  return constants;
}

const RoundConstants& Constants() {
  static const RoundConstants constants = DeriveRoundConstants();
  return constants;
}

Felt Cube(const Felt& x) { return x.Square() * x; }

// The MDS matrix [[3, 1, 1], [1, -1, 1], [1, 1, -2]] with additions only.
void Mix(State& state) {
  const Felt sum = state[0] + state[1] + state[2];
  state[0] = sum + state[0].Double();
  state[1] = sum - state[1].Double();
  state[2] = sum - state[2].Double() - state[2];
}

// Not inlined: with all 91 rounds inlined into one function GCC runs out of registers and
// keeps the state on the stack, which made the permutation twice as slow.
[[gnu::noinline]] void FullRound(State& state, const std::array<Felt, kWidth>& constants) {
  for (std::size_t lane = 0; lane < kWidth; ++lane) {
    state[lane] = Cube(state[lane] + constants[lane]);
  }
  Mix(state);
}

[[gnu::noinline]] void PartialRound(State& state, const std::array<Felt, kWidth>& constants) {
  for (std::size_t lane = 0; lane < kWidth; ++lane) {
    state[lane] += constants[lane];
  }
  state[2] = Cube(state[2]);  // the S-box acts on the last lane only
  Mix(state);
}

}  // namespace

void PoseidonPermute(std::array<Felt, 3>& state) {
  const RoundConstants& constants = Constants();
  std::size_t round = 0;
  for (std::size_t i = 0; i < kFullRoundsPerHalf; ++i) {
    FullRound(state, constants[round++]);
  }
  for (std::size_t i = 0; i < kPartialRounds; ++i) {
    PartialRound(state, constants[round++]);
  }
  for (std::size_t i = 0; i < kFullRoundsPerHalf; ++i) {
    FullRound(state, constants[round++]);
  }
}

Felt PoseidonHash(const Felt& a, const Felt& b) {
  std::array<Felt, 3> state = {a, b, Felt::FromUint64(2)};
  PoseidonPermute(state);
  return state[0];
}

Felt PoseidonHashSingle(const Felt& x) {
  std::array<Felt, 3> state = {x, Felt(), Felt::One()};
  PoseidonPermute(state);
  return state[0];
}

Felt PoseidonHashMany(std::span<const Felt> values) {
  std::array<Felt, 3> state{};
  std::size_t i = 0;
  for (; i + 1 < values.size(); i += 2) {
    state[0] += values[i];
    state[1] += values[i + 1];
    PoseidonPermute(state);
  }
  if (i < values.size()) {
    state[0] += values[i];
    state[1] += Felt::One();
  } else {
    state[0] += Felt::One();
  }
  PoseidonPermute(state);
  return state[0];
}

}  // namespace orch::crypto
