import type { CurrentUser } from '../../users/identity.ts';
import { runIdempotent } from '../../idempotency/idempotency-service.ts';
import type { RequestContext } from './context.ts';

/**
 * Wraps a mutation so a retry with the same `Idempotency-Key` replays the
 * original answer and changes nothing; used by every mutating procedure.
 */
export async function idempotent<T>(
  ctx: RequestContext & { user: CurrentUser },
  operation: string,
  input: unknown,
  execute: () => Promise<T>,
): Promise<T> {
  const response = await runIdempotent(ctx.services.idempotency, {
    userId: ctx.user.id,
    key: ctx.idempotencyKey,
    operation,
    input,
    successStatus: 200,
    execute,
  });
  return (response.body ?? undefined) as T;
}
