// Blob transform (ours, O(n log n), against the naive O(n^2) evaluation the reference uses)
// and c-kzg commitment and proofs per blob. The node binding of the same c-kzg is timed by
// kzg_js_bench.mjs in this directory.
#include <benchmark/benchmark.h>
#include <blst.h>

#include <cstdint>
#include <random>
#include <vector>

#include "orch/kzg/blob_transform.h"
#include "orch/kzg/kzg.h"

namespace orch::kzg {
namespace {

FieldBytes RandomFelt(std::mt19937_64& random) {
  // Stark felts are below 2^252.
  FieldBytes value;
  for (std::uint8_t& byte : value) {
    byte = static_cast<std::uint8_t>(random());
  }
  value[0] &= 0x07;
  return value;
}

std::vector<FieldBytes> RandomFelts(std::size_t count) {
  std::mt19937_64 random(/*seed=*/4844);
  std::vector<FieldBytes> felts(count);
  for (FieldBytes& felt : felts) {
    felt = RandomFelt(random);
  }
  return felts;
}

Blob RandomBlob() { return *FeltsToBlob(RandomFelts(kFieldElementsPerBlob)); }

const Kzg& SharedKzg() { return **Kzg::Shared(); }

blst_fr ToFr(const FieldBytes& big_endian) {
  blst_scalar scalar;
  blst_scalar_from_bendian(&scalar, big_endian.data());
  blst_fr value;
  blst_fr_from_scalar(&value, &scalar);
  return value;
}

std::size_t BitReverse12(std::size_t index) {
  std::size_t reversed = 0;
  for (int bit = 0; bit < 12; ++bit) {
    reversed = (reversed << 1) | ((index >> bit) & 1);
  }
  return reversed;
}

// The reference's algorithm: Horner's rule at each of the 4096 points, O(n^2), here with blst
// arithmetic so that only the algorithm differs.
Blob NaiveFeltsToBlob(const std::vector<FieldBytes>& felts) {
  constexpr std::uint64_t kRoot[4] = {0xe206da11a5d36306, 0x0ad1347b378fbf96, 0xfc3e8acfe0f8245f,
                                      0x564c0a11a0f704f4};
  blst_fr root;
  blst_fr_from_uint64(&root, kRoot);
  std::vector<blst_fr> powers(kFieldElementsPerBlob);
  const std::uint64_t one[4] = {1, 0, 0, 0};
  blst_fr_from_uint64(&powers[0], one);
  for (std::size_t k = 1; k < powers.size(); ++k) {
    blst_fr_mul(&powers[k], &powers[k - 1], &root);
  }
  std::vector<blst_fr> coefficients;
  for (const FieldBytes& felt : felts) {
    coefficients.push_back(ToFr(felt));
  }
  Blob blob;
  for (std::size_t i = 0; i < kFieldElementsPerBlob; ++i) {
    const blst_fr& x = powers[BitReverse12(i)];
    blst_fr value = coefficients.back();
    for (std::size_t j = coefficients.size() - 1; j-- > 0;) {
      blst_fr_mul(&value, &value, &x);
      blst_fr_add(&value, &value, &coefficients[j]);
    }
    blst_scalar scalar;
    blst_scalar_from_fr(&scalar, &value);
    blst_bendian_from_scalar(blob.bytes.data() + i * kBytesPerFieldElement, &scalar);
  }
  return blob;
}

void BM_FeltsToBlob(benchmark::State& state) {
  const std::vector<FieldBytes> felts = RandomFelts(kFieldElementsPerBlob);
  for (auto _ : state) {
    benchmark::DoNotOptimize(FeltsToBlob(felts));
  }
}
BENCHMARK(BM_FeltsToBlob)->Unit(benchmark::kMillisecond);

void BM_FeltsToBlobNaive(benchmark::State& state) {
  const std::vector<FieldBytes> felts = RandomFelts(kFieldElementsPerBlob);
  for (auto _ : state) {
    benchmark::DoNotOptimize(NaiveFeltsToBlob(felts));
  }
}
BENCHMARK(BM_FeltsToBlobNaive)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BlobToFelts(benchmark::State& state) {
  const Blob blob = RandomBlob();
  for (auto _ : state) {
    benchmark::DoNotOptimize(BlobToFelts(blob));
  }
}
BENCHMARK(BM_BlobToFelts)->Unit(benchmark::kMillisecond);

void BM_LoadTrustedSetup(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Kzg::Load(ResolveTrustedSetupPath(std::nullopt)));
  }
}
BENCHMARK(BM_LoadTrustedSetup)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_BlobToCommitment(benchmark::State& state) {
  const Kzg& kzg = SharedKzg();
  const Blob blob = RandomBlob();
  for (auto _ : state) {
    benchmark::DoNotOptimize(kzg.BlobToCommitment(blob));
  }
}
BENCHMARK(BM_BlobToCommitment)->Unit(benchmark::kMillisecond);

// What the EIP-4844 sidecar needs per blob.
void BM_CommitmentAndBlobProof(benchmark::State& state) {
  const Kzg& kzg = SharedKzg();
  const Blob blob = RandomBlob();
  for (auto _ : state) {
    const Commitment commitment = *kzg.BlobToCommitment(blob);
    benchmark::DoNotOptimize(kzg.ComputeBlobProof(blob, commitment));
  }
}
BENCHMARK(BM_CommitmentAndBlobProof)->Unit(benchmark::kMillisecond);

// What updateStateKzgDA needs per blob.
void BM_ComputeKzgProof(benchmark::State& state) {
  const Kzg& kzg = SharedKzg();
  const Blob blob = RandomBlob();
  std::mt19937_64 random(/*seed=*/7594);
  const FieldBytes z = RandomFelt(random);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kzg.ComputeKzgProof(blob, z));
  }
}
BENCHMARK(BM_ComputeKzgProof)->Unit(benchmark::kMillisecond);

// What the EIP-7594 sidecar needs per blob, besides the commitment.
void BM_ComputeCellProofs(benchmark::State& state) {
  const Kzg& kzg = SharedKzg();
  const Blob blob = RandomBlob();
  for (auto _ : state) {
    benchmark::DoNotOptimize(kzg.ComputeCellProofs(blob));
  }
}
BENCHMARK(BM_ComputeCellProofs)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orch::kzg

BENCHMARK_MAIN();
