// Starts fauxqs (SQS JSON protocol, SNS, S3 on one port) bound to 127.0.0.1: its own CLI
// binds 0.0.0.0. Usage: PORT=4566 node scripts/aws/fauxqs-loopback.mjs
import { buildApp } from 'fauxqs';

const port = parseInt(process.env.PORT ?? '4566', 10);
const app = buildApp({ logger: false });
await app.listen({ port, host: '127.0.0.1' });
console.log(`fauxqs listening on 127.0.0.1:${port}`);
