import type { Bindings, ChildLoggerOptions } from 'pino';
import type { Logger } from './logger.ts';

const noop = (): void => undefined;

interface Deferred {
  parent: Logger;
  bindings: Bindings;
  options: ChildLoggerOptions;
  child: Logger | undefined;
}

function childOf(deferred: Deferred): Logger {
  return (deferred.child ??= deferred.parent.child(deferred.bindings, deferred.options));
}

function logWithChild(deferred: Deferred, level: string) {
  return (...args: unknown[]): void => {
    const logger = childOf(deferred);
    (Reflect.get(logger, level) as (...args: unknown[]) => void).apply(logger, args);
  };
}

/** One handler for every deferred logger, so a request that never logs allocates only its proxy. */
const deferring: ProxyHandler<Deferred> = {
  get(deferred, property) {
    if (property === 'child') return (bindings: Bindings, options?: ChildLoggerOptions) => childOf(deferred).child(bindings, options);
    if (deferred.child) return Reflect.get(deferred.child, property);
    if (typeof property === 'string' && Object.hasOwn(deferred.parent.levels.values, property)) {
      return deferred.parent.isLevelEnabled(property) ? logWithChild(deferred, property) : noop;
    }
    if (property === 'isLevelEnabled') return (level: string) => deferred.parent.isLevelEnabled(level);
    if (property === 'level') return deferred.parent.level;
    return Reflect.get(childOf(deferred), property);
  },
  set(deferred, property, value) {
    return Reflect.set(childOf(deferred), property, value);
  },
};

/**
 * A child logger that is only made when it first logs at an enabled level.
 * Fastify asks for a child per request, and pino builds one by serialising
 * and redacting its bindings (the wildcard redaction paths cover every key):
 * 4 µs of every status poll, for a logger that a request writing no line at
 * the configured level (any successful one at `warn`) never uses. Until
 * then, disabled levels answer with a no-op, enabled ones with a function
 * that makes the child, and level questions go to the parent, whose level
 * the child would inherit. (Fastify reads every level method of each
 * request's logger to check that it is one.)
 */
export function deferredChildLogger(parent: Logger, bindings: Bindings, options: ChildLoggerOptions = {}): Logger {
  // A child with its own level or serializers can't be answered for by its parent.
  if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options);
  return new Proxy<Deferred>({ parent, bindings, options, child: undefined }, deferring) as unknown as Logger;
}
