import { Writable } from 'node:stream';
import type pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, sanitizeForLog } from '../../../src/observability/logger.ts';

describe('logs', () => {
  it('never carry tokens, keys, phone numbers, emails or transcript text', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger('info', 'test', sink as unknown as pino.DestinationStream);
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer eyJhbGciOi.secret',
            'x-api-key': 'k-123456',
            'x-scryon-api-key': 'k-654321',
          },
        },
        call: {
          phoneNumber: '+91 98765 43210',
          email: 'ravi@acme.example',
          text: 'I will send the proposal',
          apiKey: 'sk-live',
        },
      },
      'request',
    );
    const output = lines.join('');
    for (const secret of ['eyJhbGciOi', 'k-123456', 'k-654321', '98765', 'ravi@acme', 'send the proposal', 'sk-live'])
      expect(output).not.toContain(secret);
    expect(output).toContain('[redacted]');
  });

  it('masks emails, phone numbers and bearer tokens in free text', () => {
    expect(sanitizeForLog('call +91 98765 43210 or mail ravi@acme.example with Bearer abc.def')).toBe(
      'call [phone …10] or mail [email] with Bearer [redacted]',
    );
  });
});
