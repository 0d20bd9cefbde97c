import { Resolver } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { dottedIpv4, ipv6Groups } from '../net/ip-address.ts';

/**
 * Where a webhook may be sent. Addresses are resolved once per attempt and
 * the connection is made to the address that was checked (never resolved
 * again by the HTTP client), so a name that answers a public address to the
 * check and a private one to the connect (DNS rebinding) cannot get through.
 *
 * Names are resolved by asking nameservers directly (c-ares, node:dns's
 * `Resolver`), never by `dns.lookup`: a lookup holds one of libuv's few pool
 * threads until the system resolver gives up, and cannot be cancelled, so a
 * host whose nameserver never answers would starve file I/O and every other
 * pool user. /etc/hosts is therefore not read; `localhost` names are
 * loopback by definition (RFC 6761) and answered here.
 */

/**
 * Private, loopback, link-local, shared, multicast and reserved ranges, IPv4
 * and IPv6 (RFC 6890's "not globally reachable").
 */
const NOT_GLOBAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  // The deprecated 6to4 relay anycast: whichever relay answers is not the owner's server.
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_GLOBAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  // Teredo tunnels to an IPv4 address a server never needs to reach this way.
  ['2001::', 32],
  // Benchmarking, ORCHID and ORCHIDv2 (overlay identifiers, never routed), documentation (old and new), SRv6 SIDs.
  ['2001:2::', 48],
  ['2001:10::', 28],
  ['2001:20::', 28],
  ['2001:db8::', 32],
  ['3fff::', 20],
  ['5f00::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local, deprecated but still routed on some networks.
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NOT_GLOBAL.addSubnet(network, prefix, 'ipv6');

export class OutboundAddressError extends Error {
  /** A name that did not resolve may resolve later (a DNS outage); a refused address will not change by retrying. */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'OutboundAddressError';
    this.retryable = options.retryable ?? false;
  }
}

export interface ResolvedTarget {
  url: URL;
  /** The address the connection goes to: the one that was checked. */
  address: string;
  family: 4 | 6;
}

export interface OutboundPolicy {
  /** `dev` only, by configuration: loopback receivers on a laptop and in tests. */
  allowPrivateTargets: boolean;
  /** Nameservers asked instead of the system's (`SCRYON_WEBHOOK_DNS_SERVERS`); absent or empty: the system's. */
  dnsServers?: readonly string[];
}

/** The longest endpoint URL, as sent and once percent-encoded. */
export const MAX_ENDPOINT_URL_LENGTH = 2048;

/**
 * What an endpoint URL must be before it is stored: http(s), no credentials,
 * no fragment, not too long once encoded.
 */
export function checkEndpointUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundAddressError('not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateTargets))
    throw new OutboundAddressError('must be an https URL');
  if (url.username || url.password) throw new OutboundAddressError('must not carry credentials');
  if (url.hash) throw new OutboundAddressError('must not carry a fragment');
  if (url.href.length > MAX_ENDPOINT_URL_LENGTH)
    throw new OutboundAddressError(`must be at most ${MAX_ENDPOINT_URL_LENGTH} characters once encoded`);
  const literal = hostLiteral(url);
  if (literal && !policy.allowPrivateTargets && isNotGlobal(literal))
    throw new OutboundAddressError('must not point at a private, loopback or link-local address');
  return url;
}

interface Address {
  address: string;
  family: 4 | 6;
}

/** Resolves a name; `signal` aborts at the attempt's deadline, and must end the queries, not just stop waiting. */
export type ResolveHost = (hostname: string, signal: AbortSignal) => Promise<Address[]>;

