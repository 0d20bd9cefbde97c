import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, jsonApi, uploadCall } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.ts';

/**
 * One user's writes never touch another user's rows, whatever text they carry.
 * PGlite 0.5's wire encoder miscounted an unpaired surrogate after a multi-byte
 * character, so PostgreSQL ran the statement minus its tail: `"é\udc00"` × 51
 * in an item's title cut the `where` and retitled every user's items. Ill-formed
 * text is now refused at the one input guard, and values travel as bound
 * parameters, so neither the guard nor the encoder alone holds the line.
 */

const LONE_SURROGATE_AFTER_MULTIBYTE = ['é\udc00'.repeat(51), '€\udc00'.repeat(145), 'é\udc00'.repeat(4000)];
const EDGES = [
  'é\udc00',
  '€\udc00',
  '\ud800',
  '\udfff',
  '\u0000',
  'e\u0301',
  '\u{1F600}',
  '𝄞',
  "'",
  "''",
  '\\',
  '?',
  '??',
  '$1',
  '"',
  '\u2028',
  '\uFEFF',
  'é',
  '€',
  ' ',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const piece = fc.oneof(
  fc.constantFrom(...EDGES),
  loneSurrogate,
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const fuzzedText = fc.array(piece, { minLength: 1, maxLength: 120 }).map((pieces) => pieces.join(''));

const unstorable = (text: string) => text.includes('\u0000') || !text.isWellFormed();

interface Owned {
  callId: string;
  itemId: string;
  webhookId: string;
}

type Write = (text: string) => Promise<{ status: number; code?: string | undefined }>;

for (const database of ['pglite', 'postgres'] as const) {
  describe(`on ${database}: user A's fuzzed writes leave user B's rows byte-identical`, () => {
    let scryon: TestApp;
    let receiver: WebhookReceiver;
    let alice: EmulatorUser;
    let bob: EmulatorUser;
    let aliceOwns: Owned;

    beforeAll(async () => {
      scryon = await startTestApp({
        database,
        roles: { api: true, worker: false },
        captureLogs: true,
        env: {
          SCRYON_RATE_LIMIT_USER_PER_MINUTE: '100000',
          SCRYON_RATE_LIMIT_IP_PER_MINUTE: '100000',
          SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        },
      });
      receiver = await startWebhookReceiver();
      [alice, bob] = [await signUpUser('Alice'), await signUpUser('Bob')];
      aliceOwns = await ownSomething(alice);
      await ownSomething(bob);
    });
    afterAll(async () => {
      await receiver?.close();
      await scryon?.close();
    });

    async function ownSomething(user: EmulatorUser): Promise<Owned> {
      const api = jsonApi(scryon, user.idToken);
      const created = async (response: Promise<Response>) => {
        const answer = await response;
        expect(answer.status).toBeLessThan(300);
        return json(answer);
      };
      const metadata = { title: 'Quarterly review', contactName: 'Ravi' };
      const { callId } = await created(uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(1) }, metadata }));
      const item = await created(
        api('POST', `/api/calls/${callId}/action-items`, { title: 'Send the quote', description: 'by Friday' }),
      );
      const webhook = await created(
        api('POST', '/api/webhooks', {
          url: `${receiver.url}/hook`,
          eventTypes: ['call.completed'],
          description: 'CRM sync',
        }),
      );
      await created(api('PATCH', '/api/users/me', { displayName: 'Before' }));
      return { callId, itemId: item.id, webhookId: webhook.id };
    }

    /** Every row of every table that holds a user's data, as PostgreSQL's own text of it. */
    async function rowsOf(externalUserId: string): Promise<string[]> {
      const em = scryon.app.orm.em.fork();
      const [user] = await em.execute<{ id: string }[]>('select id from users where external_user_id = ?', [
        externalUserId,
      ]);
      const tables = await em.execute<{ table_name: string }[]>(
        "select table_name from information_schema.columns where table_schema = 'public' and column_name = " +
          "'user_id' order by table_name",
      );
      const rows = [
        ...(await em.execute<{ row: string }[]>('select to_jsonb(u)::text as row from users u where id = ?', [
          user!.id,
        ])),
      ];
      for (const { table_name } of tables) {
        rows.push(
          ...(await em.execute<{ row: string }[]>(
            `select to_jsonb(t)::text as row from ${table_name} t where user_id = ? order by 1`,
            [user!.id],
          )),
        );
      }
      return rows.map(({ row }) => row);
    }

    function writes(): Record<string, Write> {
      const token = alice.idToken;
      const api = jsonApi(scryon, token);
      const rest = async (method: string, path: string, body: unknown) => {
        const response = await api(method, path, body);
        return {
          status: response.status,
          code: response.status >= 400 ? (await json(response)).error?.code : undefined,
        };
      };
      const trpc = async (path: string, input: unknown) => {
        const response = await scryon.fetch(`/trpc/${path}`, {
          method: 'POST',
          token,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        return {
          status: response.status,
          code: response.status >= 400 ? (await json(response)).error?.data?.appError?.code : undefined,
        };
      };
      const gql = async (query: string, variables: Record<string, unknown>) => {
        const response = await scryon.fetch('/graphql', {
          method: 'POST',
          token,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        const answer = (await json(response)) as { errors?: Array<{ extensions?: { code?: string } }> };
        const code = answer.errors?.[0]?.extensions?.code;
        // An error GraphQL answers without a code of ours is a failure of the test's own making: make it loud.
        const status =
          answer.errors && !code
            ? 599
            : code === 'internal_error'
              ? 500
              : code
                ? Math.max(response.status, 400)
                : response.status;
        return { status, code };
      };
      const { callId, itemId, webhookId } = aliceOwns;
      return {
        'REST PUT an item': (text) =>
          rest('PUT', `/api/action-items/${itemId}`, { title: text, description: text, dueDate: null, priority: null }),
        'REST POST an item': (text) => rest('POST', `/api/calls/${callId}/action-items`, { title: text }),
        'tRPC actions.replace': (text) =>
          trpc('actions.replace', { id: itemId, title: text, description: null, dueDate: null, priority: null }),
        'REST PATCH a webhook': (text) => rest('PATCH', `/api/webhooks/${webhookId}`, { description: text }),
        'GraphQL updateWebhookEndpoint': (text) =>
          gql('mutation ($id: ID!, $d: String) { updateWebhookEndpoint(id: $id, description: $d) { id } }', {
            id: webhookId,
            d: text,
          }),
        'REST PATCH users/me': (text) => rest('PATCH', '/api/users/me', { displayName: text }),
        'GraphQL updateMe': (text) => gql('mutation ($n: String!) { updateMe(displayName: $n) { id } }', { n: text }),
        'tRPC users.updateMe': (text) => trpc('users.updateMe', { displayName: text }),
        'REST upload metadata': async (text) => {
          const response = await uploadCall(scryon, token, {
            file: { bytes: wavBytes(1) },
            metadata: { title: text, contactName: text },
          });
          return {
            status: response.status,
            code: response.status >= 400 ? (await json(response)).error?.code : undefined,
          };
        },
      };
    }

    const expectRefusedOrStored = (text: string, answer: { status: number; code?: string | undefined }) => {
      expect(answer.status).toBeLessThan(500);
      if (unstorable(text))
        expect([answer.status, answer.code]).toSatisfy(
          ([status, code]) => code === 'validation_failed' || status === 413,
        );
    };

    it('the crafted strings of the report are refused on every surface', async () => {
      const before = await rowsOf(bob.uid);
      for (const [name, write] of Object.entries(writes())) {
        for (const text of LONE_SURROGATE_AFTER_MULTIBYTE) {
          const answer = await write(text);
          expect({ write: name, length: text.length, ...answer }).toMatchObject({
            write: name,
            length: text.length,
            code: expect.stringMatching(/validation_failed|payload_too_large/),
          });
        }
      }
      expect(await rowsOf(bob.uid)).toEqual(before);
    });

    it('any sequence of fuzzed writes (every text field, every surface)', async () => {
      const before = await rowsOf(bob.uid);
      const table = writes();
      const names = Object.keys(table);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...names), fuzzedText), { minLength: 1, maxLength: 6 }),
          async (sequence) => {
            for (const [name, text] of sequence) expectRefusedOrStored(text, await table[name]!(text));
          },
        ),
        { numRuns: 40 },
      );
      for (const [name, write] of Object.entries(table)) {
        const megabyte = 'é'.repeat(512 * 1024);
        expect({ write: name, status: (await write(megabyte)).status < 500 }).toEqual({ write: name, status: true });
      }
      expect(await rowsOf(bob.uid)).toEqual(before);
      expect(scryon.logLines.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);
    });
  });
}
