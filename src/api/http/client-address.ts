import { BlockList, isIP } from 'node:net';
import { dottedIpv4, ipv6Groups } from '../../net/ip-address.ts';

/**
 * The key a client address is counted by (rate limits, connection slots).
 * Every spelling of one address gives one key (`::FFFF:1.2.3.4` is
 * `1.2.3.4`, `2001:DB8:0::1` is `2001:db8::1`), and an IPv6 client is
 * counted by its /64: a subscriber is routinely given a whole /64 and can
 * send from any address in it. What is not an address (a proxy's garbage) is
 * counted by its literal.
 */
export function clientAddressKey(address: string): string {
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return address.trim().toLowerCase();
  const groups = ipv6Groups(address)!;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return dottedIpv4(groups[6]!, groups[7]!);
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** Fastify's (proxy-addr's) names for ranges of proxies. */
const NAMED_RANGES: Record<string, ReadonlyArray<readonly [string, number]>> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
};

/**
 * Whether a connection's peer is one of the proxies `trust` names (the
 * `trustProxy` setting: `true`, or names, addresses and CIDRs). A proxy
 * carries many clients on its connections, so it is not held to one client's
 * share; an entry Fastify would refuse at start counts as no proxy.
 */
export function trustedPeer(trust: boolean | string | readonly string[]): (address: string) => boolean {
  if (typeof trust === 'boolean') return () => trust;
  const entries = typeof trust === 'string' ? trust.split(',') : trust;
  const proxies = new BlockList();
  for (const entry of entries) {
    for (const [network, prefix] of rangesOf(entry.trim())) {
      proxies.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6');
    }
  }
  return (address) => {
    const plain = unmapped(address);
    if (isIP(plain) === 0) return false;
    return proxies.check(plain, isIP(plain) === 4 ? 'ipv4' : 'ipv6');
  };
}

function rangesOf(entry: string): ReadonlyArray<readonly [string, number]> {
  const named = NAMED_RANGES[entry];
  if (named) return named;
  const [network = '', prefix] = entry.split('/');
  const family = isIP(network);
  const width = family === 4 ? 32 : 128;
  const bits = prefix === undefined ? width : Number(prefix);
  return family !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= width ? [[network, bits]] : [];
}

/** An IPv4-mapped IPv6 address (a dual-stack listener's IPv4 peer) as its IPv4 address; any other as it is. */
function unmapped(address: string): string {
  const key = clientAddressKey(address);
  return isIP(key) === 4 ? key : address.split('%', 1)[0]!;
}
