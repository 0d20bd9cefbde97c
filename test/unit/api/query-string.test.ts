import { parse as parseEscaped } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { parseQueryString } from '../../../src/api/http/query-string.ts';

describe('parseQueryString', () => {
  it('splits a query with nothing to decode', () => {
    expect({ ...parseQueryString('ids=a,b,c&limit=5') }).toEqual({ ids: 'a,b,c', limit: '5' });
  });

  it('gives a repeated key as an array, in order', () => {
    expect({ ...parseQueryString('status=QUEUED&status=FAILED&status=COMPLETED') }).toEqual({ status: ['QUEUED', 'FAILED', 'COMPLETED'] });
  });

  it('keeps keys without a value and skips empty pairs', () => {
    expect({ ...parseQueryString('a&&b=&c=1&') }).toEqual({ a: '', b: '', c: '1' });
  });

  it('decodes percent escapes and plus signs', () => {
    expect({ ...parseQueryString('ids=a%2Cb&title=two+words&name=Ravi%20K') }).toEqual({ ids: 'a,b', title: 'two words', name: 'Ravi K' });
  });

  it('treats __proto__ as an ordinary key', () => {
    const parsed = parseQueryString('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed['__proto__']).toBe('x');
    expect(parsed['constructor']).toBe('y');
  });

  it('agrees with node:querystring on queries without escapes', () => {
    for (const query of ['', 'a=1', 'a=1&a=2&b', 'x==y&=z', 'cursor=eyJjIjoiMjAyNi0xMS0yOCJ9&limit=100']) {
      expect({ ...parseQueryString(query) }, query).toEqual({ ...parseEscaped(query) });
    }
  });
});
