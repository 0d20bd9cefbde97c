import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_DIRECTIONS, type CallDirection } from '../../../src/calls/call-record.entity.ts';
import { RANKED_CANDIDATES } from '../../../src/call-history/search-queries.ts';
import type { Role } from '../../../src/transcripts/transcript-document.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
/** Made-up words no stemmer changes, so a reference in memory knows exactly which segments hold each. */
const WORDS = ['kiwo', 'tarm', 'belu', 'dravo', 'plonk', 'vesk', 'mirt', 'zandu', 'quorp', 'sleb', 'hunto', 'frav'];
const CALLS = 30;
const BASE = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const PHRASE = 'the invoice number is forty two';

interface SeededSegment {
  id: string;
  role: Role;
  name: string | null;
  startSeconds: number;
  text: string;
}

interface SeededCall {
  id: string;
  direction: CallDirection;
  recordedAt: Date;
  contactName: string;
  language: string;
  segments: SeededSegment[];
}

function seededCalls(): SeededCall[] {
  const calls = fc.sample(
    fc.record({
      direction: fc.constantFrom(...CALL_DIRECTIONS),
      recordedHour: fc.integer({ min: 0, max: 40 }),
      lines: fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 8 }), {
        minLength: 4,
        maxLength: 12,
      }),
    }),
    { numRuns: CALLS, seed: 29 },
  );
  return calls.map((call, index) => ({
    id: randomUUID(),
    direction: call.direction,
    recordedAt: new Date(BASE + call.recordedHour * HOUR),
    contactName: index % 2 ? 'Ravi' : 'Asha',
    language: 'english',
    segments: call.lines.map((words, line) => ({
      id: `seg_${String(line + 1).padStart(4, '0')}`,
      role: line % 2 ? 'USER' : 'CONTACT',
      name: line % 2 ? 'Praveen' : index % 2 ? 'Ravi' : 'Asha',
      startSeconds: line * 7.5,
      text: words.join(' '),
    })),
  }));
}

