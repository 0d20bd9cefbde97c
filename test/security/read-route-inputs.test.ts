import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { graphql } from '../harness/graphql-client.ts';
import { sealedToken } from '../harness/sealed-tokens.ts';
import { seedCall } from '../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/** One read as each surface spells it. */
interface Read {
  rest: string;
  trpc: { path: string; input: Record<string, unknown> };
  graphql: { query: string; variables: Record<string, unknown> };
}

/** What a surface answered: the HTTP status (none on GraphQL: its errors ride a 200), the code, the fields named. */
interface Answer {
  surface: 'rest' | 'trpc' | 'graphql';
  status: number | undefined;
  code: string | undefined;
  fields: string[];
}

const SUMMARY_QUERY = `query ($from: DateTime, $to: DateTime, $tz: String) {
  callSummary(from: $from, to: $to, tz: $tz) { tz series { start calls } }
}`;
const SEARCH_QUERY = 'query ($q: String!, $cursor: String) { searchCalls(q: $q, cursor: $cursor) { nextCursor } }';
const CHANGES_QUERY = 'query ($since: String) { changes(since: $since) { nextToken hasMore } }';
const LIST_QUERY = 'query ($after: String) { calls(first: 1, after: $after) { edges { cursor } } }';

function summaryRead(params: Record<string, string>): Read {
  return {
    rest: `/api/calls/summary?${new URLSearchParams(params)}`,
    trpc: { path: 'calls.summary', input: params },
    graphql: { query: SUMMARY_QUERY, variables: params },
  };
}

function searchRead(q: string, cursor: string): Read {
  return {
    rest: `/api/calls/search?${new URLSearchParams({ q, cursor })}`,
    trpc: { path: 'calls.search', input: { q, cursor } },
    graphql: { query: SEARCH_QUERY, variables: { q, cursor } },
  };
}

function changesRead(since: string): Read {
  return {
    rest: `/api/calls/changes?${new URLSearchParams({ since })}`,
    trpc: { path: 'calls.changes', input: { since } },
    graphql: { query: CHANGES_QUERY, variables: { since } },
  };
}

function listRead(cursor: string): Read {
  return {
    rest: `/api/calls?${new URLSearchParams({ limit: '1', cursor })}`,
    trpc: { path: 'calls.list', input: { limit: 1, cursor } },
    graphql: { query: LIST_QUERY, variables: { after: cursor } },
  };
}

/** What a client that writes its own cursor sends: the JSON the server once handed out, unsealed. */
const unsealed = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The search's cursor binding as the server computed it before cursors were sealed: anyone could. */
function searchFingerprint(q: string): string {
  const input = [q, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 16);
}

/**
 * What a client can do to a token it got: edit the position inside when it can
 * read it (back to the start of the log, or the epoch), else change a character.
 */
function tampered(token: string): string {
  try {
    const inside = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const epoch = '1970-01-01T00:00:00.000Z';
    return unsealed({ ...inside, ...('t' in inside ? { t: '1' } : { createdAt: epoch, key: epoch }) });
  } catch {
    const at = Math.floor(token.length / 2);
    return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
  }
}

const OFFSET_ZONES = ['+0530', '-0800', '+05:30', '-08:00'];

/** The fields a validation error names, however the surface wraps it. */
const fieldsOf = (error: any): string[] => Object.keys(error?.details?.fields ?? {});

/**
 * Values a client controls on the new read routes (the period summary, search,
 * the change feed) that once reached SQL and failed it (a 500), or were read
 * wrongly by it: each is refused with 400 validation_failed naming the field,
 * on every surface and on both databases. Cursors and sync tokens are sealed,
 * so a client can neither write a position nor read one.
 */
