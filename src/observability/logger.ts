import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { activeTraceId } from './tracing.ts';

export type { Logger };

/**
 * Logs never carry credentials, phone numbers, emails or transcript text
 * (privacy rules in the contract). Known sensitive keys are censored by path;
 * errors go through `serializeError` (an allow-list: no SQL, parameters or
 * row details); free text that reaches a log goes through `sanitizeForLog`.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-scryon-api-key"]',
  'req.headers.cookie',
  '*.authorization',
  '*.apiKey',
  '*.token',
  '*.idToken',
  '*.password',
  '*.phoneNumber',
  '*.email',
  '*.text',
  '*.transcript',
  '*.privateKey',
];

export type LogFormat = 'json' | 'pretty';

/** Human lines for a developer at a terminal in dev; JSON, what log collectors read, everywhere else. */
export function logFormatOf(configured: LogFormat | undefined, profile: string, isTTY: boolean): LogFormat {
  return configured ?? (profile === 'dev' && isTTY ? 'pretty' : 'json');
}

/** One line per entry: time, level, message, then the entry's own fields. */
function prettyStream(): pino.DestinationStream {
  return pretty({
    colorize: Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    singleLine: true,
    sync: true,
  });
}

export function createLogger(
  level: string,
  name = 'scryon',
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A line written inside a traced request or activity names its trace, so logs and spans join up.
    mixin: () => {
      const traceId = activeTraceId();
      return traceId ? { traceId } : {};
    },
  };
  const target = destination ?? (format === 'pretty' ? prettyStream() : undefined);
  return target ? pino(options, target) : pino(options);
}

export interface SerializedError {
  name: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 3;
const MAX_MESSAGE_LENGTH = 2_000;
const STACK_FRAME = /^\s*at\s/;
/** MikroORM appends the server's detail and hint to the message ("Failing row contains (…every value…)"). */
const APPENDED_DETAIL = /\n\s*-\s*(?:detail|hint)\s*:[\s\S]*$/i;
/** PostgreSQL's SQLSTATE: an error that carries one came from the database. */
const SQLSTATE = /^[\dA-Z]{5}$/;
/** A database message that ends with the offending input (`invalid input syntax for type uuid: "…"`). */
const TRAILING_INPUT = /: ".*"$/s;

/**
 * The `err` / `error` log serializer. Database errors (pg's DatabaseError,
 * MikroORM's DriverException, PGlite's) carry the statement and its values
 * (`sql`, `params`, `parameters`, `query`, `values`, `detail`, `where`, ...):
 * only the name, the message, the code, the stack frames (the stack's first
 * lines repeat the message) and the cause, treated the same, are kept. The
 * message loses what MikroORM appends from the server's detail and hint, a
 * database message its trailing offending input, and goes through
 * `sanitizeForLog`.
 */
export function serializeError(error: unknown): unknown {
  return serialize(error, 0);
}

function serialize(error: unknown, depth: number): SerializedError | string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== 'object') return sanitizeForLog(String(error)).slice(0, MAX_MESSAGE_LENGTH);
  const source = error as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown; cause?: unknown };
  const name =
    typeof source.name === 'string' && source.name ? source.name : error instanceof Error ? 'Error' : 'Object';
  const fromDatabase = typeof source.code === 'string' && SQLSTATE.test(source.code);
  const serialized: SerializedError = {
    name: sanitizeForLog(name).slice(0, 200),
    message: typeof source.message === 'string' ? errorMessage(source.message, fromDatabase) : '',
  };
  if (typeof source.code === 'number' || (typeof source.code === 'string' && source.code.length <= 100)) {
    serialized.code = typeof source.code === 'string' ? sanitizeForLog(source.code) : source.code;
  }
  if (typeof source.stack === 'string') {
    const frames = source.stack.split('\n').filter((line) => STACK_FRAME.test(line));
    if (frames.length > 0) serialized.stack = [serialized.name, ...frames].join('\n');
  }
  if (source.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    const cause = serialize(source.cause, depth + 1);
    if (cause !== undefined) serialized.cause = typeof cause === 'string' ? { name: 'Error', message: cause } : cause;
  }
  return serialized;
}

