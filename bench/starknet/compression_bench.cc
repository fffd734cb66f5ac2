// Stateless compression and decompression of a six-blob (6 × 4096 felts) state diff, the most
// the orchestrator publishes per batch by default.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "orch/starknet/stateless_compression.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;

constexpr std::size_t kFelts = 6 * 4096;

Felt RandomBits(std::mt19937_64& random, unsigned bits) {
  const U256 value(U256::Limbs{random(), random(), random(), random()});
  return Felt::FromU256(value >> (256 - bits)).value();
}

// A >= 0.13.3 state-diff encoding (protocols.md §7.2) shaped like real traffic: 251-bit
// addresses and storage keys, some keys shared between contracts (popular accounts' balance
// slots), values that are small counters, balances below 2^90, 251-bit hashes or a few common
// values, and occasional deployed classes from a small pool.
std::vector<Felt> StateDiffMix() {
  std::mt19937_64 random(/*seed=*/133);
  std::vector<Felt> shared_keys;
  std::vector<Felt> common_values = {Felt::FromUint64(0), Felt::FromUint64(1)};
  std::vector<Felt> class_hashes;
  for (int i = 0; i < 200; ++i) {
    shared_keys.push_back(RandomBits(random, 251));
  }
  for (int i = 0; i < 30; ++i) {
    common_values.push_back(RandomBits(random, 251));
  }
  for (int i = 0; i < 20; ++i) {
    class_hashes.push_back(RandomBits(random, 251));
  }
  std::vector<Felt> out = {Felt()};  // n_contracts, set at the end
  std::uint64_t n_contracts = 0;
  while (out.size() < kFelts - 64) {
    const std::uint64_t n_updates = 1 + random() % 12;
    const bool deployed = random() % 10 == 0;
    const std::uint64_t nonce = random() % 3 == 0 ? random() % 5000 : 0;
    out.push_back(RandomBits(random, 251));
    out.push_back(Felt::FromUint64((((nonce << 8) | n_updates) << 2) | 2 | (deployed ? 1 : 0)));
    if (deployed) {
      out.push_back(class_hashes[random() % class_hashes.size()]);
    }
    for (std::uint64_t i = 0; i < n_updates; ++i) {
      out.push_back(random() % 10 < 3 ? shared_keys[random() % shared_keys.size()]
                                      : RandomBits(random, 251));
      const std::uint64_t kind = random() % 20;
      if (kind < 8) {
        out.push_back(RandomBits(random, 1 + random() % 31));
      } else if (kind < 13) {
        out.push_back(RandomBits(random, 90));
      } else if (kind < 17) {
        out.push_back(RandomBits(random, 251));
      } else {
        out.push_back(common_values[random() % common_values.size()]);
      }
    }
    ++n_contracts;
  }
  out[0] = Felt::FromUint64(n_contracts);
  out.push_back(Felt());  // no declared classes
  return out;
}

void BM_CompressStateless(benchmark::State& state) {
  const std::vector<Felt> data = StateDiffMix();
  std::size_t compressed_size = 0;
  for (auto _ : state) {
    std::vector<Felt> compressed = CompressStateless(data).value();
    compressed_size = compressed.size();
    benchmark::DoNotOptimize(compressed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
  state.counters["felts_in"] = static_cast<double>(data.size());
  state.counters["felts_out"] = static_cast<double>(compressed_size);
}
BENCHMARK(BM_CompressStateless)->Unit(benchmark::kMicrosecond);

void BM_DecompressStateless(benchmark::State& state) {
  const std::vector<Felt> data = StateDiffMix();
  const std::vector<Felt> compressed = CompressStateless(data).value();
  for (auto _ : state) {
    std::vector<Felt> decompressed = DecompressStateless(compressed).value();
    benchmark::DoNotOptimize(decompressed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_DecompressStateless)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace orch::starknet

BENCHMARK_MAIN();
