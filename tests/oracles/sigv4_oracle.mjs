// Differential oracle for tests/unit/aws/sigv4_oracle_test.cc: signs requests with the AWS SDK
// for JavaScript's SigV4 signer (@smithy/signature-v4 with @aws-crypto/sha256-js), an
// independent implementation.
//
// Usage: node tests/oracles/sigv4_oracle.mjs < requests.jsonl > answers.jsonl
// Request line: {method, protocol, hostname, port?, path, query: {key: value | [values]},
//   headers: {name: value}, body, access_key_id, secret_access_key, session_token?, region,
//   service, time_ms}
//   path is the wire path (percent-encoded); query keys and values are decoded.
// Answer line: {authorization, headers} or {error}.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  try {
    const r = JSON.parse(line);
    const signer = new SignatureV4({
      service: r.service,
      region: r.region,
      sha256: Sha256,
      credentials: {
        accessKeyId: r.access_key_id,
        secretAccessKey: r.secret_access_key,
        ...(r.session_token ? { sessionToken: r.session_token } : {}),
      },
      // As the SDK's S3 client: S3 paths are signed as sent and carry x-amz-content-sha256.
      uriEscapePath: r.service !== 's3',
      applyChecksum: r.service === 's3',
    });
    const signed = await signer.sign(
      {
        method: r.method,
        protocol: r.protocol,
        hostname: r.hostname,
        port: r.port,
        path: r.path,
        query: r.query,
        headers: { ...r.headers },
        body: r.body,
      },
      { signingDate: new Date(r.time_ms) },
    );
    process.stdout.write(
      JSON.stringify({ authorization: signed.headers.authorization, headers: signed.headers }) +
        '\n',
    );
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error) }) + '\n');
  }
}
