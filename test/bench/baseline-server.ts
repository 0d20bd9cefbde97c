import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';

// The bare node:http baseline: answers every GET with fixed bytes, and streams
// every POST body to nowhere, or, with BASELINE_GCS_ENDPOINT, into one GCS
// object per request the way Scryon's store writes (one non-resumable
// request, no validation hash), answering 202.
const body = process.env.BASELINE_BODY_FILE ? readFileSync(process.env.BASELINE_BODY_FILE) : Buffer.from('{}');
const bucket = process.env.BASELINE_GCS_ENDPOINT
  ? new Storage({ apiEndpoint: process.env.BASELINE_GCS_ENDPOINT, projectId: 'scryon-bench' }).bucket(
      `baseline-${randomUUID().slice(0, 8)}`,
    )
  : undefined;
if (bucket) await bucket.create();

const accepted = (response: http.ServerResponse) => {
  response.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
  response.end('{"callId":"00000000-0000-4000-8000-000000000000","status":"QUEUED"}');
};
const server = http.createServer((request, response) => {
  if (request.method === 'POST' && bucket) {
    const object = bucket.file(`uploads/${randomUUID()}`);
    pipeline(
      request,
      object.createWriteStream({ resumable: false, contentType: 'application/octet-stream', validation: false }),
    ).then(
      () => accepted(response),
      () => response.writeHead(500).end(),
    );
    return;
  }
  if (request.method === 'POST') {
    request.on('data', () => undefined);
    request.on('end', () => accepted(response));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
