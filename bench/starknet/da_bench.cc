// State diff -> DA felts -> blobs -> KZG commitments for a synthetic diff that fills the six
// blobs a state update may carry (6 x 4096 felts), the largest DA payload of one L1 update; and
// the whole local work between "DataSubmission created" and "StateTransition sent" for such a
// block: encoding, blob transforms, commitments, the KZG proofs at z, the sidecar proofs (blob
// proofs for EIP-4844, cell proofs for EIP-7594), the calldata, signing and the network form.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/crypto/felt.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/transaction.h"
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

// What the DataSubmission and StateTransition handlers compute for a 6-blob block before the
// transaction leaves: range(0) is the sidecar (0: EIP-4844 blob proofs, 1: EIP-7594 cell proofs).
void BM_BlockToSignedBlobTransaction(benchmark::State& state) {
  const kzg::Kzg& kzg = **kzg::Kzg::Shared();
  const bool cell_proofs = state.range(0) == 1;
  const StateDiff diff = FullDiff();
  TableNonceSource nonces(kBlock, {});
  const eth::PrivateKey key = *eth::PrivateKey::FromHex(
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  const eth::Address core_contract =
      *eth::Address::Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  const Felt z = Felt::FromUint64(0x1234567);
  for (auto _ : state) {
    const std::vector<Felt> felts = *EncodeLegacyStateDiff(diff, kBlock, nonces);
    const std::vector<kzg::Blob> blobs = *kzg::FeltsToBlobs(ToFieldBytes(felts));
    eth::BlobSidecar sidecar{.version = cell_proofs ? eth::SidecarVersion::kEip7594
                                                    : eth::SidecarVersion::kEip4844};
    std::vector<eth::KzgProof> evaluation_proofs;
    // The 10-word header, z, n_blobs, then each blob's commitment limbs and y limbs.
    std::vector<Felt> output(10, Felt::One());
    output.push_back(z);
    output.push_back(Felt::FromUint64(blobs.size()));
    for (const kzg::Blob& blob : blobs) {
      const kzg::Commitment commitment = *kzg.BlobToCommitment(blob);
      const kzg::EvaluationProof evaluation = *kzg.ComputeKzgProof(blob, z.ToBytesBe());
      evaluation_proofs.push_back(evaluation.proof.bytes);
      sidecar.blobs.emplace_back(blob.bytes.begin(), blob.bytes.end());
      sidecar.commitments.push_back(commitment.bytes);
      if (cell_proofs) {
        for (const kzg::Proof& proof : *kzg.ComputeCellProofs(blob)) {
          sidecar.proofs.push_back(proof.bytes);
        }
      } else {
        sidecar.proofs.push_back(kzg.ComputeBlobProof(blob, commitment)->bytes);
      }
      output.push_back(Felt::One());
      output.push_back(Felt::One());
    }
    const eth::Eip4844Transaction transaction{
        .chain_id = 1,
        .nonce = 7,
        .max_priority_fee_per_gas = crypto::U256(200'000'000).ToBytesBe(),
        .max_fee_per_gas = crypto::U256(30'000'000'000).ToBytesBe(),
        .gas_limit = 1'500'000,
        .to = core_contract,
        .value = {},
        .data = settlement::EncodeUpdateStateKzgDA(output, evaluation_proofs),
        .access_list = {},
        .max_fee_per_blob_gas = crypto::U256(1'000'000'000).ToBytesBe(),
        .blob_versioned_hashes = eth::VersionedHashes(sidecar)};
    benchmark::DoNotOptimize(
        eth::EncodeNetworkTransaction(eth::SignTransaction(transaction, key), sidecar));
  }
}
BENCHMARK(BM_BlockToSignedBlobTransaction)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
}  // namespace orch::starknet

BENCHMARK_MAIN();
