// Throughput of the Ethereum primitives on one thread. The same Keccak sizes and signing in
// micro-eth-signer / @noble: `node bench/eth/eth_js_bench.mjs`.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "orch/eth/keccak.h"
#include "orch/eth/rlp.h"
#include "orch/eth/secp256k1.h"
#include "orch/eth/transaction.h"

namespace orch::eth {
namespace {

constexpr std::string_view kAnvilKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

// Keccak of range(0) bytes; MB/s is the figure to compare.
void BM_Keccak256(benchmark::State& state) {
  Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    const Hash32 hash = Keccak256(data);
    data[0] = hash[0];  // each hash feeds the next input
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Keccak256)->Arg(1024)->Arg(128 * 1024);

void BM_Secp256k1Sign(benchmark::State& state) {
  const PrivateKey key = *PrivateKey::FromHex(kAnvilKey);
  Hash32 digest = Keccak256(Bytes{});
  for (auto _ : state) {
    const Signature signature = key.Sign(digest);
    digest = signature.r;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Secp256k1Sign);

void BM_Secp256k1Recover(benchmark::State& state) {
  const PrivateKey key = *PrivateKey::FromHex(kAnvilKey);
  const Hash32 digest = Keccak256(Bytes{});
  const Signature signature = key.Sign(digest);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RecoverAddress(digest, signature));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Secp256k1Recover);

// A settlement-like blob transaction: one 128 KB blob (EIP-4844 sidecar) or one blob with
// 128 cell proofs (EIP-7594), signed once outside the loop.
struct BlobTransaction {
  SignedTransaction<Eip4844Transaction> transaction;
  BlobSidecar sidecar;
};

BlobTransaction MakeBlobTransaction(SidecarVersion version) {
  BlobTransaction blob;
  blob.sidecar.version = version;
  blob.sidecar.blobs.emplace_back(kBytesPerBlob, 0x11);
  blob.sidecar.commitments.push_back(KzgCommitment{0xc0});
  blob.sidecar.proofs.resize(version == SidecarVersion::kEip7594 ? kCellProofsPerBlob : 1,
                             KzgProof{0xc0});
  Eip4844Transaction transaction;
  transaction.chain_id = 11155111;
  transaction.gas_limit = 1'500'000;
  transaction.max_fee_per_gas = WordFromUint64(30'000'000'000);
  transaction.max_priority_fee_per_gas = WordFromUint64(200'000'000);
  transaction.max_fee_per_blob_gas = WordFromUint64(1'000'000'000);
  transaction.data = Bytes(4 + 32 * 120, 0x01);
  transaction.blob_versioned_hashes = VersionedHashes(blob.sidecar);
  blob.transaction = SignTransaction(transaction, *PrivateKey::FromHex(kAnvilKey));
  return blob;
}

void BM_EncodeBlobTransaction(benchmark::State& state) {
  const BlobTransaction blob = MakeBlobTransaction(static_cast<SidecarVersion>(state.range(0)));
  std::size_t size = 0;
  for (auto _ : state) {
    const Result<Bytes> network = EncodeNetworkTransaction(blob.transaction, blob.sidecar);
    size = network->size();
    benchmark::DoNotOptimize(network);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetLabel(state.range(0) == 0 ? "eip4844" : "eip7594");
}
BENCHMARK(BM_EncodeBlobTransaction)->Arg(0)->Arg(1);

void BM_SignBlobTransaction(benchmark::State& state) {
  const BlobTransaction blob = MakeBlobTransaction(SidecarVersion::kEip7594);
  const PrivateKey key = *PrivateKey::FromHex(kAnvilKey);
  for (auto _ : state) {
    benchmark::DoNotOptimize(SignTransaction(blob.transaction.transaction, key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignBlobTransaction);

}  // namespace
}  // namespace orch::eth

BENCHMARK_MAIN();
