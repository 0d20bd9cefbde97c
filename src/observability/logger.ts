import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Logs never carry credentials, phone numbers, emails or transcript text
 * (privacy rules in the contract). Known sensitive keys are censored by path;
 * free text that reaches a log goes through `sanitizeForLog` first.
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

export function createLogger(level: string, name = 'scryon', destination?: pino.DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;
const BEARER = /Bearer\s+[\w.-]+/gi;

/** Masks emails, phone numbers (keeping the last two digits) and bearer tokens in free text. */
export function sanitizeForLog(message: string): string {
  return message
    .replace(BEARER, 'Bearer [redacted]')
    .replace(EMAIL, '[email]')
    .replace(PHONE, (match) => `[phone …${match.replace(/\D/g, '').slice(-2)}]`);
}
