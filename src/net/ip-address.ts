import { isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address, `::` and a trailing dotted IPv4 part expanded; undefined if not IPv6. */
export function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  // A zone (`fe80::1%eth0`) names an interface, not part of the address.
  const bare = address.split('%', 1)[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(bare);
  const octets = dotted?.slice(1).map(Number) ?? [];
  const hexTail = (high: number, low: number) => ((high << 8) | low).toString(16);
  const hex = dotted
    ? `${bare.slice(0, dotted.index)}${hexTail(octets[0]!, octets[1]!)}:${hexTail(octets[2]!, octets[3]!)}`
    : bare;
  const [head = '', tail] = hex.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/** Two 16-bit groups as a dotted IPv4 address. */
export function dottedIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
