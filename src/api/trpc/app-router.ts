import { router } from './trpc.ts';
import { getMe } from './users/get-me.ts';
import { updateMe } from './users/update-me.ts';

export const appRouter = router({
  users: router({ me: getMe, updateMe }),
});

/** The type TypeScript clients import for end-to-end types. */
export type AppRouter = typeof appRouter;
