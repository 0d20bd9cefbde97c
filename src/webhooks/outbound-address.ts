import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent. Addresses are resolved once per attempt and
 * the connection is made to the address that was checked (never resolved
 * again by the HTTP client), so a name that answers a public address to the
 * check and a private one to the connect (DNS rebinding) cannot get through.
 */

/** Private, loopback, link-local, shared, multicast and reserved ranges, IPv4 and IPv6 (RFC 6890's "not globally reachable"). */
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
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) NOT_GLOBAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) NOT_GLOBAL.addSubnet(network, prefix, 'ipv6');

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
}

/** What an endpoint URL must be before it is stored: http(s), no credentials, no fragment. */
export function checkEndpointUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundAddressError('not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateTargets)) throw new OutboundAddressError('must be an https URL');
  if (url.username || url.password) throw new OutboundAddressError('must not carry credentials');
  if (url.hash) throw new OutboundAddressError('must not carry a fragment');
  const literal = hostLiteral(url);
  if (literal && !policy.allowPrivateTargets && isNotGlobal(literal)) throw new OutboundAddressError('must not point at a private, loopback or link-local address');
  return url;
}

/** Resolves the URL's host once and checks every address it has; the first allowed one is where the attempt connects. */
export async function resolveTarget(raw: string, policy: OutboundPolicy): Promise<ResolvedTarget> {
  const url = checkEndpointUrl(raw, policy);
  const literal = hostLiteral(url);
  const addresses = literal ? [{ address: literal, family: isIP(literal) as 4 | 6 }] : await resolveAll(url.hostname);
  if (addresses.length === 0) throw new OutboundAddressError('the host has no address');
  // Any private answer refuses the whole name: a name that mixes them is the shape of a rebinding attempt.
  if (!policy.allowPrivateTargets && addresses.some((entry) => isNotGlobal(entry.address))) {
    throw new OutboundAddressError('the host resolves to a private, loopback or link-local address');
  }
  return { url, address: addresses[0]!.address, family: addresses[0]!.family };
}

async function resolveAll(hostname: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
  try {
    return (await lookup(hostname, { all: true, verbatim: true })) as Array<{ address: string; family: 4 | 6 }>;
  } catch (error) {
    throw new OutboundAddressError(`the host could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { retryable: true });
  }
}

function hostLiteral(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : undefined;
}

function isNotGlobal(address: string): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries (BlockList already judges IPv4 against
  // IPv6 rules through that mapping, which is why ::ffff:0:0/96 is not in the list: it would refuse every IPv4 address).
  const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped) return NOT_GLOBAL.check(mapped, 'ipv4');
  return NOT_GLOBAL.check(address, family);
}
