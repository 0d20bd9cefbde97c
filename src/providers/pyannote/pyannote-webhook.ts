import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * pyannoteAI's job webhook (https://docs.pyannote.ai/webhooks/verifying-webhooks): a POST of the job
 * (`jobId`, `status`, `output`) with `X-Request-Timestamp` (epoch seconds) and `X-Signature`, the
 * HMAC-SHA256 under the team's webhook secret of `v0:{timestamp}:{raw body}`.
 */

/**
 * A job's output for the recordings we send fits well within this (a turn is under 100 bytes). A bigger
 * body is refused unread; its job is then fetched at the safety-net interval, later but not lost.
 */
export const PYANNOTE_WEBHOOK_MAX_BYTES = 1024 * 1024;
/** Older (or further ahead) than this, a signed request is a replay or a broken clock, not a delivery. */
export const PYANNOTE_WEBHOOK_MAX_AGE_MS = 5 * 60_000;

export interface WebhookRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  /** The bytes as received: the signature covers them, not any re-serialisation. */
  body: Buffer;
}

/**
 * Why a request was refused, for the log (never the client): a
 * missing header, a stale timestamp, a bad signature or body.
 */
export type WebhookRefusal = 'unsigned' | 'stale' | 'signature' | 'malformed';

export type WebhookVerdict = { ok: true; jobId: string } | { ok: false; reason: WebhookRefusal };

const TIMESTAMP = /^\d{1,15}$/;
const HEX_SIGNATURE = /^[0-9a-f]{64}$/i;
/** 32 bytes in base64 (standard or URL-safe), padded or not. */
const BASE64_SIGNATURE = /^[A-Za-z0-9+/_-]{43}=?$/;
/** pyannoteAI's job ids are UUIDs; anything far from that is not one of theirs. */
const JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function verifyPyannoteWebhook(secret: string, request: WebhookRequest, nowMs = Date.now()): WebhookVerdict {
  const { timestamp, signature, body } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'unsigned' };
  if (!TIMESTAMP.test(timestamp) || Math.abs(nowMs - Number(timestamp) * 1000) > PYANNOTE_WEBHOOK_MAX_AGE_MS)
    return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
  const given = signatureBytes(signature.trim());
  // Lengths are public (32 bytes); the bytes are compared in constant time.
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature' };
  const jobId = jobIdOf(body);
  return jobId ? { ok: true, jobId } : { ok: false, reason: 'malformed' };
}

/**
 * The docs' prose says base64, while receivers of this scheme commonly compare hex: both encode the
 * same 32-byte MAC and their lengths never overlap, so either is read.
 */
function signatureBytes(signature: string): Buffer | undefined {
  if (HEX_SIGNATURE.test(signature)) return Buffer.from(signature, 'hex');
  if (BASE64_SIGNATURE.test(signature)) return Buffer.from(signature, 'base64');
  return undefined;
}

function jobIdOf(body: Buffer): string | undefined {
  let job: unknown;
  try {
    job = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const jobId = typeof job === 'object' && job !== null ? (job as { jobId?: unknown }).jobId : undefined;
  return typeof jobId === 'string' && JOB_ID.test(jobId) ? jobId : undefined;
}
