import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

const PER_IP = 10;

/**
 * An attacker multiplying their address budget: by the many addresses of one
 * IPv6 /64, by spelling one address many ways, and by sending
 * `X-Forwarded-For` from a machine on a private network. Every one of them
 * must share one budget. The app trusts the proxy setting's default.
 */
describe('what a client address budget is keyed by', () => {
  let scryon: TestApp;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { SCRYON_RATE_LIMIT_IP_PER_MINUTE: String(PER_IP) },
    });
  });
  afterAll(() => scryon?.close());

  /** Statuses of `/api/health` through the loopback proxy (trusted by default), one per forwarded address. */
  async function viaProxy(forwarded: readonly string[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const address of forwarded)
      statuses.push((await scryon.fetch('/api/health', { headers: { 'x-forwarded-for': address } })).status);
    return statuses;
  }

  /** Statuses of `/api/health` from a peer at `remoteAddress`, one per `X-Forwarded-For` value it claims. */
  async function fromPeer(remoteAddress: string, forwarded: readonly string[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const address of forwarded) {
      const response = await scryon.app.http!.inject({
        method: 'GET',
        url: '/api/health',
        remoteAddress,
        headers: { 'x-forwarded-for': address },
      });
      statuses.push(response.statusCode);
    }
    return statuses;
  }

  const range = (count: number, address: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => address(index));

  it('counts every address of one IPv6 /64 against one budget, and another /64 apart', async () => {
    const statuses = await viaProxy(range(PER_IP + 2, (index) => `2001:db8:a:b:${index.toString(16)}::1`));
    expect(statuses.slice(0, PER_IP).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
    expect(await viaProxy(['2001:db8:a:c::1'])).toEqual([200]);
  });

  it('counts every spelling of one address against one budget', async () => {
    const ipv4 = ['198.51.100.23', '::ffff:198.51.100.23', '::FFFF:c633:6417', '0:0:0:0:0:ffff:198.51.100.23'];
    const ipv6 = ['2001:db8:e::5', '2001:DB8:E::5', '2001:0db8:000e:0000:0000:0000:0000:0005', '2001:db8:e:0:0:0:0:5'];
    for (const spellings of [ipv4, ipv6]) {
      const statuses = await viaProxy(range(PER_IP + 2, (index) => spellings[index % spellings.length]!));
      expect(statuses.slice(PER_IP)).toEqual([429, 429]);
    }
  });

  it.each(['10.0.0.7', '172.16.4.4', '192.168.1.20', 'fd00::7', 'fe80::7', '169.254.3.3'])(
    'does not believe X-Forwarded-For from %s by default: the peer itself is counted',
    async (peer) => {
      const statuses = await fromPeer(
        peer,
        range(PER_IP + 2, (index) => `203.0.113.${index + 1}`),
      );
      expect(statuses.slice(0, PER_IP).every((status) => status === 200)).toBe(true);
      expect(statuses.slice(PER_IP)).toEqual([429, 429]);
    },
  );

  it('believes X-Forwarded-For from loopback by default: two forwarded clients get two budgets', async () => {
    const first = await viaProxy(range(PER_IP, () => '192.0.2.77'));
    expect(first.every((status) => status === 200)).toBe(true);
    expect(await viaProxy(['192.0.2.78'])).toEqual([200]);
  });
});
