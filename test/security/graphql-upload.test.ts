import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, keysBesides, storedKeys, uploadCall, userRowId, workflowIds } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { multipartBody, type MultipartPart } from '../harness/multipart-body.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/**
 * POST /graphql as a GraphQL multipart request, from an attacker's side: the
 * caller is authenticated and the declared size checked before the body is
 * read, the body is streamed with the upload limits, and whatever the request
 * holds (a wrong order, a second file, another operation, a broken tail) it is
 * refused with an exact answer, leaves no call row, stored object or workflow
 * behind, and the API still answers its health check.
 */

const MAX_FILE_SIZE = 256 * 1024;
const BOUNDARY = 'scryon-graphql-upload';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const SUBMIT =
  'mutation($file: Upload!, $metadata: JSON, $title: String) { submitCall(file: $file, metadata: $metadata, title: ' +
  '$title) { callId status } }';

type Part = MultipartPart;
const rawBody = (parts: Part[], tail?: string) => multipartBody(BOUNDARY, parts, tail);

const operations = (query = SUBMIT, variables: Record<string, unknown> = { file: null }): Part => ({
  name: 'operations',
  body: JSON.stringify({ query, variables }),
});
const map = (value: unknown = { 0: ['variables.file'] }): Part => ({ name: 'map', body: JSON.stringify(value) });
const file = (name = '0', body: Buffer = wavBytes(1)): Part => ({
  name,
  filename: 'call.wav',
  type: 'audio/wav',
  body,
});
/** A well-formed upload of `bytes` with the given variables. */
const upload = (variables: Record<string, unknown> = { file: null }, bytes = wavBytes(1)) =>
  rawBody([operations(SUBMIT, variables), map(), file('0', bytes)]);

/** What this handler (not yoga) answers for a refusal: yoga's shape, code and details in the extensions. */
const refusal = (code: string, message: string, fields?: Record<string, string>) => ({
  errors: [{ message, extensions: { code, ...(fields ? { details: { fields } } : {}) } }],
});

/** A 413 states the limit (and the declared size, when there was one) in words and in details. */
const tooLargeRefusal = (declaredBytes?: number) => ({
  errors: [
    {
      message: expect.stringContaining(`the maximum upload size is 256 KB (${MAX_FILE_SIZE} bytes)`),
      extensions: {
        code: 'payload_too_large',
        details: { maxBytes: MAX_FILE_SIZE, ...(declaredBytes ? { declaredBytes } : {}) },
      },
    },
  ],
});

interface RawAnswer {
  status: number;
  body: any;
  /** Whether the whole body had been written when the answer arrived. */
  bodySent: boolean;
}

/**
 * One request over node:http, so a test can declare a Content-Length it never
 * sends, or stop half-way: `chunks` are written, and the request is ended
 * only when `end` is set. The socket is closed once the answer is read.
 */
function rawPost(
  url: string,
  options: { headers: Record<string, string>; chunks: Buffer[]; end: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let bodySent = false;
    const request = http.request(
      `${url}/graphql`,
      { method: 'POST', headers: options.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          request.destroy();
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            bodySent,
          });
        });
      },
    );
    request.on('error', reject);
    for (const chunk of options.chunks) request.write(chunk);
    if (options.end) request.end(() => (bodySent = true));
  });
}

