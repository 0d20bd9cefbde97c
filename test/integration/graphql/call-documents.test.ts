import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundAnalysis } from '../../../src/analysis/ground-analysis.ts';
import { withLegacyAliases } from '../../../src/analysis/legacy-aliases.ts';
import { callArtifacts } from '../../../src/calls/call-artifacts.ts';
import { sandboxAnalysis } from '../../../src/providers/sandbox/sandbox-analysis.ts';
import type { TranscriptDocument } from '../../../src/transcripts/transcript-document.ts';
import { userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

const GOLDEN = join(import.meta.dirname, '../../golden/transcripts/lemonfox-labelled-call/transcript.json');
const CALLS = 50;

/** The page of the issue: every per-call field a list shows. */
const COUNTED_QUERY = `query($first: Int!) { calls(first: $first) { edges { node {
  transcript { cleanText } analysis { oneLineSummary } cost { totalUsd } actionItems { title }
} } } }`;

const PAGE_QUERY = `query($first: Int!) { calls(first: $first) { edges { node {
  id phoneNumber recordedAt errorReason
  transcript { cleanText segments { id speaker role startSeconds } speakers { speakerId displayName role } }
  analysis { oneLineSummary outcome { result } followUpRequired { value } actionItems { title intent } }
  cost { totalUsd stages { stage attempts } }
  actionItems { title }
} } } }`;

/** What one stored call holds: its transcript and analysis exactly as the pipeline would have written them. */
interface StoredCall {
  callId: string;
  transcript: string;
  analysis: string;
}

describe('GraphQL Call: one shape, typed documents, batched per page', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  const stored: StoredCall[] = [];

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    alice = await signUpUser();
    await graphql(scryon, alice.idToken, '{ me { id } }');
    const userId = await userRowId(scryon, alice.uid);
    for (let index = 0; index < CALLS; index += 1) stored.push(await storeCompletedCall(scryon, userId, index));
  });
  afterAll(() => scryon.close());

  it('pages 50 calls with their documents, cost and items in as many SQL statements as 5 calls', async () => {
    const counter = statementCounter(scryon);
    const small = await counter.count(() => graphqlInProcess(scryon, alice.idToken, COUNTED_QUERY, { first: 5 }));
    const full = await counter.count(() => graphqlInProcess(scryon, alice.idToken, COUNTED_QUERY, { first: CALLS }));
    expect(full.result.errors).toBeUndefined();
    expect(full.result.data.calls.edges).toHaveLength(CALLS);
    // The same number of statements for 5 calls as for 50: nothing runs per call.
    expect(full.statements.length, full.statements.join('\n')).toBe(small.statements.length);
    expect(full.statements.length, full.statements.join('\n')).toBeLessThanOrEqual(12);
    // The documents live in the object store: one read per stored transcript and analysis on the page.
    expect(full.objectReads).toBe(2 * CALLS);
  });

  it('serves typed documents, cost and items on every node of a page', async () => {
    const page = await graphql(scryon, alice.idToken, PAGE_QUERY, { first: CALLS });
    expect(page.errors).toBeUndefined();
    const nodes = page.data.calls.edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes).toHaveLength(CALLS);
    const firstSegment = expect.objectContaining({ id: 'seg_0001', speaker: expect.any(String), role: 'CONTACT' });
    expect(nodes[0]).toMatchObject({
      transcript: { cleanText: expect.stringContaining('Ravi'), segments: expect.arrayContaining([firstSegment]) },
      analysis: {
        oneLineSummary: expect.any(String),
        outcome: { result: expect.any(String) },
        followUpRequired: { value: expect.any(Boolean) },
      },
      cost: { totalUsd: expect.any(Number), stages: [{ stage: 'TRANSCRIBED', attempts: 1 }] },
      actionItems: [{ title: 'Follow up 0' }],
    });
    const items = nodes.map((node: { actionItems: unknown }) => node.actionItems);
    expect(items).toEqual(stored.map((_call, index) => [{ title: `Follow up ${index}` }]));
  });

  it('answers the same fields in the list as in the detail: no null for what the list did not load', async () => {
    const fields = 'id phoneNumber recordedAt errorReason';
    const page = await graphql(scryon, alice.idToken, `{ calls(first: 3) { edges { node { ${fields} } } } }`);
    expect(page.errors).toBeUndefined();
    for (const { node } of page.data.calls.edges) {
      const query = `query($id: ID!) { call(id: $id) { ${fields} } }`;
      const detail = await graphql(scryon, alice.idToken, query, { id: node.id });
      expect(node).toEqual(detail.data.call);
      expect(node.phoneNumber).toMatch(/^\+91/);
      expect(node.recordedAt).toEqual(expect.any(String));
    }
  });

  it('keeps the REST transcript and analysis (v4, v3) byte for byte as stored, the analysis with aliases', async () => {
    for (const call of [stored[0]!, stored[1]!]) {
      const transcript = await scryon.fetch(`/api/calls/${call.callId}/transcript`, { token: alice.idToken });
      expect(await transcript.text()).toBe(call.transcript);
      const analysis = await scryon.fetch(`/api/calls/${call.callId}/analysis`, { token: alice.idToken });
      expect(await analysis.text()).toBe(JSON.stringify(withLegacyAliases(JSON.parse(call.analysis))));
    }
  });

  it('reads a v3 analysis without judgements and a legacy one in the current shape', async () => {
    const analysis = 'analysis { schemaVersion oneLineSummary shortSummary outcome { result } sections { title } }';
    const query = `query($id: ID!) { call(id: $id) { ${analysis} } }`;
    const v3 = await graphql(scryon, alice.idToken, query, { id: stored[1]!.callId });
    expect(v3.errors).toBeUndefined();
    expect(v3.data.call.analysis).toMatchObject({ schemaVersion: 3, outcome: null, shortSummary: expect.any(String) });
    const legacy = await graphql(scryon, alice.idToken, query, { id: stored[2]!.callId });
    expect(legacy.errors).toBeUndefined();
    expect(legacy.data.call.analysis).toEqual({
      schemaVersion: 2,
      oneLineSummary: 'Invoice 4471 is paid by Friday.',
      shortSummary: 'Invoice 4471 is paid by Friday.',
      outcome: null,
      sections: [{ title: 'Key points' }],
    });
    // On REST too: every key the legacy document had, with its value, beside the current fields.
    const rest = await scryon.fetch(`/api/calls/${stored[2]!.callId}/analysis`, { token: alice.idToken });
    expect(await rest.json()).toMatchObject(JSON.parse(stored[2]!.analysis));
  });
});

