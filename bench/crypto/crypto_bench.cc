// Throughput of the Stark primitives on one thread. Each hash feeds the next one's input, so
// that the compiler cannot hoist the work out of the loop. The same operations in
// @scure/starknet: `node bench/crypto/starknet_js_bench.mjs`.
#include <benchmark/benchmark.h>

#include <vector>

#include "orch/crypto/felt.h"
#include "orch/crypto/pedersen.h"
#include "orch/crypto/poseidon.h"
#include "orch/crypto/stark_ecdsa.h"

namespace orch::crypto {
namespace {

constexpr Felt kA =
    Felt::FromHexLiteral("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb");
constexpr Felt kB =
    Felt::FromHexLiteral("0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a");
constexpr Felt kPrivateKey = Felt::FromHexLiteral("0x1234567890987654321");

void BM_PedersenHash(benchmark::State& state) {
  Felt hash = PedersenHash(kA, kB);  // builds the tables outside the timed loop
  for (auto _ : state) {
    hash = PedersenHash(hash, kB);
  }
  benchmark::DoNotOptimize(hash);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PedersenHash);

void BM_PoseidonHash(benchmark::State& state) {
  Felt hash = PoseidonHash(kA, kB);
  for (auto _ : state) {
    hash = PoseidonHash(hash, kB);
  }
  benchmark::DoNotOptimize(hash);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PoseidonHash);

// Ten felts: two permutations' worth of input plus padding, like a short calldata.
void BM_PoseidonHashMany10(benchmark::State& state) {
  std::vector<Felt> values(10, kA);
  for (auto _ : state) {
    values[0] = PoseidonHashMany(values);
  }
  benchmark::DoNotOptimize(values);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PoseidonHashMany10);

void BM_GetStarkKey(benchmark::State& state) {
  Felt key = kPrivateKey;
  for (auto _ : state) {
    benchmark::DoNotOptimize(GetStarkKey(key).value());
    key += Felt::One();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetStarkKey);

void BM_Sign(benchmark::State& state) {
  Felt hash = kB;
  for (auto _ : state) {
    const StarkSignature signature = Sign(kPrivateKey, hash).value();
    hash = signature.r;
  }
  benchmark::DoNotOptimize(hash);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sign);

void BM_Verify(benchmark::State& state) {
  const AffinePoint public_key = GetPublicKey(kPrivateKey).value();
  const StarkSignature signature = Sign(kPrivateKey, kB).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Verify(public_key, kB, signature).value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Verify);

void BM_VerifyWithStarkKey(benchmark::State& state) {
  const Felt stark_key = GetStarkKey(kPrivateKey).value();
  const StarkSignature signature = Sign(kPrivateKey, kB).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyWithStarkKey(stark_key, kB, signature).value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyWithStarkKey);

// A chain of multiplications in a function of its own, as in the library's callers: inlined
// into the benchmark loop, GCC keeps the 128-bit temporaries on the stack and doubles the time.
constexpr int kChainLength = 64;
[[gnu::noinline]] Felt MultiplyChain(Felt product, const Felt& factor) {
  for (int i = 0; i < kChainLength; ++i) {
    product = product * factor;
  }
  return product;
}

void BM_FeltMul(benchmark::State& state) {
  Felt product = kA;
  for (auto _ : state) {
    product = MultiplyChain(product, kB);
  }
  benchmark::DoNotOptimize(product);
  state.SetItemsProcessed(state.iterations() * kChainLength);
}
BENCHMARK(BM_FeltMul);

void BM_FeltInverse(benchmark::State& state) {
  Felt value = kA;
  for (auto _ : state) {
    value = value.Inverse() + Felt::One();
  }
  benchmark::DoNotOptimize(value);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FeltInverse);

}  // namespace
}  // namespace orch::crypto

BENCHMARK_MAIN();
