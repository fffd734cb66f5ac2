// Differential oracle for tests/unit/crypto/starknet_oracle_test.cc: answers Stark-field
// requests with @scure/starknet, an independent implementation.
//
// Usage: node tests/oracles/starknet_oracle.mjs <op> < requests.jsonl > answers.jsonl
// Every request line is a JSON object (numbers as "0x…" strings); every answer line is a JSON
// object, or {"error": "..."} when the library throws for that request. Ops and fields:
//   pedersen             {a, b}              -> {hash}
//   pedersen_on_elements {values}            -> {hash}
//   poseidon             {a, b}              -> {hash}
//   poseidon_single      {x}                 -> {hash}
//   poseidon_many        {values}            -> {hash}
//   poseidon_permute     {state}             -> {state}
//   public_key           {key}               -> {stark_key, x, y}
//   sign                 {key, hash}         -> {r, s}
//   verify               {stark_key, hash, r, s} -> {valid}  (either point with that x)
import * as starknet from '@scure/starknet';
import { createInterface } from 'node:readline';

const hex = (value) => '0x' + BigInt(value).toString(16);
const bytesToBigInt = (bytes) => BigInt('0x' + Buffer.from(bytes).toString('hex'));
const padded = (value) => BigInt(value).toString(16).padStart(64, '0');

const ops = {
  pedersen: ({ a, b }) => ({ hash: hex(starknet.pedersen(BigInt(a), BigInt(b))) }),
  pedersen_on_elements: ({ values }) => ({
    hash: hex(starknet.computeHashOnElements(values.map(BigInt))),
  }),
  poseidon: ({ a, b }) => ({ hash: hex(starknet.poseidonHash(BigInt(a), BigInt(b))) }),
  poseidon_single: ({ x }) => ({ hash: hex(starknet.poseidonHashSingle(BigInt(x))) }),
  poseidon_many: ({ values }) => ({ hash: hex(starknet.poseidonHashMany(values.map(BigInt))) }),
  poseidon_permute: ({ state }) => ({ state: starknet.poseidonSmall(state.map(BigInt)).map(hex) }),
  public_key: ({ key }) => {
    const point = starknet.getPublicKey(key, false); // 0x04 ‖ x ‖ y
    return {
      stark_key: hex(starknet.getStarkKey(key)),
      x: hex(bytesToBigInt(point.subarray(1, 33))),
      y: hex(bytesToBigInt(point.subarray(33, 65))),
    };
  },
  sign: ({ key, hash }) => {
    const signature = starknet.sign(hash, key);
    return { r: hex(signature.r), s: hex(signature.s) };
  },
  verify: ({ stark_key, hash, r, s }) => {
    const signature = new starknet.Signature(BigInt(r), BigInt(s));
    const valid = ['02', '03'].some((prefix) =>
      starknet.verify(signature, hash, prefix + padded(stark_key)),
    );
    return { valid };
  },
};

const op = ops[process.argv[2]];
if (!op) {
  console.error(`unknown op '${process.argv[2]}'; known: ${Object.keys(ops).join(', ')}`);
  process.exit(2);
}
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
for await (const line of lines) {
  if (line.trim() === '') continue;
  let answer;
  try {
    answer = op(JSON.parse(line));
  } catch (error) {
    answer = { error: String(error.message ?? error) };
  }
  out.push(JSON.stringify(answer));
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
