import { parse as parseEscaped } from 'node:querystring';

export type ParsedQuery = Record<string, string | string[]>;

/**
 * Fastify's querystring parser, with a fast path. The default decodes a query
 * one character at a time, and a status poll's query is about 1.9 KB of ids:
 * that was 9 µs of every poll. A query with nothing to decode (no `%`, no `+`)
 * is split natively instead; anything else goes to node:querystring. Both
 * give repeated keys as arrays and build on a null prototype, so `__proto__`
 * is just a key.
 */
export function parseQueryString(query: string): ParsedQuery {
  if (query.includes('%') || query.includes('+')) return parseEscaped(query) as ParsedQuery;
  const parsed: ParsedQuery = Object.create(null) as ParsedQuery;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    const previous = parsed[key];
    if (previous === undefined) parsed[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else parsed[key] = [previous, value];
  }
  return parsed;
}
