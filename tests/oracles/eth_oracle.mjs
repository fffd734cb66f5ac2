// Differential oracle for tests/unit/eth/eth_oracle_test.cc: answers Ethereum encoding
// requests with micro-eth-signer (and the @noble/hashes it is built on), an independent
// implementation.
//
// Usage: node tests/oracles/eth_oracle.mjs <op> < requests.jsonl > answers.jsonl
// Every request line is a JSON object (bytes and integers as "0x…" strings); every answer
// line is a JSON object, or {"error": "..."} when the library throws for that request.
// Ops and fields:
//   keccak   {data}                     -> {hash}
//   sha256   {data}                     -> {hash}
//   rlp      {item}                     -> {encoded}   item: "0x…" (a string) or [items]
//   address  {key}                      -> {address}   (EIP-55 checksummed)
//   sign     {key, hash}                -> {r, s, y_parity}   (RFC 6979, no extra entropy)
//   abi      {types, values}            -> {calldata}  of a function "f" with those inputs;
//            values: integers "0x…" (int256 as 256-bit two's complement), bool true/false,
//            address "0x…", bytes32/bytes "0x…", arrays of those
//   tx       {type, key, fields}        -> {signing_hash, raw, hash, y_parity, r, s}
//            type "eip1559" | "eip4844"; fields in micro-eth-signer's names (integers "0x…")
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction, addr } from 'micro-eth-signer';
import { createContract } from 'micro-eth-signer/abi.js';
import { RLP } from 'micro-eth-signer/core/rlp.js';
import { sign } from 'micro-eth-signer/utils.js';
import { createInterface } from 'node:readline';

const toHex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const fromHex = (hex) => {
  const digits = hex.replace(/^0x/, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new Error(`bad hex ${hex}`);
  return new Uint8Array(Buffer.from(digits, 'hex'));
};
const word = (bigint) => '0x' + bigint.toString(16).padStart(64, '0');

const rlpInput = (item) => (Array.isArray(item) ? item.map(rlpInput) : fromHex(item));

const abiValue = (type, value) => {
  switch (type) {
    case 'uint256':
      return BigInt(value);
    case 'int256':
      return BigInt.asIntN(256, BigInt(value));
    case 'bool':
      return value;
    case 'address':
      return value;
    case 'bytes32':
    case 'bytes':
      return fromHex(value);
    case 'uint256[]':
      return value.map(BigInt);
    case 'bytes[]':
      return value.map(fromHex);
    default:
      throw new Error(`unsupported ABI type ${type}`);
  }
};

const BIGINT_FIELDS = [
  'chainId', 'nonce', 'maxPriorityFeePerGas', 'maxFeePerGas', 'gasLimit', 'value',
  'maxFeePerBlobGas',
];

const ops = {
  keccak: ({ data }) => ({ hash: toHex(keccak_256(fromHex(data))) }),
  sha256: ({ data }) => ({ hash: toHex(sha256(fromHex(data))) }),
  rlp: ({ item }) => ({ encoded: toHex(RLP.encode(rlpInput(item))) }),
  address: ({ key }) => ({ address: addr.fromPrivateKey(key) }),
  sign: ({ key, hash }) => {
    const signature = sign(fromHex(hash), fromHex(key), false);
    return { r: word(signature.r), s: word(signature.s), y_parity: signature.recovery };
  },
  abi: ({ types, values }) => {
    const inputs = types.map((type) => ({ type }));
    const contract = createContract([{ type: 'function', name: 'f', inputs, outputs: [] }]);
    const args = types.map((type, i) => abiValue(type, values[i]));
    // A function of one input takes that input itself, not a one-element tuple.
    return { calldata: toHex(contract.f.encodeInput(args.length === 1 ? args[0] : args)) };
  },
  tx: ({ type, key, fields }) => {
    const raw = { ...fields };
    for (const name of BIGINT_FIELDS) if (name in raw) raw[name] = BigInt(raw[name]);
    // Not strict: the UI sanity limits (fee caps, nonce size) do not apply to random inputs.
    const transaction = new Transaction(type, raw, { strict: false, allowSignatureFields: false });
    const signed = transaction.signBy(key, false);
    return {
      signing_hash: toHex(keccak_256(transaction.toBytes({ includeSignature: false }))),
      raw: signed.toHex(),
      hash: signed.hash,
      y_parity: signed.raw.yParity,
      r: word(signed.raw.r),
      s: word(signed.raw.s),
    };
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
