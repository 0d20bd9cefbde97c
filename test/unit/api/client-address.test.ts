import { describe, expect, it } from 'vitest';
import { clientAddressKey } from '../../../src/api/http/client-address.ts';

describe('the key a client address is counted by', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
  ])('gives %s the key of its IPv4 address', (address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });

  it('gives every address and spelling in one IPv6 /64 one key', () => {
    const spellings = [
      '2001:db8:1:2::1',
      '2001:DB8:1:2::ffff',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:a:b:c:d',
      '2001:db8:1:2::9%eth0',
    ];
    expect(new Set(spellings.map(clientAddressKey))).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('keeps neighbouring /64s and IPv4-compatible or NAT64 addresses apart', () => {
    expect(clientAddressKey('2001:db8:1:3::1')).not.toBe(clientAddressKey('2001:db8:1:2::1'));
    expect(clientAddressKey('64:ff9b::cb00:7107')).not.toBe('203.0.113.7');
  });

  it('counts what is not an address by its literal', () => {
    expect(clientAddressKey(' Unknown ')).toBe('unknown');
  });
});