/** Call `index`: COMPLETED, with a transcript, an analysis (v4; v3 and legacy v2 for two), a cost and an item. */
async function storeCompletedCall(scryon: TestApp, userId: string, index: number): Promise<StoredCall> {
  const phoneNumber = `+9198${String(index).padStart(8, '0')}`;
  const callId = await seedCall(scryon, { userId, phoneNumber, recordedAt: new Date(Date.now() - index * 60_000) });
  await scryon.db!.query(`update call_records set status = 'COMPLETED' where id = $1`, [callId]);
  const document = { ...(JSON.parse(readFileSync(GOLDEN, 'utf8')) as TranscriptDocument), callId };
  const transcript = JSON.stringify(document);
  const analysis = JSON.stringify(analysisOfVersion(document, index === 1 ? 3 : index === 2 ? 2 : 4));
  const artifacts = callArtifacts(() => scryon.app.orm.em.fork(), scryon.app.storage);
  const store = (type: 'NORMALIZED_TRANSCRIPT_JSON' | 'ANALYSIS_JSON', body: string) =>
    artifacts.writeJson({ userId, callId }, type, body);
  await store('NORMALIZED_TRANSCRIPT_JSON', transcript);
  await store('ANALYSIS_JSON', analysis);
  const usage = { audioSeconds: 36 };
  const attempt = { attempt: `t-${callId}`, stage: 'TRANSCRIBED', provider: 'lemonfox', model: null, usage } as const;
  await scryon.app.services.costs.recordAttempt({ callId, userId }, attempt);
  await scryon.db!.query(
    `insert into action_items
       (id, user_id, call_record_id, title, status, source, source_segment_ids_json, created_at, updated_at)
     values ($1, $2, $3, $4, 'OPEN', 'AI', '[]', now(), now())`,
    [randomUUID(), userId, callId, `Follow up ${index}`],
  );
  return { callId, transcript, analysis };
}

function analysisOfVersion(transcript: TranscriptDocument, version: 2 | 3 | 4): Record<string, unknown> {
  if (version === 2) {
    const sentiment = { overall: 'positive', reason: 'Agreed' };
    const keyPoints = ['Payment goes out Friday'];
    return { schemaVersion: 2, shortSummary: 'Invoice 4471 is paid by Friday.', keyPoints, sentiment };
  }
  const { analysis } = groundAnalysis(JSON.stringify(sandboxAnalysis(transcript)), transcript);
  if (version === 4) return analysis;
  const { outcome: _o, followUpRequired: _f, escalationRequired: _e, ...v3 } = analysis;
  return { ...v3, schemaVersion: 3 };
}

/** A GraphQL request run in this process, so the statements it causes can be told from any other's. */
async function graphqlInProcess(scryon: TestApp, token: string, query: string, variables: Record<string, unknown>) {
  const response = await scryon.app.http!.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/**
 * Counts the SQL statements (through the ORM's query log, which sees every
 * statement) and object-store reads made on behalf of one piece of work: the
 * work runs in an async context of its own, so a statement from anything
 * else running meanwhile (a poll, a sweep) is not counted.
 */
function statementCounter(scryon: TestApp) {
  const context = new AsyncLocalStorage<{ statements: string[]; objectReads: number }>();
  const logger = scryon.app.orm.config.getLogger();
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (entry) => {
    context.getStore()?.statements.push((entry.query ?? '').replace(/\s+/g, ' ').slice(0, 80));
    logQuery(entry);
  };
  const storage = scryon.app.storage;
  const get = storage.get.bind(storage);
  storage.get = (key) => {
    const store = context.getStore();
    if (store) store.objectReads += 1;
    return get(key);
  };
  return {
    async count<T>(work: () => Promise<T>) {
      const store = { statements: [] as string[], objectReads: 0 };
      const result = await context.run(store, work);
      return { result, ...store };
    },
  };
}
