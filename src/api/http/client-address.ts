import { isIP } from 'node:net';
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
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

