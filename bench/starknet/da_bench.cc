// State diff -> DA felts -> blobs -> KZG commitments for a synthetic diff that fills the six
// blobs a state update may carry (6 x 4096 felts), the largest DA payload of one L1 update.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "orch/crypto/felt.h"
#include "orch/kzg/blob_transform.h"
#include "orch/kzg/kzg.h"
#include "orch/starknet/nonce_source.h"
#include "orch/starknet/state_diff_encoding.h"
#include "orch/starknet/state_update_json.h"

namespace orch::starknet {
namespace {

using crypto::Felt;

constexpr std::size_t kBlobs = 6;
// 480 contracts x (address, word, 24 x (key, value)) + n_contracts + n_classes
// + 287 x (class_hash, compiled_class_hash) = 24576 felts = 6 full blobs (legacy layout).
constexpr std::size_t kContracts = 480;
constexpr std::size_t kEntriesPerContract = 24;
constexpr std::size_t kDeclaredClasses = 287;
constexpr std::uint64_t kBlock = 1000;

Felt RandomFelt(std::mt19937_64& random) {
  // 251 random bits: always below P.
  std::array<std::uint8_t, 32> bytes;
  for (std::uint8_t& byte : bytes) {
    byte = static_cast<std::uint8_t>(random());
  }
  bytes[0] &= 0x07;
  return *Felt::FromBytesBe(bytes);
}

StateDiff FullDiff() {
  std::mt19937_64 random(/*seed=*/4844);
  StateDiff diff;
  for (std::size_t i = 0; i < kContracts; ++i) {
    ContractStorageDiff contract{.address = RandomFelt(random)};
    for (std::size_t j = 0; j < kEntriesPerContract; ++j) {
      contract.storage_entries.push_back({RandomFelt(random), RandomFelt(random)});
    }
    // Every contract has a new nonce: no lookups, which would time the nonce source.
    diff.nonces.push_back({contract.address, Felt::FromUint64(random() % 1000)});
    diff.storage_diffs.push_back(std::move(contract));
  }
  for (std::size_t i = 0; i < kDeclaredClasses; ++i) {
    diff.declared_classes.push_back({RandomFelt(random), RandomFelt(random)});
  }
  return diff;
}

std::vector<kzg::FieldBytes> ToFieldBytes(const std::vector<Felt>& felts) {
  std::vector<kzg::FieldBytes> bytes;
  bytes.reserve(felts.size());
  for (const Felt& felt : felts) {
    bytes.push_back(felt.ToBytesBe());
  }
  return bytes;
}

void BM_ParseStateUpdateJson(benchmark::State& state) {
  const std::string text = StateUpdateToJsonText(StateUpdate{.state_diff = FullDiff()});
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseStateUpdateJson(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseStateUpdateJson)->Unit(benchmark::kMillisecond);

void BM_EncodeLegacy(benchmark::State& state) {
  const StateDiff diff = FullDiff();
  TableNonceSource nonces(kBlock, {});
  for (auto _ : state) {
    benchmark::DoNotOptimize(EncodeLegacyStateDiff(diff, kBlock, nonces));
  }
}
BENCHMARK(BM_EncodeLegacy)->Unit(benchmark::kMillisecond);

void BM_EncodeForCompression(benchmark::State& state) {
  const StateDiff diff = FullDiff();
  for (auto _ : state) {
    benchmark::DoNotOptimize(SerializeDaStateDiff(*CollectDaStateDiff(diff), kVersion0_13_3));
  }
}
BENCHMARK(BM_EncodeForCompression)->Unit(benchmark::kMillisecond);

// The whole path of a 0.13.2 state update's DA: encode, six blob transforms, six commitments.
void BM_EncodeBlobsAndCommit(benchmark::State& state) {
  const kzg::Kzg& kzg = **kzg::Kzg::Shared();
  const StateDiff diff = FullDiff();
  TableNonceSource nonces(kBlock, {});
  if (EncodeLegacyStateDiff(diff, kBlock, nonces)->size() != kBlobs * kzg::kFieldElementsPerBlob) {
    state.SkipWithError("the synthetic diff does not fill exactly six blobs");
    return;
  }
  for (auto _ : state) {
    const std::vector<Felt> felts = *EncodeLegacyStateDiff(diff, kBlock, nonces);
    const std::vector<kzg::Blob> blobs = *kzg::FeltsToBlobs(ToFieldBytes(felts));
    for (const kzg::Blob& blob : blobs) {
      benchmark::DoNotOptimize(kzg.BlobToCommitment(blob));
    }
  }
}
BENCHMARK(BM_EncodeBlobsAndCommit)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orch::starknet

BENCHMARK_MAIN();
