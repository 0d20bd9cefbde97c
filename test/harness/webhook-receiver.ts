import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * What the receiver does with the next request: answer with a
 * status (and headers), or hold it open until the sender gives up.
 */
export type ReceiverFault = { status: number; headers?: Record<string, string> } | { hang: true };

export interface Receipt {
  /** The path after the receiver's base URL: which endpoint this was. */
  path: string;
  webhookId: string;
  body: string;
  /** Whether the signature checked out with the `standardwebhooks` verifier under the path's secret. */
  verified: boolean;
  receivedAt: number;
  answered: number | 'hung';
}

export interface WebhookReceiver {
  url: string;
  receipts: Receipt[];
  /** Answers for the next requests, in order; afterwards every request gets 200. */
  faults: ReceiverFault[];
  /** The signing secret of the endpoint at `path` ('/' by default). */
  secrets: Map<string, string>;
  /** Resolves when `count` receipts have arrived. */
  received(count: number, timeoutMs?: number): Promise<Receipt[]>;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that verifies every delivery's signature, with faults scripted per request. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receipts: Receipt[] = [];
  const faults: ReceiverFault[] = [];
  const secrets = new Map<string, string>();
  const waiters = new Set<() => void>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const fault = faults.shift();
      receipts.push({
        path,
        webhookId: String(request.headers['webhook-id']),
        body,
        verified: verify(secrets.get(path), body, request.headers),
        receivedAt: Date.now(),
        answered: fault && 'hang' in fault ? 'hung' : (fault?.status ?? 200),
      });
      for (const wake of waiters) wake();
      if (fault && 'hang' in fault) return;
      response.writeHead(fault?.status ?? 200, fault?.headers ?? {});
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    receipts,
    faults,
    secrets,
    received(count, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (receipts.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(receipts.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`received ${receipts.length} of ${count} webhooks`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function verify(secret: string | undefined, body: string, headers: http.IncomingHttpHeaders): boolean {
  if (!secret) return false;
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
