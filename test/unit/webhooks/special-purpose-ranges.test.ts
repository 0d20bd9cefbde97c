import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, OutboundAddressError } from '../../../src/webhooks/outbound-address.ts';

const STRICT = { allowPrivateTargets: false };

/** IANA special-purpose ranges that are not globally reachable, at their first, an inner and their last address. */
describe('special-purpose ranges a webhook may not target', () => {
  it.each([
    // Benchmarking (RFC 5180), outside Teredo's 2001::/32.
    'https://[2001:2::1]/',
    'https://[2001:2:0:ffff:ffff:ffff:ffff:ffff]/',
    // ORCHID (RFC 4843) and ORCHIDv2 (RFC 7343).
    'https://[2001:10::1]/',
    'https://[2001:1f:ffff::1]/',
    'https://[2001:20::1]/',
    'https://[2001:2f:ffff:ffff:ffff:ffff:ffff:ffff]/',
    // Documentation (RFC 9637).
    'https://[3fff::1]/',
    'https://[3fff:fff:ffff::1]/',
    // Segment Routing SIDs (RFC 9602).
    'https://[5f00::1]/',
    'https://[5f00:ffff::1]/',
    // The 6to4 relay anycast (RFC 7526), also as 6to4 carries it.
    'https://192.88.99.1/',
    'https://192.88.99.255/',
    'https://[2002:c058:6301::1]/',
  ])('refuses %s', (url) => {
    expect(() => checkEndpointUrl(url, STRICT)).toThrow(OutboundAddressError);
  });

  it.each([
    // Neighbours just outside each range stay reachable.
    'https://[2001:3::1]/',
    'https://[2001:30::1]/',
    'https://[3fff:1000::1]/',
    'https://[5f01::1]/',
    'https://192.88.98.255/',
    'https://192.88.100.0/',
  ])('accepts %s', (url) => {
    expect(checkEndpointUrl(url, STRICT).href).toBe(new URL(url).href);
  });
});
