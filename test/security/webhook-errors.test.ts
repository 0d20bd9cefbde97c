import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, type SendResult } from '../../src/webhooks/webhook-sender.ts';

/**
 * An endpoint owner using webhook attempts as a port scanner: pointing an
 * endpoint at each port of some public host and reading the attempt log. A
 * closed port, a filtered one and one that speaks something other than HTTP
 * must leave the same entry, so the log says "no answer" and nothing more.
 */

const TIMEOUT_MS = 300;

/** A TCP listener on loopback that does `onConnection` with every connection. */
async function listener(onConnection: (socket: net.Socket) => void): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, server };
}

describe('what a failed webhook attempt tells its owner', () => {
  const servers: net.Server[] = [];
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    const closed = await listener(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    ports.closed = closed.port;
    const kinds: Record<string, (socket: net.Socket) => void> = {
      // Accepts and never says a word: what a filtered port looks like once the timeout is all there is.
      silent: () => undefined,
      reset: (socket) => socket.resetAndDestroy(),
      'another protocol': (socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'),
    };
    for (const [kind, onConnection] of Object.entries(kinds)) {
      const open = await listener(onConnection);
      servers.push(open.server);
      ports[kind] = open.port;
    }
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const attempt = (port: number): Promise<SendResult> => {
    const url = new URL(`http://127.0.0.1:${port}/hook`);
    return sendWebhook({ url, address: '127.0.0.1', family: 4 }, {}, '{}', TIMEOUT_MS);
  };

  it('records closed, silent, resetting and non-HTTP ports alike: connection_failed, the whole budget', async () => {
    const results = Object.fromEntries(
      await Promise.all(Object.entries(ports).map(async ([kind, port]) => [kind, await attempt(port)] as const)),
    );
    const expected = { error: 'connection_failed', durationMs: TIMEOUT_MS };
    expect(results).toEqual({ closed: expected, silent: expected, reset: expected, 'another protocol': expected });
  });
});
