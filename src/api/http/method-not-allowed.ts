import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

/**
 * The methods each route path answers, learnt from Fastify's route table as
 * routes are added, so a known path asked with another method is 405 with
 * `Allow` instead of 404, on every route without each declaring it.
 */
export interface RouteMethods {
  /** The methods `path` answers; empty when no route has that path. */
  allowedFor(path: string): string[];
}

interface KnownPath {
  pattern: RegExp;
  /** Static segments: `/api/calls/analyze` names its resource more closely than `/api/calls/:callId`. */
  specificity: number;
  methods: Set<string>;
}

/** Registers the onRoute hook: call before any route is added. */
export function trackRouteMethods(app: FastifyInstance): RouteMethods {
  const paths = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    // A catch-all (CORS preflights, a surface's wildcard) would make every path look known.
    if (/^\/?\*$/.test(route.url)) return;
    const known = paths.get(route.url) ?? { ...patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) if (method !== 'OPTIONS') known.methods.add(method);
    paths.set(route.url, known);
  });
  return {
    allowedFor(path) {
      const matching = [...paths.values()].filter((known) => known.pattern.test(path));
      // The path's own resource: a parametric route it also fits is another resource that happens to match.
      const closest = Math.max(...matching.map((known) => known.specificity));
      const closestMatches = matching.filter((known) => known.specificity === closest);
      const methods = new Set(closestMatches.flatMap((known) => [...known.methods]));
      if (methods.has('GET')) methods.add('HEAD');
      return [...methods].sort();
    },
  };
}

/** A Fastify route path as a regular expression: `:param` is one segment, `*` the rest. */
function patternOf(url: string): { pattern: RegExp; specificity: number } {
  const segments = url.split('/');
  const isStatic = (segment: string) => segment !== '*' && !segment.includes(':');
  const source = segments
    // `:id`, `:a-:b`, `:id(regex)`: any text of one segment.
    .map((segment) => (segment === '*' ? '.*' : isStatic(segment) ? escapeRegExp(segment) : '[^/]+'))
    .join('/');
  return { pattern: new RegExp(`^${source}$`), specificity: segments.filter(isStatic).length };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function methodNotAllowed(method: string, allowed: string[]): AppError {
  const list = allowed.join(', ');
  const message = `${method} is not allowed on this path; it answers ${list}`;
  return new AppError('method_not_allowed', message, { allow: allowed });
}
