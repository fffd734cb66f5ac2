#!/usr/bin/env bash
# Runs the benchmarks of a build directory against SQLite, a throwaway PostgreSQL and the AWS
# emulators (scripts/test-services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/release}
shift || true

if [ -z "${ORCH_TEST_POSTGRES_URL:-}" ]; then
  services_dir=$(mktemp -d /tmp/orch-services-XXXXXX)
  trap 'scripts/test-services.sh stop "$services_dir"; rm -rf "$services_dir"' EXIT
  # Assigned first so that a failed start stops the script (eval "$(...)" would hide it).
  services_env=$(scripts/test-services.sh start "$services_dir")
  eval "$services_env"
fi

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build_dir/bench/store_bench" --benchmark_min_time=1 "$@"

# Artifact stores: the directory store next to S3 on the emulators (fauxqs, s3rver), whose
# numbers are not AWS's.
"$build_dir/bench/object_store_bench" "$@"

# Primitives, each next to the npm implementation it is compared with (docs/benchmarks.md).
"$build_dir/bench/crypto/crypto_bench" "$@"
node bench/crypto/starknet_js_bench.mjs
"$build_dir/bench/eth/eth_bench" "$@"
node bench/eth/eth_js_bench.mjs
"$build_dir/bench/kzg/kzg_bench" "$@"
node bench/kzg/kzg_js_bench.mjs

# Starknet data formats: DA encoding to KZG commitments, compression, PIE parsing and facts.
"$build_dir/bench/starknet/starknet_da_bench" "$@"
"$build_dir/bench/starknet/starknet_compression_bench" "$@"
"$build_dir/bench/cairo/cairo_bench" "$@"

# The whole pipeline over instant simulated services; one JSON line per backend. The defaults
# follow the engine issue (10k blocks, RSS again at 50k); shorten with PIPELINE_BLOCKS and
# PIPELINE_RSS_BLOCKS. After catching up, the simulated node produces 2,000 more blocks at
# 200 per second: the latency of a block from its arrival (bench/pipeline_bench.cc).
for backend in sqlite postgres; do
  "$build_dir/bench/pipeline_bench" --backend "$backend" \
    --blocks "${PIPELINE_BLOCKS:-10000}" --rss-blocks "${PIPELINE_RSS_BLOCKS:-50000}"
done

# End to end on the devnet: blocks settled per minute on Anvil, orchestrator CPU per block.
"$build_dir/bench/devnet_bench" "$@"
