import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, OutboundAddressError, resolveTarget } from '../../../src/webhooks/outbound-address.ts';
import { sendWebhook } from '../../../src/webhooks/webhook-sender.ts';

const STRICT = { allowPrivateTargets: false };
const DEV = { allowPrivateTargets: true };

describe('where a webhook may be sent', () => {
  it.each([
    'http://127.0.0.1/hook',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/',
    'https://172.20.0.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://[::1]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://0x7f000001/',
    'https://2130706433/',
    // IPv6 forms that carry a private IPv4 address: compatible, translated, NAT64, 6to4; and Teredo, site-local.
    'https://[::127.0.0.1]/',
    'https://[::ffff:0:7f00:1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[64:ff9b::10.0.0.5]/',
    'https://[2002:c0a8:101::1]/',
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'https://[fec0::1]/',
  ])('refuses %s unless private targets are allowed', (url) => {
    expect(() => checkEndpointUrl(url, STRICT)).toThrow(OutboundAddressError);
  });

  it.each([
    'https://93.184.215.14/hook',
    'https://[2606:2800:220:1:248:1893:25c8:1946]/',
    'https://hooks.example.com/scryon?x=1',
    // The same forms carrying a public IPv4 address reach it, as DNS64 and 6to4 networks do.
    'https://[64:ff9b::5db8:d70e]/',
    'https://[2002:5db8:d70e::1]/',
    'https://[::ffff:93.184.215.14]/',
  ])('accepts %s', (url) => {
    expect(checkEndpointUrl(url, STRICT).href).toBe(new URL(url).href);
  });

  it.each([
    'ftp://example.com/',
    'https://user:pw@example.com/',
    'https://example.com/#frag',
    'not a url',
    'javascript:alert(1)',
  ])('refuses %s always', (url) => {
    expect(() => checkEndpointUrl(url, DEV)).toThrow(OutboundAddressError);
  });

  it('refuses plain http outside dev, allows it to loopback in dev', () => {
    expect(() => checkEndpointUrl('http://hooks.example.com/', STRICT)).toThrow('https');
    expect(checkEndpointUrl('http://127.0.0.1:8080/', DEV).port).toBe('8080');
  });

  it('refuses a name that resolves to a private address (localhost), checked at every attempt', async () => {
    await expect(resolveTarget('https://localhost/hook', STRICT, 5_000)).rejects.toThrow('resolves to a private');
    await expect(resolveTarget('https://localhost/hook', STRICT, 5_000)).rejects.toMatchObject({ retryable: false });
    // A name that does not resolve is retried like a network error: DNS outages pass.
    await expect(resolveTarget('https://no-such-host.invalid/hook', STRICT, 5_000)).rejects.toMatchObject({
      message: expect.stringContaining('could not be resolved'),
      retryable: true,
    });
  });

  it('gives up on a resolver that never answers within the attempt, to be retried like a network error', async () => {
    const silent = () => new Promise<never>(() => undefined);
    await expect(resolveTarget('https://hooks.example.com/', STRICT, 50, silent)).rejects.toMatchObject({
      message: 'the host did not resolve within 50 ms',
      retryable: true,
    });
  });

  it('connects to the address that was checked, never resolving the name again (no DNS rebinding)', async () => {
    const seen: Array<{ host: string | undefined; signature: string | undefined }> = [];
    const server = http.createServer((request, response) => {
      seen.push({ host: request.headers.host, signature: request.headers['webhook-signature'] as string | undefined });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // A name no resolver knows: only the pinned address can make this reach the server.
      const url = new URL(`http://rebinding.invalid:${port}/hook`);
      const result = await sendWebhook(
        { url, address: '127.0.0.1', family: 4 },
        { 'webhook-signature': 'v1,x' },
        '{}',
        2_000,
      );
      expect(result.statusCode).toBe(200);
      expect(seen).toEqual([{ host: `rebinding.invalid:${port}`, signature: 'v1,x' }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts a status whose body then stalls past the timeout, and drops the body', async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(410, { 'content-length': '100000' });
      response.write('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await sendWebhook(
        { url: new URL(`http://127.0.0.1:${port}/hook`), address: '127.0.0.1', family: 4 },
        {},
        '{}',
        500,
      );
      expect(result).toMatchObject({ statusCode: 410 });
      expect(result.error).toBeUndefined();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
