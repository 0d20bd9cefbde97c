import type { Configuration, Dictionary, LoggingOptions } from '@mikro-orm/core';
import { PgliteConnection, PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlConnection, PostgreSqlDriver, type PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { isRaw, NativeQueryBuilder, raw } from '@mikro-orm/sql';
import { CompiledQuery, type Transaction } from 'kysely';
import { bindParameters } from './bound-parameters.ts';

type Method = 'all' | 'get' | 'run';
type Statement = string | NativeQueryBuilder | ReturnType<typeof raw>;

/**
 * MikroORM's PostgreSQL and PGlite drivers with one change: statements go to
 * the database with their values bound (`bindParameters`), not inlined into
 * the text. Everything else (transactions, logging, errors, result shapes) is
 * the ORM's own.
 */
export class BoundPostgreSqlConnection extends PostgreSqlConnection {
  override execute<T>(
    query: Statement,
    params?: readonly unknown[] | Dictionary,
    method?: Method,
    ctx?: Transaction<never>,
    logging?: LoggingOptions,
  ): Promise<T> {
    return executeBound(this, query, params, method, ctx, logging);
  }
}

export class BoundPgliteConnection extends PgliteConnection {
  override execute<T>(
    query: Statement,
    params?: readonly unknown[] | Dictionary,
    method?: Method,
    ctx?: Transaction<never>,
    logging?: LoggingOptions,
  ): Promise<T> {
    return executeBound(this, query, params, method, ctx, logging);
  }
}

/** The protected members of the ORM's connection that a bound execution needs, as the subclasses see them. */
interface ConnectionInternals {
  ensureConnection(): Promise<void>;
  getClient(): { executeQuery(query: CompiledQuery): Promise<unknown> };
  executeQuery<T>(query: string, run: () => Promise<T>, context?: object): Promise<T>;
  transformRawResult<T>(result: unknown, method?: Method): T;
  getSql(query: string, formatted: string, context?: object): string;
  platform: PostgreSqlPlatform;
  config: Configuration;
}

async function executeBound<T>(
  connection: BoundPostgreSqlConnection | BoundPgliteConnection,
  query: Statement,
  params: readonly unknown[] | Dictionary = [],
  method: Method = 'all',
  ctx: Transaction<never> | undefined,
  logging: LoggingOptions | undefined,
): Promise<T> {
  const self = connection as unknown as ConnectionInternals;
  await self.ensureConnection();
  const { sql, values } = statementOf(query, params);
  const text = self.config.get('onQuery')(sql, values);
  const bound = bindParameters(self.platform, text, values);
  const logged = self.getSql(text, self.platform.formatQuery(text, values), logging);
  return self.executeQuery(
    logged,
    async () =>
      self.transformRawResult<T>(
        await (ctx ?? self.getClient()).executeQuery(CompiledQuery.raw(bound.sql, bound.parameters)),
        method,
      ),
    { query: text, params: values, ...logging },
  );
}

function statementOf(
  query: Statement,
  params: readonly unknown[] | Dictionary,
): { sql: string; values: readonly unknown[] } {
  let statement: Statement = query instanceof NativeQueryBuilder ? query.toRaw() : query;
  if (typeof statement === 'string' && !Array.isArray(params)) statement = raw(statement, params);
  if (isRaw(statement)) return { sql: statement.sql, values: statement.params };
  return { sql: statement as string, values: params as readonly unknown[] };
}

/**
 * The ORM's drivers, each using its bound connection. The ORM builds its own
 * connection in the constructor; it is replaced before anything connects (no
 * read replicas are configured, so it is the only one).
 */
export class BoundPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    Object.assign(this, { connection: new BoundPostgreSqlConnection(this.config) });
  }
}

export class BoundPgliteDriver extends PgliteDriver {
  constructor(config: Configuration) {
    super(config);
    Object.assign(this, { connection: new BoundPgliteConnection(this.config) });
  }
}