const LOOPBACK: readonly Address[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/**
 * Resolves the URL's host once, within `withinMs` (a resolver that never
 * answers costs the attempt, not the worker), and checks every address it
 * has; the first allowed one is where the attempt connects.
 */
export async function resolveTarget(
  raw: string,
  policy: OutboundPolicy,
  withinMs: number,
  resolveHost: ResolveHost = nameserverResolver(policy.dnsServers, withinMs),
): Promise<ResolvedTarget> {
  const url = checkEndpointUrl(raw, policy);
  const addresses = await addressesOf(url, withinMs, resolveHost);
  if (addresses.length === 0) throw new OutboundAddressError('the host has no address');
  // Any private answer refuses the whole name: a name that mixes them is the shape of a rebinding attempt.
  if (!policy.allowPrivateTargets && addresses.some((entry) => isNotGlobal(entry.address))) {
    throw new OutboundAddressError('the host resolves to a private, loopback or link-local address');
  }
  return { url, address: addresses[0]!.address, family: addresses[0]!.family };
}

async function addressesOf(url: URL, withinMs: number, resolveHost: ResolveHost): Promise<readonly Address[]> {
  const literal = hostLiteral(url);
  if (literal) return [{ address: literal, family: isIP(literal) as 4 | 6 }];
  const name = url.hostname.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return LOOPBACK;
  return resolveWithin(url.hostname, withinMs, resolveHost);
}

async function resolveWithin(hostname: string, withinMs: number, resolveHost: ResolveHost): Promise<Address[]> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new OutboundAddressError(`the host did not resolve within ${withinMs} ms`, { retryable: true }));
      deadline.abort();
    }, withinMs);
  });
  try {
    return await Promise.race([resolveHost(hostname, deadline.signal), late]);
  } catch (error) {
    if (error instanceof OutboundAddressError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new OutboundAddressError(`the host could not be resolved (${code})`, { retryable: true });
  } finally {
    clearTimeout(timer);
  }
}

/** A's and AAAA's answers from the nameservers, IPv4 first; the queries are cancelled when `signal` aborts. */
function nameserverResolver(servers: readonly string[] | undefined, timeoutMs: number): ResolveHost {
  return async (hostname, signal) => {
    // One resolver per attempt: cancel() ends every query of its resolver, and only this attempt's may end.
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (servers && servers.length > 0) resolver.setServers([...servers]);
    const cancel = () => resolver.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
      const addresses = [...answered(v4, 4), ...answered(v6, 6)];
      if (addresses.length > 0) return addresses;
      // A name with no record of one family says so (ENODATA): the other family's failure is the telling one.
      const failures = rejections(v4, v6);
      if (failures.length === 0) return [];
      throw failures.find((failure) => failure.code !== 'ENODATA') ?? failures[0];
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  };
}

function rejections(...results: Array<PromiseSettledResult<unknown>>): NodeJS.ErrnoException[] {
  return results.flatMap((result) => (result.status === 'rejected' ? [result.reason as NodeJS.ErrnoException] : []));
}

function answered(result: PromiseSettledResult<string[]>, family: 4 | 6): Address[] {
  return result.status === 'fulfilled' ? result.value.map((address) => ({ address, family })) : [];
}

function hostLiteral(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : undefined;
}

function isNotGlobal(address: string): boolean {
  if (isIP(address) === 4) return NOT_GLOBAL.check(address, 'ipv4');
  // An IPv6 address that carries an IPv4 one (mapped, translated, NAT64, 6to4)
  // reaches that IPv4 address, and is judged as it. BlockList alone judges only
  // the mapped form so, and listing ::ffff:0:0/96 would refuse every IPv4
  // address.
  const embedded = embeddedIpv4(address);
  return (embedded !== undefined && NOT_GLOBAL.check(embedded, 'ipv4')) || NOT_GLOBAL.check(address, 'ipv6');
}

/**
 * The IPv4 address inside an IPv4-compatible, -mapped or -translated, NAT64
 * (64:ff9b::/96) or 6to4 (2002::/16) address.
 */
function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && (groups[5] === 0 || groups[5] === 0xffff)) return dottedIpv4(groups[6]!, groups[7]!);
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return dottedIpv4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return dottedIpv4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return dottedIpv4(groups[1]!, groups[2]!);
  return undefined;
}
