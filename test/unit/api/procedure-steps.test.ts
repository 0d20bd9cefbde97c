import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OutputValidationError, procedureSteps } from '../../../src/api/rest/procedure-steps.ts';
import type { RequestContext } from '../../../src/api/trpc/context.ts';
import { initTRPC } from '@trpc/server';
import { authedProcedure } from '../../../src/api/trpc/trpc.ts';
import { AppError } from '../../../src/errors/app-error.ts';
import type { CurrentUser } from '../../../src/users/users-service.ts';

/** Only what these procedures read: the caller and a request id. */
function contextFor(authenticate: () => Promise<CurrentUser>): RequestContext {
  return { services: {} as RequestContext['services'], requestId: 'r', profile: 'dev', authenticate };
}

const alice = { id: 'user-alice' } as CurrentUser;

const greet = authedProcedure
  .input(z.object({ name: z.string().min(1) }))
  .input(z.object({ loud: z.boolean().default(false) }))
  .output(z.object({ text: z.string() }))
  .query(({ ctx, input }) => ({ text: `${input.loud ? 'HI' : 'hi'} ${input.name} from ${ctx.user.id}` }));

describe('procedureSteps: a REST call runs the procedure’s own steps', () => {
  it('authenticates, merges its input schemas, resolves with the caller, and parses the output', async () => {
    const run = procedureSteps('greet', greet);
    await expect(run(contextFor(async () => alice), { name: 'Ravi', loud: true })).resolves.toEqual({ text: 'HI Ravi from user-alice' });
  });

  it('answers input that fails its schema with validation_failed naming the field, before the resolver runs', async () => {
    const run = procedureSteps('greet', greet);
    const error = await run(contextFor(async () => alice), { name: '' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).details).toMatchObject({ fields: { name: expect.any(String) } });
  });

  it('lets an authentication failure through unchanged, and never reaches the resolver', async () => {
    let resolved = false;
    const run = procedureSteps(
      'probe',
      authedProcedure.query(() => {
        resolved = true;
        return 1;
      }),
    );
    const unauthenticated = new AppError('auth_invalid');
    await expect(run(contextFor(async () => Promise.reject(unauthenticated)), undefined)).rejects.toBe(unauthenticated);
    expect(resolved).toBe(false);
  });

  it('reports output that breaks the procedure’s own schema as our bug', async () => {
    const broken = authedProcedure.output(z.object({ count: z.number() })).query(() => ({ count: 'many' }) as unknown as { count: number });
    await expect(procedureSteps('broken', broken)(contextFor(async () => alice), undefined)).rejects.toBeInstanceOf(OutputValidationError);
  });

  it('refuses at startup a procedure whose chain is not exactly authentication, schemas and resolver', () => {
    const extraMiddleware = authedProcedure.use(async ({ next }) => next()).query(() => 1);
    expect(() => procedureSteps('extra', extraMiddleware)).toThrow(/must be an authedProcedure/);
    const unauthenticated = initTRPC.context<RequestContext>().create().procedure.query(() => 1);
    expect(() => procedureSteps('public', unauthenticated)).toThrow(/must be an authedProcedure/);
  });
});
