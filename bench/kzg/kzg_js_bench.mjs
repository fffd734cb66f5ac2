// Times the npm c-kzg node binding on the operations kzg_bench times, for the ratio in
// docs/benchmarks.md. Usage: node bench/kzg/kzg_js_bench.mjs [iterations]
// (run from the repository, so that node finds node_modules/c-kzg).
import { createRequire } from "node:module";
import ckzg from "c-kzg";

const require = createRequire(import.meta.url);
const setupPath = require.resolve("c-kzg/deps/c-kzg/trusted_setup.txt");
const iterations = Number(process.argv[2] ?? 10);

// A deterministic blob whose words, like Stark felts, are below 2^252 (so below r).
function makeBlob(seed) {
  const blob = new Uint8Array(131072);
  let state = BigInt(seed) | 1n;
  for (let i = 0; i < blob.length; i += 8) {
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    for (let j = 0; j < 8; j++) blob[i + j] = Number((state >> BigInt(8 * j)) & 0xffn);
  }
  for (let i = 0; i < blob.length; i += 32) blob[i] &= 0x0f;
  return blob;
}

function time(name, runs, action) {
  action(0);
  const start = performance.now();
  for (let i = 0; i < runs; i++) action(i);
  const ms = (performance.now() - start) / runs;
  console.log(`${name.padEnd(34)} ${ms.toFixed(2).padStart(9)} ms`);
}

let start = performance.now();
ckzg.loadTrustedSetup(0, setupPath);
console.log(`${"loadTrustedSetup(0)".padEnd(34)} ${(performance.now() - start).toFixed(2).padStart(9)} ms`);

const blobs = Array.from({ length: iterations }, (_, i) => makeBlob(i + 1));
const z = new Uint8Array(32).fill(0x11);
time("blobToKzgCommitment", iterations, (i) => ckzg.blobToKzgCommitment(blobs[i]));
time("commitment + computeBlobKzgProof", iterations, (i) => {
  const commitment = ckzg.blobToKzgCommitment(blobs[i]);
  ckzg.computeBlobKzgProof(blobs[i], commitment);
});
time("computeKzgProof", iterations, (i) => ckzg.computeKzgProof(blobs[i], z));
time("computeCellsAndKzgProofs", Math.max(1, iterations / 5), (i) =>
  ckzg.computeCellsAndKzgProofs(blobs[i]),
);
