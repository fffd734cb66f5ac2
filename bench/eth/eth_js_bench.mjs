// The operations of eth_bench timed in micro-eth-signer and the @noble libraries it is built
// on, in one node run, for the ratio in docs/benchmarks.md. Prints one line per operation.
// Usage (from the repository root): node bench/eth/eth_js_bench.mjs [seconds per op]
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Transaction } from 'micro-eth-signer';
import { sign } from 'micro-eth-signer/utils.js';

const secondsPerOp = Number(process.argv[2] ?? 2);
const key = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const keyBytes = new Uint8Array(Buffer.from(key, 'hex'));

// Runs `step` until the time is up (after a short warm-up) and returns operations per second
// of CPU time (user + system), like Google Benchmark's CPU column: the figures stay comparable
// on a loaded machine.
function measure(step) {
  const warmUpEnd = performance.now() + 200;
  while (performance.now() < warmUpEnd) step();
  let count = 0;
  const start = process.cpuUsage();
  const end = performance.now() + secondsPerOp * 1000;
  while (performance.now() < end) {
    step();
    count += 1;
  }
  const used = process.cpuUsage(start);
  return count / ((used.user + used.system) / 1e6);
}

const data1k = new Uint8Array(1024).fill(0x5a);
const data128k = new Uint8Array(128 * 1024).fill(0x5a);
let digest = keccak_256(new Uint8Array());
const blobTx = new Transaction('eip4844', {
  chainId: 11155111n, nonce: 0n, maxPriorityFeePerGas: 200000000n, maxFeePerGas: 30000000000n,
  gasLimit: 1500000n, to: '0xE2Bb56ee936fd6433DC0F6e7e3b8365C906AA057', value: 0n,
  data: '0x' + '01'.repeat(4 + 32 * 120), accessList: [], maxFeePerBlobGas: 1000000000n,
  blobVersionedHashes: ['0x01' + '22'.repeat(31)],
}, { strict: false, allowSignatureFields: false });

const cases = {
  keccak_1k: { bytes: 1024, step: () => { data1k[0] = keccak_256(data1k)[0]; } },
  keccak_128k: { bytes: 128 * 1024, step: () => { data128k[0] = keccak_256(data128k)[0]; } },
  secp256k1_sign: {
    step: () => { digest = sign(digest, keyBytes, false).toBytes('compact').subarray(0, 32); },
  },
  sign_blob_tx: { step: () => { blobTx.signBy(key, false); } },
};

const only = process.env.ORCH_BENCH_FILTER;
for (const [name, { bytes, step }] of Object.entries(cases)) {
  if (only && !name.includes(only)) continue;
  const rate = measure(step);
  const figure = bytes
    ? `${((rate * bytes) / 1e6).toFixed(1).padStart(10)} MB/s`
    : `${rate.toFixed(0).padStart(12)} ops/s`;
  console.log(`${name.padEnd(24)} ${figure}`);
}
