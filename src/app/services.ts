import type { Em } from '../db/orm.ts';
import { createUsersService } from '../users/users-service.ts';

export interface ServiceDeps {
  fork: () => Em;
  adminEmails: readonly string[];
}

/** One domain service per concept, shared by REST, tRPC, GraphQL and activities. */
export function createServices(deps: ServiceDeps) {
  return {
    users: createUsersService({ fork: deps.fork, adminEmails: deps.adminEmails }),
  };
}

export type Services = ReturnType<typeof createServices>;
