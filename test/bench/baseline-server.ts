import { readFileSync } from 'node:fs';
import http from 'node:http';

// The bare node:http baseline: answers every GET with fixed bytes, and drains
// every POST body to nowhere (a streaming sink), answering 202.
const body = process.env.BASELINE_BODY_FILE ? readFileSync(process.env.BASELINE_BODY_FILE) : Buffer.from('{}');
const server = http.createServer((request, response) => {
  if (request.method === 'POST') {
    request.on('data', () => undefined);
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
      response.end('{"callId":"00000000-0000-4000-8000-000000000000","status":"QUEUED"}');
    });
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
