import { createHash, randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { AppError, type ErrorCode } from '../errors/app-error.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | {
      kind: 'owner';
      /** Stores the response so retries with the same key replay it for 24 h. */
      complete(fingerprint: string, response: StoredResponse): Promise<void>;
      /** Forgets the key after a failure worth retrying (5xx), so a retry runs again. */
      release(): Promise<void>;
      /**
       * The work is done but its answer could not be stored: the key stays
       * taken, and every retry is told so instead of doing the work again.
       */
      holdInDoubt(fingerprint: string): Promise<void>;
    }
  | { kind: 'existing'; settle(fingerprint: string): Promise<StoredResponse> };

export interface IdempotencyOptions {
  fork: () => Em;
  ttlMs?: number;
  /** An in-flight claim older than this is taken over: its owner died mid-request. */
  abandonAfterMs?: number;
  waitTimeoutMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** What a retry hears when the first request's work was done but its answer was lost: never "run it again". */
const IN_DOUBT: StoredResponse = {
  status: 409,
  body: {
    error: {
      code: 'idempotency_request_in_progress',
      message:
        'The request with this Idempotency-Key was carried out, but its answer could not be kept; ' +
        'read the resource to see its result, and use a new key for a new request',
    },
  },
};

/**
 * `Idempotency-Key`, scoped per user and operation. The unique (user, key)
 * row is the lock: of concurrent requests with one key exactly one becomes the
 * owner and runs; the others wait for its stored response and replay it, or
 * get 409 when their request differs from the one that used the key first.
 */
export function createIdempotencyService(options: IdempotencyOptions) {
  const ttlMs = options.ttlMs ?? DAY_MS;
  const abandonAfterMs = options.abandonAfterMs ?? 5 * 60_000;
  const waitTimeoutMs = options.waitTimeoutMs ?? 60_000;

  async function claim(userId: string, key: string, operation: string): Promise<Claim> {
    const em = options.fork();
    const connection = em.getConnection();
    await connection.execute(
      `delete from idempotency_keys where user_id = ? and key = ?
         and (expires_at < now() or (response_status is null and created_at < now() - (? * interval '1 millisecond')))`,
      [userId, key, abandonAfterMs],
    );
    const id = randomUUID();
    const inserted = await connection.execute<{ id: string }[]>(
      `insert into idempotency_keys (id, user_id, key, operation, request_hash, created_at, expires_at)
       values (?, ?, ?, ?, '', now(), now() + (? * interval '1 millisecond'))
       on conflict (user_id, key) do nothing returning id`,
      [id, userId, key, operation, ttlMs],
    );
    if (inserted.length > 0) return ownerClaim(em, id);
    return { kind: 'existing', settle: (fingerprint) => settleExisting(userId, key, operation, fingerprint) };
  }

  function ownerClaim(em: Em, id: string): Claim {
    return {
      kind: 'owner',
      async complete(fingerprint, response) {
        await em
          .getConnection()
          .execute(
            'update idempotency_keys set request_hash = ?, response_status = ?, response_body = ?::jsonb where id = ?',
            [fingerprint, response.status, JSON.stringify(response.body ?? null), id],
          );
      },
      async release() {
        await em.getConnection().execute('delete from idempotency_keys where id = ?', [id]);
      },
      async holdInDoubt(fingerprint) {
        await em
          .getConnection()
          .execute(
            'update idempotency_keys set request_hash = ?, response_status = ?, response_body = ?::jsonb where id = ?',
            [fingerprint, IN_DOUBT.status, JSON.stringify(IN_DOUBT.body), id],
          );
      },
    };
  }

  async function settleExisting(
    userId: string,
    key: string,
    operation: string,
    fingerprint: string,
  ): Promise<StoredResponse> {
    const deadline = Date.now() + waitTimeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      const rows = await options
        .fork()
        .getConnection()
        .execute<{ operation: string; request_hash: string; response_status: number | null; response_body: unknown }[]>(
          'select operation, request_hash, response_status, response_body from idempotency_keys where user_id = ? ' +
            'and key = ?',
          [userId, key],
        );
      const row = rows[0];
      if (!row)
        throw new AppError(
          'idempotency_request_in_progress',
          'The original request with this Idempotency-Key failed; retry',
        );
      if (row.response_status !== null) {
        if (row.operation !== operation || row.request_hash !== fingerprint)
          throw new AppError('idempotency_key_reused');
        return { status: row.response_status, body: row.response_body };
      }
      if (Date.now() > deadline) throw new AppError('idempotency_request_in_progress');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  return { claim };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/**
 * A hard delete removes every stored answer that names the deleted resource,
 * so a replayed key can never hand back content that no longer exists.
 * Resource ids are UUIDs, so their text matches nothing else in an answer.
 */
export async function forgetAnswersAbout(
  em: Em,
  userId: string,
  resourceIds: string | readonly string[],
): Promise<void> {
  const patterns = (typeof resourceIds === 'string' ? [resourceIds] : resourceIds).map((id) => `%${id}%`);
  if (patterns.length === 0) return;
  await em.execute(`delete from idempotency_keys where user_id = ? and response_body::text like any (array[?])`, [
    userId,
    patterns,
  ]);
}

/** Keys past their 24 h: the sweeper's share of the table. */
export async function deleteExpiredIdempotencyKeys(em: Em): Promise<number> {
  const removed = await em
    .getConnection()
    .execute<{ id: string }[]>('delete from idempotency_keys where expires_at < now() returning id');
  return removed.length;
}

/** Fingerprint of a JSON request: operation plus canonical input. */
export function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(canonicalJson(input)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Runs a JSON mutation under an Idempotency-Key (or plainly, without one). */
export async function runIdempotent(
  service: IdempotencyService,
  params: {
    userId: string;
    key: string | undefined;
    operation: string;
    input: unknown;
    successStatus: number;
    execute: () => Promise<unknown>;
  },
): Promise<StoredResponse> {
  if (!params.key) return { status: params.successStatus, body: await params.execute() };
  const fingerprint = fingerprintOf(params.operation, params.input);
  const claim = await service.claim(params.userId, params.key, params.operation);
  if (claim.kind === 'existing') return replay(await claim.settle(fingerprint));
  let body: unknown;
  try {
    body = await params.execute();
  } catch (error) {
    await settleFailure(claim, fingerprint, error);
    throw error;
  }
  const response = { status: params.successStatus, body };
  try {
    await claim.complete(fingerprint, response);
  } catch (error) {
    // The work has committed: releasing the key now would let a retry do it a second time.
    await claim.holdInDoubt(fingerprint);
    throw error;
  }
  return response;
}

/** A refusal is an answer like any other and is kept; a failure worth retrying frees the key. */
async function settleFailure(
  claim: Extract<Claim, { kind: 'owner' }>,
  fingerprint: string,
  error: unknown,
): Promise<void> {
  if (!(error instanceof AppError) || error.status >= 500) return claim.release();
  const details = error.details ? { details: error.details } : {};
  await claim.complete(fingerprint, {
    status: error.status,
    body: { error: { code: error.code, message: error.message, ...details } },
  });
}

/** A replayed rejection is thrown again exactly as it was first answered. */
export function replay(response: StoredResponse): StoredResponse {
  if (response.status < 400) return response;
  const error = (response.body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
    ?.error;
  throw new AppError((error?.code ?? 'internal_error') as ErrorCode, error?.message, error?.details);
}