describe('GraphQL multipart uploads under attack', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) },
      captureLogs: true,
    });
    user = await signUpUser();
    await scryon.fetch('/api/users/me', { token: user.idToken });
    userId = await userRowId(scryon, user.uid);
  });
  afterAll(() => scryon.close());

  async function send(body: Buffer, options: { token?: string | undefined; headers?: Record<string, string> } = {}) {
    const token = 'token' in options ? options.token : user.idToken;
    const response = await scryon.fetch('/graphql', {
      method: 'POST',
      token,
      headers: { 'content-type': CONTENT_TYPE, ...options.headers },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: await json(response) };
  }

  interface Snapshot {
    calls: string[];
    keys: string[];
    workflows: string[];
  }

  async function snapshot(): Promise<Snapshot> {
    const rows = await scryon.db!.query<{ id: string }>('select id from call_records where user_id = $1 order by id', [
      userId,
    ]);
    return {
      calls: rows.map((row) => row.id),
      keys: await storedKeys(scryon, `users/${userId}/`),
      workflows: (await workflowIds(scryon)).sort(),
    };
  }

  /** No call row, stored object or workflow more than `before`, and the API still healthy. */
  async function expectNothingLeftBehind(before: Snapshot) {
    expect(await snapshot()).toEqual(before);
    expect((await scryon.fetch('/api/health')).status).toBe(200);
  }

  /** Waits until a cleanup the client can't observe (it hung up) has run. */
  async function eventuallyNothingLeftBehind(before: Snapshot) {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const now = await snapshot();
      if (JSON.stringify(now) === JSON.stringify(before)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expectNothingLeftBehind(before);
  }

  it('refuses an unauthenticated upload with 401 before reading its body', async () => {
    const before = await snapshot();
    const body = upload();
    // The body is declared in full but only its first bytes are ever sent: the answer can't have waited for it.
    const answer = await rawPost(scryon.url, {
      headers: { 'content-type': CONTENT_TYPE, 'content-length': String(body.length + 1024) },
      chunks: [body.subarray(0, 200)],
      end: false,
    });
    expect(answer).toEqual({
      status: 401,
      body: refusal('auth_missing', 'Missing or invalid Authorization Bearer token'),
      bodySent: false,
    });
    const withFetch = await send(body, { token: undefined });
    expect(withFetch).toEqual({
      status: 401,
      body: refusal('auth_missing', 'Missing or invalid Authorization Bearer token'),
    });
    const badToken = await send(body, { token: 'not-a-token' });
    expect(badToken.status).toBe(401);
    expect(badToken.body.errors[0].extensions.code).toMatch(/^auth_(missing|invalid)$/);
    await expectNothingLeftBehind(before);
  });

  it('refuses a declared size over MAX_FILE_SIZE with payload_too_large before reading the body', async () => {
    const before = await snapshot();
    const answer = await rawPost(scryon.url, {
      headers: {
        'content-type': CONTENT_TYPE,
        'content-length': String(MAX_FILE_SIZE + 6 * 1024 * 1024),
        authorization: `Bearer ${user.idToken}`,
      },
      chunks: [rawBody([operations(), map()], '')],
      end: false,
    });
    expect(answer).toEqual({ status: 413, body: tooLargeRefusal(MAX_FILE_SIZE + 6 * 1024 * 1024), bodySent: false });
    await expectNothingLeftBehind(before);
  });

  it('refuses a streamed file over MAX_FILE_SIZE with payload_too_large and removes what was stored', async () => {
    const before = await snapshot();
    const answer = await send(upload({ file: null }, Buffer.concat([wavBytes(1), Buffer.alloc(MAX_FILE_SIZE)])));
    expect(answer).toEqual({ status: 413, body: { data: null, ...tooLargeRefusal() } });
    await expectNothingLeftBehind(before);
  });

  const refusedBodies: Array<{ name: string; body: () => Buffer; answer: ReturnType<typeof refusal> }> = [
    {
      name: 'a file part before operations',
      body: () => rawBody([file(), operations(), map()]),
      answer: refusal('validation_failed', 'The operations and map parts must come before the file', {
        operations: 'required before the file',
      }),
    },
    {
      name: 'a file part between operations and map',
      body: () => rawBody([operations(), file(), map()]),
      answer: refusal('validation_failed', 'The operations and map parts must come before the file', {
        operations: 'required before the file',
      }),
    },
    {
      name: 'map before operations',
      body: () => rawBody([map(), operations(), file()]),
      answer: refusal('validation_failed', 'Unexpected "map" part: send operations, map, then the file', {
        map: 'unexpected',
      }),
    },
    {
      name: 'two files mapped',
      body: () => rawBody([operations(), map({ 0: ['variables.file'], 1: ['variables.file'] }), file('0'), file('1')]),
      answer: refusal('validation_failed', 'The map must name exactly one file', { map: 'not exactly one file' }),
    },
    {
      name: 'one file mapped to two variables',
      body: () => rawBody([operations(), map({ 0: ['variables.file', 'variables.other'] }), file('0')]),
      answer: refusal('validation_failed', 'The map must point its one file at variables.file', {
        map: 'not variables.file',
      }),
    },
    {
      name: 'a map pointing at an unknown variable',
      body: () => rawBody([operations(), map({ 0: ['variables.attachment'] }), file('0')]),
      answer: refusal('validation_failed', 'The map must point its one file at variables.file', {
        map: 'not variables.file',
      }),
    },
    {
      name: 'a file part the map does not name',
      body: () => rawBody([operations(), map(), file('1')]),
      answer: refusal('validation_failed', 'The file part "1" is not in the map', { map: 'does not name this file' }),
    },
    {
      name: 'batched operations',
      body: () =>
        rawBody([
          { name: 'operations', body: JSON.stringify([{ query: SUBMIT, variables: { file: null } }]) },
          map(),
          file(),
        ]),
      answer: refusal('validation_failed', 'Batched operations are not accepted with a file', {
        operations: 'batched',
      }),
    },
    {
      name: 'operations that are not JSON',
      body: () => rawBody([{ name: 'operations', body: '{"query": ' }, map(), file()]),
      answer: refusal('validation_failed', 'The operations part is not valid JSON', { operations: 'not valid JSON' }),
    },
    {
      name: 'operations and map without a file',
      body: () => rawBody([operations(), map()]),
      answer: refusal('validation_failed', 'The file part is required', { file: 'required' }),
    },
    {
      name: 'an empty multipart body',
      body: () => rawBody([]),
      answer: refusal('validation_failed', 'The operations part is required', { operations: 'required' }),
    },
    {
      name: 'more parts than the upload limits allow',
      body: () =>
        rawBody([operations(), map(), ...Array.from({ length: 30 }, (_, i) => ({ name: `extra${i}`, body: 'x' }))]),
      answer: refusal('validation_failed', 'Unexpected "extra0" part: send operations, map, then the file', {
        extra0: 'unexpected',
      }),
    },
  ];

  for (const { name, body, answer } of refusedBodies) {
    it(`refuses ${name} with 400 validation_failed and stores nothing`, async () => {
      const before = await snapshot();
      expect(await send(body())).toEqual({ status: 400, body: answer });
      await expectNothingLeftBehind(before);
    });
  }

  it('refuses a second file part after the mapped one and removes the first', async () => {
    const before = await snapshot();
    expect(await send(rawBody([operations(), map(), file('0'), file('1')]))).toEqual({
      status: 400,
      body: {
        data: null,
        errors: [
          {
            message: 'Only one file part is accepted',
            extensions: { code: 'validation_failed', details: { fields: { file: 'more than one file part' } } },
          },
        ],
      },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses a text part after the file and removes what was stored', async () => {
    const before = await snapshot();
    expect(await send(rawBody([operations(), map(), file(), { name: 'title', body: 'late' }]))).toEqual({
      status: 400,
      body: {
        data: null,
        errors: [
          {
            message: 'The "title" part comes after the file',
            extensions: { code: 'validation_failed', details: { fields: { title: 'after the file' } } },
          },
        ],
      },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses a malformed tail after the file and removes what was stored', async () => {
    const before = await snapshot();
    expect(
      await send(rawBody([operations(), map(), file()], `--${BOUNDARY}\r\nContent-Disposition: broken\r\n`)),
    ).toEqual({
      status: 400,
      body: {
        data: null,
        errors: [
          {
            message: 'The multipart body ended before its closing boundary',
            extensions: { code: 'validation_failed' },
          },
        ],
      },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses another mutation carrying a file before it runs', async () => {
    const kept = await json(await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(1) } }));
    const before = await snapshot();
    const deleting = rawBody([operations(`mutation { deleteCall(id: "${kept.callId}") }`), map(), file()]);
    const answer = await send(deleting);
    expect(answer).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'A multipart request must be a single submitCall mutation',
            extensions: { code: 'validation_failed', details: { fields: { operations: 'not a submitCall mutation' } } },
          },
        ],
      },
    });
    // The call the mutation named is still there: the operation never ran.
    await expectNothingLeftBehind(before);
    expect(before.calls).toContain(kept.callId);
    await scryon.fetch(`/api/calls/${kept.callId}`, { method: 'DELETE', token: user.idToken });
  });

  it('refuses a query, or submitCall beside another field, carrying a file', async () => {
    for (const query of [
      'query($file: Upload!) { me { id } }',
      '{ me { id } }',
      'mutation($file: Upload!) { submitCall(file: $file) { callId } deleteCalls(ids: []) { deleted } }',
    ]) {
      const before = await snapshot();
      const answer = await send(rawBody([operations(query), map(), file()]));
      if (query.startsWith('query($file')) {
        // An unused variable is GraphQL's own validation error (200 to a
        // client that accepts application/json, as yoga answers it).
        expect(answer).toEqual({
          status: 200,
          body: { errors: [expect.objectContaining({ message: 'Variable "$file" is never used.' })] },
        });
      } else {
        expect(answer).toEqual({
          status: 400,
          body: {
            errors: [
              {
                message: 'A multipart request must be a single submitCall mutation',
                extensions: {
                  code: 'validation_failed',
                  details: { fields: { operations: 'not a submitCall mutation' } },
                },
              },
            ],
          },
        });
      }
      await expectNothingLeftBehind(before);
    }
  });

  it('refuses an invalid document and one over a limit without storing the file', async () => {
    const before = await snapshot();
    const invalid = await send(
      rawBody([operations('mutation($file: Upload!) { submitCall(file: $file) { nope } }'), map(), file()]),
    );
    // GraphQL's own parse and validation errors, as yoga answers them to a client that accepts application/json.
    expect(invalid).toEqual({
      status: 200,
      body: { errors: [expect.objectContaining({ message: 'Cannot query field "nope" on type "SubmitCallResult".' })] },
    });
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ');
    const overLimit = await send(
      rawBody([operations(`mutation($file: Upload!) { submitCall(file: $file) { ${aliases} } }`), map(), file()]),
    );
    expect(overLimit).toEqual({
      status: 400,
      body: {
        errors: [{ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'query_limit_exceeded' } }],
      },
    });
    const syntax = await send(
      rawBody([operations('mutation($file: Upload!) { submitCall(file: $file) {'), map(), file()]),
    );
    expect(syntax).toEqual({
      status: 200,
      body: { errors: [expect.objectContaining({ message: 'Syntax Error: Expected Name, found <EOF>.' })] },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses a file token sent without a multipart body', async () => {
    const before = await snapshot();
    for (const fileValue of ['upload:00000000-0000-0000-0000-000000000000', 'call.wav']) {
      const response = await scryon.fetch('/graphql', {
        method: 'POST',
        token: user.idToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SUBMIT, variables: { file: fileValue } }),
      });
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({
        data: null,
        errors: [
          {
            message: 'Send the file with the GraphQL multipart request spec',
            extensions: { code: 'validation_failed', details: { fields: { file: 'required' } } },
          },
        ],
      });
    }
    // A literal in the document is not the request's file either.
    const literal = await send(
      rawBody([operations('mutation { submitCall(file: "upload:guess") { callId } }'), map(), file()]),
    );
    expect(literal.status).toBe(400);
    expect(literal.body.errors[0].extensions).toEqual({
      code: 'validation_failed',
      details: { fields: { file: 'required' } },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses invalid metadata (recordedAt year 0000) with validation_failed', async () => {
    const before = await snapshot();
    const answer = await send(upload({ file: null, metadata: { recordedAt: '0000-01-01T00:00:00Z' } }));
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0]).toMatchObject({
      message: 'The metadata is invalid',
      extensions: { code: 'validation_failed', details: { fields: { 'metadata.recordedAt': expect.any(String) } } },
    });
    const notAnObject = await send(upload({ file: null, metadata: [1, 2] }));
    expect(notAnObject.body.errors[0].extensions).toEqual({
      code: 'validation_failed',
      details: { fields: { metadata: 'not a JSON object' } },
    });
    await expectNothingLeftBehind(before);
  });

  it('refuses bytes that are not audio with unsupported_media_type', async () => {
    const before = await snapshot();
    const answer = await send(upload({ file: null }, Buffer.from('not audio '.repeat(1000))));
    expect(answer).toEqual({
      status: 415,
      body: {
        data: null,
        errors: [
          {
            message: 'Audio format not recognised; send m4a, mp3, wav, aac or ogg',
            extensions: { code: 'unsupported_media_type' },
          },
        ],
      },
    });
    await expectNothingLeftBehind(before);
  });

  it('leaves nothing behind when the client hangs up half-way through the file', async () => {
    const before = await snapshot();
    const body = upload({ file: null }, Buffer.concat([wavBytes(1), Buffer.alloc(100 * 1024)]));
    const request = http.request(`${scryon.url}/graphql`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': CONTENT_TYPE,
        'content-length': String(body.length),
        authorization: `Bearer ${user.idToken}`,
      },
    });
    request.on('error', () => undefined);
    request.write(body.subarray(0, 80 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 300));
    request.destroy();
    await eventuallyNothingLeftBehind(before);
  });

  it('accepts a well-formed upload: a queued call, its stored audio and its workflow', async () => {
    const before = await snapshot();
    const answer = await send(upload({ file: null, metadata: { title: 'graphql upload', direction: 'INCOMING' } }));
    expect(answer).toEqual({
      status: 200,
      body: { data: { submitCall: { callId: expect.any(String), status: 'QUEUED' } } },
    });
    const { callId } = answer.body.data.submitCall;
    const after = await snapshot();
    expect(after.calls).toEqual([...before.calls, callId].sort());
    expect(after.keys.filter((key) => key.includes(callId))).toHaveLength(1);
    expect(after.workflows.length).toBe(before.workflows.length + 1);
    const detail = await json(await scryon.fetch(`/api/calls/${callId}`, { token: user.idToken }));
    expect(detail).toMatchObject({ callId, title: 'graphql upload', direction: 'INCOMING', status: 'QUEUED' });
    // The title argument fills in a metadata without one, as the title part
    // does on REST; a file near the limit streams through in many chunks.
    const titled = await send(upload({ file: null, title: 'from the argument' }, wavBytes(7)));
    expect(titled.status).toBe(200);
    const titledDetail = await json(
      await scryon.fetch(`/api/calls/${titled.body.data.submitCall.callId}`, { token: user.idToken }),
    );
    expect(titledDetail.title).toBe('from the argument');
    expect((await scryon.fetch('/api/health')).status).toBe(200);
  });

  it('replays an upload with the same Idempotency-Key: the same callId, one call', async () => {
    const key = `graphql-upload-${Date.now()}`;
    const before = await snapshot();
    const body = upload({ file: null, metadata: { title: 'once' } });
    const first = await send(body, { headers: { 'idempotency-key': key } });
    expect(first).toEqual({
      status: 200,
      body: { data: { submitCall: { callId: expect.any(String), status: 'QUEUED' } } },
    });
    const second = await send(body, { headers: { 'idempotency-key': key } });
    expect(second).toEqual(first);
    const { callId } = first.body.data.submitCall;
    const after = await snapshot();
    expect(after.calls).toEqual([...before.calls, callId].sort());
    expect(after.workflows.length).toBe(before.workflows.length + 1);
    // The same key with a different file is a different request.
    const other = await send(upload({ file: null, metadata: { title: 'once' } }, wavBytes(2)), {
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.errors[0].extensions.code).toBe('idempotency_key_reused');
    expect(await snapshot()).toEqual(after);
  });

  it('refuses an Idempotency-Key upload whose body breaks off, and leaves the key to a corrected retry', async () => {
    const key = `graphql-upload-broken-${Date.now()}`;
    const before = await snapshot();
    // The key is claimed (a database round trip) before the file is read: the body fails in between.
    const tooLarge = await send(upload({ file: null }, Buffer.concat([wavBytes(1), Buffer.alloc(MAX_FILE_SIZE)])), {
      headers: { 'idempotency-key': key },
    });
    expect(tooLarge).toEqual({ status: 413, body: { data: null, ...tooLargeRefusal() } });
    const badTail = await send(
      rawBody([operations(), map(), file()], `--${BOUNDARY}\r\nContent-Disposition: broken\r\n`),
      { headers: { 'idempotency-key': key } },
    );
    expect(badTail).toEqual({
      status: 400,
      body: {
        data: null,
        errors: [
          {
            message: 'The multipart body ended before its closing boundary',
            extensions: { code: 'validation_failed' },
          },
        ],
      },
    });
    await expectNothingLeftBehind(before);
    const retry = await send(upload(), { headers: { 'idempotency-key': key } });
    expect(retry).toEqual({
      status: 200,
      body: { data: { submitCall: { callId: expect.any(String), status: 'QUEUED' } } },
    });
    expect((await snapshot()).calls).toEqual([...before.calls, retry.body.data.submitCall.callId].sort());
  });

  it('fuzzed multipart requests never give a 5xx and never store anything without a success answer', async () => {
    const fuzzer = await signUpUser();
    await scryon.fetch('/api/users/me', { token: fuzzer.idToken });
    const fuzzerId = await userRowId(scryon, fuzzer.uid);
    const deleted = new Set<string>();
    const stored = async () => ({
      calls: await scryon.db!.query('select id from call_records where user_id = $1', [fuzzerId]),
      keys: await keysBesides(scryon, `users/${fuzzerId}/`, deleted),
    });
    const textBody = fc.oneof(
      fc.constantFrom(
        JSON.stringify({ query: SUBMIT, variables: { file: null } }),
        JSON.stringify({ query: SUBMIT, variables: { file: null, metadata: { recordedAt: '0000-01-01T00:00:00Z' } } }),
        JSON.stringify({ query: 'mutation { deleteCalls(ids: []) { deleted } }' }),
        JSON.stringify({ query: '{ me { id } }', variables: { file: null } }),
        JSON.stringify({ 0: ['variables.file'] }),
        JSON.stringify({ 1: ['variables.file'] }),
        JSON.stringify({ 0: ['variables.file'], 1: ['variables.file'] }),
        JSON.stringify({ 0: ['variables.other'] }),
        JSON.stringify([]),
        'null',
      ),
      fc.string({ maxLength: 100 }),
    );
    const part = fc.record({
      name: fc.constantFrom('operations', 'map', '0', '1', 'metadata', 'file', ''),
      filename: fc.option(fc.constantFrom('call.wav', 'x', '../../etc/passwd'), { nil: undefined }),
      type: fc.option(fc.constantFrom('audio/wav', 'application/json', 'text/plain'), { nil: undefined }),
      body: fc.oneof(
        textBody,
        fc.constant(wavBytes(1)),
        fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      ),
    });
    const tail = fc.oneof(fc.constant(`--${BOUNDARY}--\r\n`), fc.constant(''), fc.string({ maxLength: 50 }));
    // Every other case starts from a well-formed request and breaks one thing of it.
    const wellFormedStart = fc
      .array(part, { maxLength: 3 })
      .map((rest): Part[] => [operations(), map(), file(), ...rest]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(part, { maxLength: 6 }), wellFormedStart), tail, async (parts, end) => {
        const response = await scryon.fetch('/graphql', {
          method: 'POST',
          token: fuzzer.idToken,
          headers: { 'content-type': CONTENT_TYPE },
          body: new Uint8Array(rawBody(parts, end)),
        });
        expect(response.status).toBeLessThan(500);
        const body = await json(response);
        const callId = body?.data?.submitCall?.callId as string | undefined;
        if (response.status === 200 && callId) {
          expect(body).toEqual({ data: { submitCall: { callId, status: 'QUEUED' } } });
          await scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: fuzzer.idToken });
          deleted.add(callId);
        } else {
          expect(body.errors?.length).toBeGreaterThan(0);
          expect(await stored()).toEqual({ calls: [], keys: [] });
        }
      }),
      { numRuns: 80 },
    );
    expect((await scryon.fetch('/api/health')).status).toBe(200);
    expect(scryon.logLines.filter((line) => line.includes('"level":"error"') || line.includes('"level":50'))).toEqual(
      [],
    );
  });
});
