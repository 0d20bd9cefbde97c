import { Writable } from 'node:stream';
import type pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { deferredChildLogger } from '../../../src/observability/deferred-child-logger.ts';
import { createLogger } from '../../../src/observability/logger.ts';

function loggerAt(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  const parent = createLogger(level, 'test', sink as unknown as pino.DestinationStream);
  return { parent, lines, makeChild: vi.spyOn(parent, 'child') };
}

describe('a deferred child logger', () => {
  it('makes no child while only disabled levels are used', () => {
    const { parent, lines, makeChild } = loggerAt('warn');
    const log = deferredChildLogger(parent, { reqId: 'r-1' });
    log.info({ route: '/api/calls/status' }, 'request completed');
    log.debug('details');
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.isLevelEnabled('warn')).toBe(true);
    expect(log.level).toBe('warn');
    expect(makeChild).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('makes its child once, on the first enabled line, with its bindings and redaction', () => {
    const { parent, lines, makeChild } = loggerAt('info');
    const log = deferredChildLogger(parent, { reqId: 'r-2' });
    log.warn({ call: { phoneNumber: '+91 98765 43210' } }, 'first');
    log.info('second');
    expect(makeChild).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([['r-2', 'first'], ['r-2', 'second']]);
    expect(JSON.stringify(lines)).not.toContain('98765');
  });

  it('keeps its bindings in grandchildren and when its level is changed', () => {
    const { parent, lines } = loggerAt('info');
    const log = deferredChildLogger(parent, { reqId: 'r-3' });
    log.child({ procedure: 'calls.status' }).error('failed');
    log.child({ stage: 'output' }).warn('again');
    log.level = 'error';
    log.info('dropped');
    expect(parent.level).toBe('info');
    expect(lines).toMatchObject([
      { reqId: 'r-3', procedure: 'calls.status', msg: 'failed' },
      { reqId: 'r-3', stage: 'output', msg: 'again' },
    ]);
  });

  it('is an ordinary child when it has its own level', () => {
    const { parent, makeChild } = loggerAt('warn');
    const log = deferredChildLogger(parent, { reqId: 'r-4' }, { level: 'debug' });
    expect(makeChild).toHaveBeenCalledTimes(1);
    expect(log.isLevelEnabled('debug')).toBe(true);
  });
});

describe('a deferred child logger checked the way Fastify checks one', () => {
  it('hands out its enabled methods without making the child', () => {
    const { parent, lines, makeChild } = loggerAt('warn');
    const log = deferredChildLogger(parent, { reqId: 'r-5' });
    const methods = ['info', 'error', 'debug', 'fatal', 'warn', 'trace', 'child'] as const;
    expect(methods.every((method) => typeof log[method] === 'function')).toBe(true);
    expect(makeChild).not.toHaveBeenCalled();
    const error = log.error;
    error('late');
    expect(lines).toMatchObject([{ reqId: 'r-5', msg: 'late' }]);
  });
});