describe.each(['postgres', 'pglite'] as const)('search over calls, on %s', (database) => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let other: EmulatorUser;
  let userId: string;
  let calls: SeededCall[];
  /** Said by the contact in this call only; the user says the same words in `echoCall`. */
  let phraseCall: SeededCall;
  let echoCall: SeededCall;

  const get = (path: string, token = user.idToken) => scryon.fetch(path, { token });
  const search = async (params: Record<string, string>, token = user.idToken) => {
    const response = await get(`/api/calls/search?${new URLSearchParams(params)}`, token);
    expect(response.status).toBe(200);
    return json<{ hits: any[]; nextCursor?: string }>(response);
  };

  async function seed(owner: string, call: SeededCall) {
    const { id, contactName, direction, recordedAt } = call;
    await seedCall(scryon, {
      id,
      userId: owner,
      title: `Call ${id.slice(0, 4)}`,
      contactName,
      direction,
      recordedAt,
      durationSeconds: 60,
    });
    const transcript = {
      language: call.language,
      segments: call.segments.map((segment) => ({
        ...segment,
        speakerDisplayName: segment.name,
        endSeconds: segment.startSeconds + 5,
      })),
    };
    const indexed = await scryon.app.services.search.indexCall(
      { callId: call.id, userId: owner },
      {
        transcript: transcript as never,
        facts: {
          title: `Call ${call.id.slice(0, 4)}`,
          contactName: call.contactName,
          phoneNumber: null,
          organization: null,
          recordedAt: call.recordedAt,
        },
        summaries: [],
        actionItems: [],
      },
    );
    expect(indexed).toBe(true);
  }

  beforeAll(async () => {
    scryon = await startTestApp({ database, roles: { api: true, worker: false } });
    [user, other] = await Promise.all([signUpUser(), signUpUser()]);
    userId = (await json<{ id: string }>(await get('/api/users/me'))).id;
    const otherId = (await json<{ id: string }>(await get('/api/users/me', other.idToken))).id;
    calls = seededCalls();
    phraseCall = calls[7]!;
    echoCall = calls[12]!;
    phraseCall.segments.push({
      id: 'seg_0100',
      role: 'CONTACT',
      name: 'Ravi',
      startSeconds: 83.5,
      text: `Right, ${PHRASE}, and it is due Friday.`,
    });
    echoCall.segments.push({ id: 'seg_0100', role: 'USER', name: 'Praveen', startSeconds: 12, text: `So ${PHRASE}?` });
    for (const call of calls) await seed(userId, call);
    // Another user's call saying the same: never found by the first user.
    await seed(otherId, {
      ...seededCalls()[0]!,
      id: randomUUID(),
      segments: [{ id: 'seg_0001', role: 'CONTACT', name: 'Eve', startSeconds: 1, text: PHRASE }],
    });
  });
  afterAll(() => scryon.close());

  it('finds a phrase the contact said in one of many calls, at its segment and start time, highlighted', async () => {
    const { hits } = await search({ q: '"invoice number is forty two"', speakerRole: 'CONTACT' });
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit).toMatchObject({
      call: { callId: phraseCall.id, contactName: phraseCall.contactName },
      source: 'SEGMENT',
      segmentId: 'seg_0100',
      startSeconds: 83.5,
      speaker: { role: 'CONTACT', name: 'Ravi' },
    });
    const marked = hit.highlights.map((range: { start: number; end: number }) =>
      hit.snippet.slice(range.start, range.end).toLowerCase(),
    );
    expect(marked).toEqual(['invoice', 'number', 'forty', 'two']);
    expect(hit.snippet).not.toMatch(/[\u0001\u0002]/);
  });

  it('finds what either side said without the speaker filter, stemmed, and only the caller’s own calls', async () => {
    const { hits } = await search({ q: 'invoices' });
    expect(hits.map((hit) => hit.call.callId).sort()).toEqual([phraseCall.id, echoCall.id].sort());
    expect((await search({ q: 'invoice', speakerRole: 'USER' })).hits.map((hit) => hit.call.callId)).toEqual([
      echoCall.id,
    ]);
    expect((await search({ q: 'invoice' }, other.idToken)).hits).toHaveLength(1);
    // The list's q: the calls search finds, in the list's order, with its other filters.
    const listed = await json(await get(`/api/calls?${new URLSearchParams({ q: 'invoices', sort: 'recordedAt' })}`));
    expect(listed.items.map((item: { callId: string }) => item.callId)).toEqual(
      [phraseCall, echoCall]
        .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || (a.id < b.id ? -1 : 1))
        .map((call) => call.id),
    );
    const contactOnly = await json(
      await get(
        `/api/calls?${new URLSearchParams({
          q: 'invoices',
          contact: phraseCall.contactName,
          direction: phraseCall.direction,
        })}`,
      ),
    );
    expect(contactOnly.items.map((item: { callId: string }) => item.callId)).toContain(phraseCall.id);
    expect((await json(await get('/api/calls?q=the&include=aggregations'))).items).toEqual([]);
    expect((await search({ q: 'invoice' }, other.idToken)).hits[0].call.callId).not.toBe(phraseCall.id);
  });

  it('answers the same on tRPC and GraphQL', async () => {
    const rest = await search({ q: 'invoice' });
    const trpc = await json(
      await get(`/trpc/calls.search?input=${encodeURIComponent(JSON.stringify({ q: 'invoice' }))}`),
    );
    expect(trpc.result.data).toEqual(rest);
    const result = await graphql(
      scryon,
      user.idToken,
      'query { searchCalls(q: "invoice") { hits { call { id } segmentId startSeconds speaker { role name } snippet ' +
        'rank } nextCursor } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.searchCalls.hits).toEqual(
      rest.hits.map((hit) => ({
        call: { id: hit.call.callId },
        segmentId: hit.segmentId,
        startSeconds: hit.startSeconds,
        speaker: hit.speaker,
        snippet: hit.snippet,
        rank: hit.rank,
      })),
    );
  });

  /** Segments of the caller's calls holding `word`, passing the filters: what the pages must hold together. */
  function expectedSegments(
    word: string,
    filters: { direction?: CallDirection; from?: string; to?: string; speakerRole?: Role },
  ): string[] {
    return calls
      .filter((call) => !filters.direction || call.direction === filters.direction)
      .filter((call) => !filters.from || call.recordedAt.getTime() >= Date.parse(filters.from))
      .filter((call) => !filters.to || call.recordedAt.getTime() < Date.parse(filters.to))
      .flatMap((call) =>
        call.segments
          .filter(
            (segment) =>
              segment.text.split(' ').includes(word) && (!filters.speakerRole || segment.role === filters.speakerRole),
          )
          .map((segment) => `${call.id}/${segment.id}`),
      )
      .sort();
  }

  async function pageThrough(
    params: Record<string, string>,
    limit: number,
  ): Promise<{ keys: string[]; ranks: number[] }> {
    const keys: string[] = [];
    const ranks: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page += 1) {
      const body = await search({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      for (const hit of body.hits) {
        keys.push(`${hit.call.callId}/${hit.segmentId}`);
        ranks.push(hit.rank);
      }
      if (!body.nextCursor) return { keys, ranks };
      cursor = body.nextCursor;
    }
    throw new Error('the search never ended');
  }

  it('pages through every hit of random queries, filters, page sizes: no duplicate, no gap, best first', async () => {
    let multiPage = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WORDS),
        fc.record(
          {
            direction: fc.constantFrom(...CALL_DIRECTIONS),
            from: fc.integer({ min: 0, max: 20 }).map((hour) => new Date(BASE + hour * HOUR).toISOString()),
            to: fc.integer({ min: 21, max: 42 }).map((hour) => new Date(BASE + hour * HOUR).toISOString()),
            speakerRole: fc.constantFrom<Role>('USER', 'CONTACT'),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 23 }),
        async (word, filters, limit) => {
          const expected = expectedSegments(word, filters);
          if (expected.length > limit) multiPage += 1;
          const { keys, ranks } = await pageThrough({ q: word, ...filters }, limit);
          expect(new Set(keys).size).toBe(keys.length);
          expect([...keys].sort()).toEqual(expected);
          expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
        },
      ),
      { numRuns: 30, seed: 5 },
    );
    expect(multiPage).toBeGreaterThanOrEqual(10);
  });

  it('refuses what is not a search with a 400, and survives any query text', async () => {
    for (const q of ['', '   ', 'x'.repeat(501)])
      expect((await get(`/api/calls/search?${new URLSearchParams({ q })}`)).status).toBe(400);
    expect((await get('/api/calls/search')).status).toBe(400);
    expect((await get('/api/calls/search?q=kiwo&cursor=bm9wZQ')).status).toBe(400);
    expect((await get('/api/calls/search?q=kiwo&speakerRole=BOSS')).status).toBe(400);
    const first = await search({ q: 'kiwo', limit: '1' });
    expect(first.nextCursor).toBeDefined();
    // A cursor resumes only the search that made it.
    expect(
      (await get(`/api/calls/search?${new URLSearchParams({ q: 'tarm', limit: '1', cursor: first.nextCursor! })}`))
        .status,
    ).toBe(400);
    expect((await get('/api/calls/search?q=kiwo')).status).toBe(200);
    expect((await scryon.fetch('/api/calls/search?q=kiwo')).status).toBe(401);
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          minLength: 1,
          maxLength: 60,
          unit: fc.constantFrom(
            '"',
            "'",
            '-',
            '!',
            '&',
            '|',
            '(',
            ')',
            ':',
            '*',
            '\\',
            '<',
            '>',
            ' ',
            'a',
            'or',
            '\u0001',
            'é',
            '😀',
          ),
        }),
        async (q) => {
          const response = await get(`/api/calls/search?${new URLSearchParams({ q })}`);
          expect([200, 400]).toContain(response.status);
        },
      ),
      { numRuns: 40, seed: 3 },
    );
  });

  it('finds a manual action item at once, follows its edits, and forgets it when deleted', async () => {
    const call = calls[3]!;
    const created = await scryon.fetch(`/api/calls/${call.id}/action-items`, {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Send the grommet quote' }),
    });
    expect(created.status).toBe(201);
    const item = await json<{ id: string }>(created);
    expect((await search({ q: 'grommet' })).hits).toMatchObject([
      { call: { callId: call.id }, source: 'ACTION_ITEM', actionItemId: item.id },
    ]);
    const replaced = await scryon.fetch(`/api/action-items/${item.id}`, {
      method: 'PUT',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Send the sprocket quote',
        description: null,
        dueDate: null,
        priority: null,
        status: 'OPEN',
      }),
    });
    expect(replaced.status).toBe(200);
    expect((await search({ q: 'grommet' })).hits).toEqual([]);
    expect((await search({ q: 'sprocket' })).hits).toHaveLength(1);
    expect((await scryon.fetch(`/api/action-items/${item.id}`, { method: 'DELETE', token: user.idToken })).status).toBe(
      204,
    );
    expect((await search({ q: 'sprocket' })).hits).toEqual([]);
  });

  it('stems each call in its own language', async () => {
    const german: SeededCall = {
      ...seededCalls()[1]!,
      id: randomUUID(),
      language: 'de',
      segments: [
        {
          id: 'seg_0001',
          role: 'CONTACT',
          name: 'Jonas',
          startSeconds: 4,
          text: 'Wir treffen uns morgen früh im Büro.',
        },
      ],
    };
    calls.push(german);
    await seed(userId, german);
    expect((await search({ q: 'treffen' })).hits.map((hit) => hit.call.callId)).toEqual([german.id]);
    expect((await search({ q: 'BÜRO' })).hits.map((hit) => hit.call.callId)).toEqual([german.id]);
  });

  it('ranks a word said everywhere among its newest matches only, and finds nothing for stop words alone', async () => {
    const segmentsSaying = (word: string, count: number): SeededSegment[] =>
      Array.from({ length: count }, (_, index) => ({
        id: `seg_${String(index + 1).padStart(4, '0')}`,
        role: 'CONTACT',
        name: 'Ravi',
        startSeconds: index,
        text: `${word} again`,
      }));
    const older: SeededCall = {
      ...seededCalls()[2]!,
      id: randomUUID(),
      recordedAt: new Date(BASE - 48 * HOUR),
      segments: segmentsSaying('glorp', 5),
    };
    const newer: SeededCall = {
      ...seededCalls()[3]!,
      id: randomUUID(),
      recordedAt: new Date(BASE + 100 * HOUR),
      segments: segmentsSaying('glorp', RANKED_CANDIDATES),
    };
    for (const call of [older, newer]) {
      calls.push(call);
      await seed(userId, call);
    }
    const { keys } = await pageThrough({ q: 'glorp' }, 50);
    expect(keys).toHaveLength(RANKED_CANDIDATES);
    expect(keys.every((key) => key.startsWith(newer.id))).toBe(true);
    expect((await search({ q: 'the and of' })).hits).toEqual([]);
  });

  it('removes a deleted call from search at once', async () => {
    expect((await search({ q: 'invoice', speakerRole: 'CONTACT' })).hits).toHaveLength(1);
    expect((await scryon.fetch(`/api/calls/${phraseCall.id}`, { method: 'DELETE', token: user.idToken })).status).toBe(
      204,
    );
    expect((await search({ q: 'invoice' })).hits.map((hit) => hit.call.callId)).toEqual([echoCall.id]);
    const left = await scryon.app.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from search_entries where call_id = ?', [phraseCall.id]);
    expect(Number(left[0]!.n)).toBe(0);
    calls = calls.filter((call) => call.id !== phraseCall.id);
  });
});