function errorMessage(message: string, fromDatabase: boolean): string {
  let text = message.slice(0, MAX_MESSAGE_LENGTH).replace(APPENDED_DETAIL, '');
  if (fromDatabase) text = text.replace(TRAILING_INPUT, ': [input]');
  return sanitizeForLog(text);
}

/**
 * Masks bearer tokens, emails and phone numbers (keeping the last two digits)
 * in free text. Linear in the length of the text: each pass is a hand-written
 * scan (a backtracking regex over a long run of digits or word characters is
 * quadratic), with the same matches as these patterns, leftmost first:
 *   bearer `Bearer\s+[\w.-]+` (case-insensitive),
 *   email  `[\w.+-]+@[\w-]+(\.[\w-]+)+`,
 *   phone  `\+?\d[\d\s().-]{6,}\d`.
 */
export function sanitizeForLog(message: string): string {
  return maskPhones(maskEmails(maskBearers(message)));
}

/**
 * Already linear: after "bearer", `\s+` and `[\w.-]+` are disjoint and
 * nothing follows them, so each whitespace run is tried once.
 */
const BEARER = /Bearer\s+[\w.-]+/gi;

function maskBearers(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]');
}

function isWord(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}
const isDigit = (code: number) => code >= 48 && code <= 57;

/** JavaScript's `\s`. */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

const isLocalPart = (code: number) => isWord(code) || code === 46 /* . */ || code === 43 /* + */ || code === 45; /* - */
const isLabel = (code: number) => isWord(code) || code === 45;

function maskEmails(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > copied && isLocalPart(text.charCodeAt(start - 1))) start -= 1;
    const end = start < at ? emailDomainEnd(text, at + 1) : -1;
    if (end > 0) {
      out += `${text.slice(copied, start)}[email]`;
      copied = end;
    }
    at = text.indexOf('@', Math.max(at + 1, end));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** End of `[\w-]+(\.[\w-]+)+` starting at `from`, or -1. */
function emailDomainEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length && isLabel(text.charCodeAt(index))) index += 1;
  if (index === from) return -1;
  let end = -1;
  while (text.charCodeAt(index) === 46 && isLabel(text.charCodeAt(index + 1))) {
    index += 1;
    while (index < text.length && isLabel(text.charCodeAt(index))) index += 1;
    end = index;
  }
  return end;
}

function isPhoneFiller(code: number): boolean {
  return isDigit(code) || code === 40 || code === 41 || code === 46 || code === 45 || isSpace(code);
}

/**
 * A maximal run of `[\d\s().-]` holds at most one phone match: from its first
 * digit (with a `+` right before it) to its last digit, when at least eight
 * characters apart, as the greedy pattern finds it; later start digits
 * only come closer to the same last digit.
 */
function maskPhones(text: string): string {
  let out = '';
  let copied = 0;
  let index = 0;
  while (index < text.length) {
    if (!isPhoneFiller(text.charCodeAt(index))) {
      index += 1;
      continue;
    }
    const runStart = index;
    let firstDigit = -1;
    let lastDigit = -1;
    while (index < text.length && isPhoneFiller(text.charCodeAt(index))) {
      if (isDigit(text.charCodeAt(index))) {
        if (firstDigit < 0) firstDigit = index;
        lastDigit = index;
      }
      index += 1;
    }
    if (firstDigit >= 0 && lastDigit - firstDigit >= 7) {
      const start =
        firstDigit === runStart && text.charCodeAt(firstDigit - 1) === 43 /* + */ ? firstDigit - 1 : firstDigit;
      let digits = '';
      for (let scan = lastDigit; scan >= firstDigit && digits.length < 2; scan -= 1)
        if (isDigit(text.charCodeAt(scan))) digits = text[scan] + digits;
      out += `${text.slice(copied, start)}[phone …${digits}]`;
      copied = lastDigit + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}
