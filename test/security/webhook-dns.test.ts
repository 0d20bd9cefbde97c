import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { resolveTarget, type OutboundPolicy } from '../../src/webhooks/outbound-address.ts';
import { startTestNameserver, type TestNameserver } from '../harness/dns-server.ts';

/**
 * An endpoint owner who controls their host's nameserver: one that never
 * answers, and one that mixes a private address into its answers. The
 * resolution must end at the attempt's deadline without holding a thread
 * of libuv's pool (which file I/O and provider calls share), and every
 * address it yields must be public.
 */

const DEADLINE_MS = 1_000;
/** More hung names than libuv's pool has threads (4 unless UV_THREADPOOL_SIZE says otherwise). */
const HUNG_NAMES = 8;
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

describe('resolving a webhook host', () => {
  let nameserver: TestNameserver;
  let policy: OutboundPolicy;

  beforeAll(async () => {
    nameserver = await startTestNameserver({
      'public.hooks.test': [PUBLIC_V4, PUBLIC_V6],
      'mixed.hooks.test': [PUBLIC_V4, 'fd00::1'],
      'private6.hooks.test': ['::1'],
    });
    policy = { allowPrivateTargets: false, dnsServers: [nameserver.address] };
  });
  afterAll(() => nameserver?.close());

  it('gives up on a silent nameserver at the deadline, holding no thread of the pool meanwhile', async () => {
    const names = Array.from({ length: HUNG_NAMES }, (_, index) => `hung-${index}.hooks.test`);
    const attempts = names.map((name) =>
      resolveTarget(`https://${name}/hook`, policy, DEADLINE_MS).then(
        () => ({ settled: 'resolved' as const }),
        (error: unknown) => ({ settled: 'refused' as const, error }),
      ),
    );
    const settled = Promise.all(attempts).then(() => 'settled' as const);
    const first = await Promise.race([nameserver.asked(names).then(() => 'asked' as const), settled]);
    // The configured nameserver was asked for every name before any attempt ended.
    expect(first).toBe('asked');
    expect(process.getActiveResourcesInfo()).not.toContain('GetAddrInfoReqWrap');
    // File I/O runs on the pool: it is served while every name still hangs.
    const read = await Promise.race([readFile(import.meta.filename).then(() => 'read' as const), settled]);
    expect(read).toBe('read');

    for (const outcome of await Promise.all(attempts)) {
      const message = `the host did not resolve within ${DEADLINE_MS} ms`;
      expect(outcome).toMatchObject({ settled: 'refused', error: { message, retryable: true } });
    }
  });

  it('connects to an address the nameserver gave, IPv4 first', async () => {
    const target = await resolveTarget('https://public.hooks.test/hook', policy, DEADLINE_MS);
    expect(target).toMatchObject({ address: PUBLIC_V4, family: 4 });
    expect(target.url.hostname).toBe('public.hooks.test');
  });

  it.each(['mixed.hooks.test', 'private6.hooks.test'])('refuses %s: one private answer refuses it', async (name) => {
    await expect(resolveTarget(`https://${name}/hook`, policy, DEADLINE_MS)).rejects.toMatchObject({
      message: 'the host resolves to a private, loopback or link-local address',
      retryable: false,
    });
    expect(nameserver.queries).toContain(name);
  });

  it('answers localhost names and address literals without asking any nameserver, and checks them alike', async () => {
    const before = nameserver.queries.length;
    const loopback = ['https://localhost/', 'https://app.localhost./', 'https://[::1]/', 'https://127.0.0.1/'];
    for (const url of loopback) {
      await expect(resolveTarget(url, policy, DEADLINE_MS)).rejects.toMatchObject({ retryable: false });
    }
    const literal = await resolveTarget(`https://${PUBLIC_V4}/hook`, policy, DEADLINE_MS);
    expect(literal).toMatchObject({ address: PUBLIC_V4, family: 4 });
    expect(nameserver.queries.length).toBe(before);
  });

  it('takes its nameservers from SCRYON_WEBHOOK_DNS_SERVERS, and refuses one that is not an address', () => {
    const configured = loadConfig({ SCRYON_WEBHOOK_DNS_SERVERS: `${nameserver.address}, [::1]:5353` });
    expect(configured.webhooks.dnsServers).toEqual([nameserver.address, '[::1]:5353']);
    expect(loadConfig({}).webhooks.dnsServers).toEqual([]);
    expect(() => loadConfig({ SCRYON_WEBHOOK_DNS_SERVERS: 'dns.example.com' })).toThrow('SCRYON_WEBHOOK_DNS_SERVERS');
  });
});