describe.each(['postgres', 'pglite'] as const)('read routes on %s', (database) => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    scryon = await startTestApp({ database, roles: { api: true, worker: false }, captureLogs: true });
    user = await signUpUser();
    userId = (await json<{ id: string }>(await scryon.fetch('/api/users/me', { token: user.idToken }))).id;
  });
  afterAll(() => scryon.close());

  // Each test answers for its own log lines only.
  let logged = 0;
  beforeEach(() => {
    logged = scryon.logLines.length;
  });
  const errorsLogged = () => scryon.logLines.slice(logged).filter((line) => /"level":"(error|fatal)"/.test(line));
  const noErrorLogged = () => expect(errorsLogged()).toEqual([]);

  async function restAnswer(path: string): Promise<Answer> {
    const response = await scryon.fetch(path, { token: user.idToken });
    const body = await json(response);
    return { surface: 'rest', status: response.status, code: body.error?.code, fields: fieldsOf(body.error) };
  }

  async function trpcAnswer(read: Read['trpc']): Promise<Answer> {
    const input = encodeURIComponent(JSON.stringify(read.input));
    const response = await scryon.fetch(`/trpc/${read.path}?input=${input}`, { token: user.idToken });
    const error = (await json(response)).error?.data?.appError;
    return { surface: 'trpc', status: response.status, code: error?.code, fields: fieldsOf(error) };
  }

  async function graphqlAnswer(read: Read['graphql']): Promise<Answer> {
    const extensions: any = (await graphql(scryon, user.idToken, read.query, read.variables)).errors?.[0]?.extensions;
    return { surface: 'graphql', status: undefined, code: extensions?.code, fields: fieldsOf(extensions) };
  }

  async function onEverySurface(read: Read): Promise<Answer[]> {
    return [await restAnswer(read.rest), await trpcAnswer(read.trpc), await graphqlAnswer(read.graphql)];
  }

  async function expectRefused(read: Read, field: string): Promise<void> {
    for (const answer of await onEverySurface(read)) {
      const status = answer.surface === 'graphql' ? undefined : 400;
      const expected = { surface: answer.surface, status, code: 'validation_failed' };
      expect({ surface: answer.surface, status: answer.status, code: answer.code }).toEqual(expected);
      expect(answer.fields).toContain(field);
    }
    noErrorLogged();
  }

  async function expectAnswered(read: Read): Promise<void> {
    for (const answer of await onEverySurface(read)) {
      expect({ surface: answer.surface, code: answer.code }).toEqual({ surface: answer.surface, code: undefined });
      if (answer.surface !== 'graphql') expect(answer.status).toBe(200);
    }
  }

  const summary = async (params: Record<string, string>) =>
    json(await scryon.fetch(`/api/calls/summary?${new URLSearchParams(params)}`, { token: user.idToken }));

  it.each(OFFSET_ZONES)('refuses tz=%s, an offset, with 400 naming tz and asking for an IANA name', async (tz) => {
    await expectRefused(summaryRead({ tz }), 'tz');
    const body = await summary({ tz });
    expect(body.error.details.fields.tz).toMatch(/IANA/);
  });

  it('refuses tz=US/Pacific-New, a zone Node knows and PostgreSQL does not, with 400 naming tz', async () => {
    await expectRefused(summaryRead({ tz: 'US/Pacific-New' }), 'tz');
  });

  it('buckets a call by Asia/Kolkata’s day, and refuses +05:30 rather than bucket it 11 hours off', async () => {
    // 20:00 UTC is 01:30 the next day in India: the call belongs to 2026-03-02 there.
    const callId = await seedCall(scryon, { userId, recordedAt: new Date('2026-03-01T20:00:00Z') });
    const period = { from: '2026-03-01T00:00:00Z', to: '2026-03-04T00:00:00Z' };
    const kolkata = await summary({ ...period, tz: 'Asia/Kolkata' });
    const busy = kolkata.series.filter((bucket: { calls: number }) => bucket.calls > 0);
    expect(busy).toMatchObject([{ start: '2026-03-02', calls: 1 }]);
    await expectRefused(summaryRead({ ...period, tz: '+05:30' }), 'tz');
    await scryon.app.services.calls.deleteCall(userId, callId);
  });

  it('refuses a summary whose last day would be in year 10000 with 400 naming to', async () => {
    // Kiritimati is 14 hours ahead: 23:00 UTC on 9999-12-31 is 10000-01-01 there.
    const from = '9999-12-01T00:00:00Z';
    await expectRefused(summaryRead({ from, to: '9999-12-31T23:00:00Z', tz: 'Pacific/Kiritimati' }), 'to');
    await expectAnswered(summaryRead({ from, to: '9999-12-30T00:00:00Z', tz: 'Pacific/Kiritimati' }));
  });

  it.each([
    ['above the largest real', 1e39],
    ['so small a real rounds it to 0', 1e-50],
  ])('refuses a forged search cursor whose rank is %s with 400 naming cursor', async (_name, rank) => {
    const position = { rank, id: randomUUID(), of: searchFingerprint('kiwi') };
    await expectRefused(searchRead('kiwi', unsealed(position)), 'cursor');
    // Even sealed with the server's own secret, the rank is bounded before it reaches SQL.
    await expectRefused(searchRead('kiwi', sealedToken(scryon, 'search.cursor', position)), 'cursor');
  });

  it('refuses a change token past 2^64-1 with 400 naming since, not a 500 or a feed stuck for good', async () => {
    const position = { t: '18446744073709551616', s: 0, at: Date.now() };
    await expectRefused(changesRead(unsealed(position)), 'since');
    await expectRefused(changesRead(sealedToken(scryon, 'changes.token', position)), 'since');
  });

  it('refuses positions a client wrote: a list or search cursor and a sync token it did not get', async () => {
    await expectRefused(listRead(unsealed({ createdAt: new Date().toISOString(), id: randomUUID() })), 'cursor');
    const searchPosition = { rank: 0.5, id: randomUUID(), of: searchFingerprint('kiwi') };
    await expectRefused(searchRead('kiwi', unsealed(searchPosition)), 'cursor');
    // A token for the start of the log, dated now: it would skip the 410 and read every change still kept.
    await expectRefused(changesRead(unsealed({ t: '1', s: 0, at: Date.now() })), 'since');
  });

  it('refuses a tampered cursor or token, and a cursor of one read given to another', async () => {
    await seedCall(scryon, { userId });
    await seedCall(scryon, { userId });
    const page = await json(await scryon.fetch('/api/calls?limit=1', { token: user.idToken }));
    await expectAnswered(listRead(page.nextCursor));
    await expectRefused(listRead(tampered(page.nextCursor)), 'cursor');
    await expectRefused(searchRead('kiwi', page.nextCursor), 'cursor');
    const { nextToken } = await json(await scryon.fetch('/api/calls/changes', { token: user.idToken }));
    await expectAnswered(changesRead(nextToken));
    await expectRefused(changesRead(tampered(nextToken)), 'since');
    await expectRefused(changesRead(page.nextCursor), 'since');
  });

  it('hands out sync tokens and cursors a client cannot read: no transaction counter, no position', async () => {
    const { nextToken } = await json(await scryon.fetch('/api/calls/changes', { token: user.idToken }));
    const page = await json(await scryon.fetch('/api/calls?limit=1', { token: user.idToken }));
    for (const token of [nextToken, page.nextCursor]) {
      expect(() => JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toThrow();
      expect(Buffer.from(token, 'base64url').toString('latin1')).not.toMatch(/"t"|"createdAt"|"key"/);
    }
  });

  it('still answers 410 sync_token_expired for a genuine token older than the log keeps', async () => {
    const old = sealedToken(scryon, 'changes.token', { t: '1', s: 0, at: Date.now() - 31 * 86_400_000 });
    const answers = await onEverySurface(changesRead(old));
    expect(answers.map((answer) => [answer.surface, answer.code])).toEqual([
      ['rest', 'sync_token_expired'],
      ['trpc', 'sync_token_expired'],
      ['graphql', 'sync_token_expired'],
    ]);
    expect(answers[0]!.status).toBe(410);
  });
});
