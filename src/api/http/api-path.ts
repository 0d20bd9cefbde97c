/**
 * Whether a request is for the REST surface (`/api` and `/api/**`), which the
 * shared API key gates. The router decodes percent-escapes before matching
 * (`/%61pi/calls` is served by `/api/calls`), so a check of the raw URL is
 * not enough: the routed pattern is checked, and so is a normalised form of
 * the path (escapes decoded, case folded, `\` and repeated `/` collapsed,
 * dot segments resolved, `;` parameters and an absolute-form origin dropped),
 * which also covers requests that reach no route or only a wildcard one.
 */
export function isApiRequest(rawUrl: string, routeUrl: string | undefined): boolean {
  if (routeUrl !== undefined && isApiPattern(routeUrl)) return true;
  return firstSegment(rawUrl) === 'api';
}

function isApiPattern(routeUrl: string): boolean {
  return routeUrl === '/api' || routeUrl.startsWith('/api/');
}

const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;
const ASCII_ESCAPE = /%([0-7][\da-f])/gi;
const MAX_DECODE_ROUNDS = 4;

/** The first path segment a lenient router or proxy could see, lower-cased. */
function firstSegment(rawUrl: string): string {
  let path = rawUrl.replace(ABSOLUTE_FORM, '');
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  // Only ASCII escapes can spell `api`, `/`, `.` or `;`; decode nested ones too (`%2561`).
  for (let round = 0; round < MAX_DECODE_ROUNDS && path.includes('%'); round += 1) {
    const decoded = path.replace(ASCII_ESCAPE, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const raw of path.replace(/\\/g, '/').split('/')) {
    const segment = raw.split(';', 1)[0]!.trim().toLowerCase();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments[0] ?? '';
}
