import type { Bindings, ChildLoggerOptions } from 'pino';
import type { Logger } from './logger.ts';

const LEVEL_METHODS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = (): void => undefined;

/**
 * A child logger that is only made when it first logs at an enabled level.
 * Fastify asks for a child per request, and pino builds one by serialising
 * and redacting its bindings (the wildcard redaction paths cover every key):
 * 4 µs of every status poll, for a logger that most requests never use at
 * the default level. Until then, disabled levels answer with a no-op and
 * level questions go to the parent, whose level the child would inherit.
 */
export function deferredChildLogger(parent: Logger, bindings: Bindings, options: ChildLoggerOptions = {}): Logger {
  // A child with its own level or serializers can't be answered for by its parent.
  if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options);
  let child: Logger | undefined;
  const made = (): Logger => (child ??= parent.child(bindings, options));
  return new Proxy(parent, {
    get(target, property) {
      if (child) return Reflect.get(child, property);
      if (typeof property === 'string' && LEVEL_METHODS.has(property) && !target.isLevelEnabled(property)) return noop;
      if (property === 'isLevelEnabled') return (level: string) => target.isLevelEnabled(level);
      if (property === 'level') return target.level;
      if (property === 'child') return (childBindings: Bindings, childOptions?: ChildLoggerOptions) => made().child(childBindings, childOptions);
      return Reflect.get(made(), property);
    },
    set(_target, property, value) {
      return Reflect.set(made(), property, value);
    },
  });
}
