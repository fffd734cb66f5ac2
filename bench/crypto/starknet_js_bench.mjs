// The operations of crypto_bench timed in @scure/starknet, in one node run, for the ratio in
// docs/benchmarks.md. Prints one line per operation: name and operations per second.
// Usage (from the repository root): node bench/crypto/starknet_js_bench.mjs [seconds per op]
import * as starknet from '@scure/starknet';

const secondsPerOp = Number(process.argv[2] ?? 2);
const a = 0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cbn;
const b = 0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31an;
const privateKey = '0x1234567890987654321';
const Fp = starknet.Fp251;

// Runs `step` until the time is up (after a short warm-up) and returns operations per second.
function measure(step) {
  const warmUpEnd = performance.now() + 200;
  while (performance.now() < warmUpEnd) step();
  let count = 0;
  const start = performance.now();
  const end = start + secondsPerOp * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) step();
    count += 10;
  }
  return count / ((performance.now() - start) / 1000);
}

let hash = a;
let value = a;
let keyOffset = 0n;
const publicKey = starknet.getPublicKey(privateKey);
const signature = starknet.sign(b.toString(16), privateKey);
const many = new Array(10).fill(a);

const cases = {
  pedersen_hash: () => { hash = BigInt(starknet.pedersen(hash, b)); },
  poseidon_hash: () => { hash = starknet.poseidonHash(hash, b); },
  poseidon_hash_many_10: () => { many[0] = starknet.poseidonHashMany(many); },
  get_stark_key: () => { starknet.getStarkKey((0x1234567890987654321n + keyOffset++).toString(16)); },
  sign: () => { hash = starknet.sign(hash.toString(16), privateKey).r; },
  verify: () => { starknet.verify(signature, b.toString(16), publicKey); },
  felt_mul: () => { value = Fp.mul(value, b); },
  felt_inverse: () => { value = Fp.add(Fp.inv(value), 1n); },
};

const only = process.env.ORCH_BENCH_FILTER;
for (const [name, step] of Object.entries(cases)) {
  if (only && !name.includes(only)) continue;
  hash = a;
  console.log(`${name.padEnd(24)} ${measure(step).toFixed(0).padStart(12)} ops/s`);
}
