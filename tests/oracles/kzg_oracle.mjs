// Oracle for kzg_oracle_test: answers KZG requests with the npm c-kzg node binding.
//
// Usage: node kzg_oracle.mjs REQUEST.json   (the answer is JSON on stdout)
//
// Request: {
//   "trusted_setup": path,
//   "blobs_file": path of the blobs, 131072 bytes each, back to back,
//   "points": [{"blob": index, "z": "0x.."}],         -> computeKzgProof
//   "cell_blobs": [index],                            -> computeCellsAndKzgProofs
//   "bad_blob": index of a blob with a word >= r, "bad_z": "0x..", "bad_commitment": "0x.."
// }
// Answer: {
//   "commitments": ["0x.."], "blob_proofs": ["0x.."], "blob_proofs_valid": [bool]  (every blob)
//   "points": [{"proof": "0x..", "y": "0x..", "valid": bool}],
//   "cell_proofs": [["0x..", ... 128]],
//   "rejected": {"bad_blob": message, "bad_z": message, "bad_commitment": message}  (null if
//               c-kzg accepted the input)
// }
import fs from "node:fs";
import ckzg from "c-kzg";

const BYTES_PER_BLOB = 131072;

const toHex = (bytes) => "0x" + Buffer.from(bytes).toString("hex");
const fromHex = (hex) => new Uint8Array(Buffer.from(hex.replace(/^0x/, ""), "hex"));

function rejection(action) {
  try {
    action();
    return null;
  } catch (error) {
    return String(error.message ?? error);
  }
}

const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
ckzg.loadTrustedSetup(0, request.trusted_setup);

const data = fs.readFileSync(request.blobs_file);
const blobs = [];
for (let offset = 0; offset < data.length; offset += BYTES_PER_BLOB) {
  blobs.push(new Uint8Array(data.subarray(offset, offset + BYTES_PER_BLOB)));
}
const good = blobs.map((_, index) => index).filter((index) => index !== request.bad_blob);

const answer = { commitments: [], blob_proofs: [], blob_proofs_valid: [], points: [] };
for (const index of good) {
  const commitment = ckzg.blobToKzgCommitment(blobs[index]);
  const proof = ckzg.computeBlobKzgProof(blobs[index], commitment);
  answer.commitments.push(toHex(commitment));
  answer.blob_proofs.push(toHex(proof));
  answer.blob_proofs_valid.push(ckzg.verifyBlobKzgProof(blobs[index], commitment, proof));
}
for (const point of request.points) {
  const z = fromHex(point.z);
  const [proof, y] = ckzg.computeKzgProof(blobs[point.blob], z);
  const commitment = fromHex(answer.commitments[good.indexOf(point.blob)]);
  answer.points.push({
    proof: toHex(proof),
    y: toHex(y),
    valid: ckzg.verifyKzgProof(commitment, z, y, proof),
  });
}
answer.cell_proofs = request.cell_blobs.map((index) =>
  ckzg.computeCellsAndKzgProofs(blobs[index])[1].map(toHex),
);

const zero = new Uint8Array(32);
const someProof = fromHex(answer.blob_proofs[0]);
answer.rejected = {
  bad_blob: rejection(() => ckzg.blobToKzgCommitment(blobs[request.bad_blob])),
  bad_z: rejection(() => ckzg.computeKzgProof(blobs[good[0]], fromHex(request.bad_z))),
  bad_commitment: rejection(() =>
    ckzg.verifyKzgProof(fromHex(request.bad_commitment), zero, zero, someProof),
  ),
};
process.stdout.write(JSON.stringify(answer));
