import { Resolver } from 'node:dns';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PRICES, type PriceTable } from './price-table.ts';
import { resolveAudioTool } from '../audio/audio-tools.ts';
import { decideProviderModes, ProviderConfigError } from './provider-modes.ts';

/**
 * The only reader of `process.env`. Every variable named in the contract is
 * parsed once, at start, by one schema; a bad value stops the process with a
 * message that names the variable.
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const text = z.string().trim();
const optionalText = text.optional().transform((value) => (value === '' ? undefined : value));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : ['true', '1', 'yes'].includes(value)));
/** A secret long enough not to be guessed. */
const secretText = optionalText.refine(
  (value) => value === undefined || value.length >= 32,
  'must be at least 32 characters',
);
const int = (min = 0) => z.coerce.number().int().min(min);
const num = () => z.coerce.number();

const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `MAX_FILE_SIZE` accepts plain bytes or a unit (`50MB`), as the original did. */
const byteSize = text.transform((value, ctx) => {
  const match = /^(\d+)\s*(B|KB|MB|GB)?$/i.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'expected bytes or a size like 50MB' });
    return z.NEVER;
  }
  return Number(match[1]) * (BYTE_UNITS[(match[2] ?? 'B').toUpperCase()] ?? 1);
});

const envSchema = z.object({
  PORT: int(0).max(65535).default(8080),
  /** Absent: 127.0.0.1 in `dev` (its local-dev user must not be reachable from the network), 0.0.0.0 otherwise. */
  HOST: optionalText,
  SCRYON_PROFILE: z.enum(['dev', 'staging', 'prod']).default('dev'),
  SCRYON_DATA_DIR: text.default('./var'),
  SCRYON_PUBLIC_BASE_URL: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Absent: human lines in dev at a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Absent: no metrics listener. 0 picks a free port (tests). */
  SCRYON_METRICS_PORT: int(0).max(65535).optional(),
  SCRYON_METRICS_HOST: text.default('127.0.0.1'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText,
  OTEL_TRACES_SAMPLER_ARG: num().min(0).max(1).default(0.1),
  OTEL_SERVICE_NAME: text.default('scryon'),
  /** A typo in the scheme (`postgress://`) must not fall through to some other database. */
  DATABASE_URL: optionalText.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\/[^/]/.test(value),
    'must be a URL like postgresql://user@host:5432/scryon (scheme postgres:// or postgresql://)',
  ),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: text.default('default'),
  TEMPORAL_TASK_QUEUE: text.default('scryon-pipeline'),
  TEMPORAL_CLI_PATH: optionalText,
  TEMPORAL_UI_PORT: int(0).max(65535).default(8233),
  OBJECT_STORAGE_PROVIDER: z.enum(['gcs', 'local']).optional(),
  GCS_BUCKET: optionalText,
  GCS_API_ENDPOINT: optionalText,
  GOOGLE_CLOUD_PROJECT: optionalText,
  OBJECT_STORAGE_LOCAL_PATH: optionalText,
  OBJECT_STORAGE_TEMP_AUDIO_TTL_HOURS: num().positive().default(24),
  FIREBASE_PROJECT_ID: optionalText,
  FIREBASE_AUTH_EMULATOR_HOST: optionalText,
  FIREBASE_CLIENT_EMAIL: optionalText,
  FIREBASE_PRIVATE_KEY: optionalText,
  SCRYON_API_KEY: optionalText,
  SCRYON_CORS_ALLOWED_ORIGINS: optionalText,
  SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS: num().positive().default(300),
  SCRYON_HTTP_IDLE_TIMEOUT_SECONDS: num().positive().default(30),
  SCRYON_HTTP_MAX_CONNECTIONS: int(1).default(1000),
  /** Absent: a tenth of SCRYON_HTTP_MAX_CONNECTIONS (at least 1). An IPv6 client's whole /64 is one address here. */
  SCRYON_HTTP_MAX_CONNECTIONS_PER_ADDRESS: int(1).optional(),
  /** The request line and headers must arrive within this (capped by the request timeout). */
  SCRYON_HTTP_HEADERS_TIMEOUT_SECONDS: num().positive().default(10),
  /**
   * Only the machine's own proxy by default: anything on a private network could otherwise claim any client address.
   */
  SCRYON_TRUST_PROXY: text.default('loopback'),
  SCRYON_RATE_LIMIT_IP_PER_MINUTE: int(1).default(1200),
  SCRYON_RATE_LIMIT_USER_PER_MINUTE: int(1).default(600),
  SCRYON_RATE_LIMIT_REDIS_URL: optionalText,
  SCRYON_ACCOUNT_RECHECK_SECONDS: num().min(0).default(60),
  SCRYON_ADMIN_ALLOWED_EMAILS: optionalText,
  /**
   * Seals list and search cursors and sync tokens. Absent outside prod: a random one kept in the data
   * directory (one per process when that cannot be written).
   */
  SCRYON_TOKEN_SECRET: secretText,
  LEMONFOX_API_KEY: optionalText,
  LEMONFOX_BASE_URL: optionalText,
  LEMONFOX_MODEL: text.default('whisper-1'),
  LEMONFOX_LANGUAGE: optionalText,
  LEMONFOX_TIMEOUT_SECONDS: num().positive().default(180),
  PYANNOTE_ENABLED: bool,
  PYANNOTE_API_KEY: optionalText,
  PYANNOTE_BASE_URL: optionalText,
  PYANNOTE_MODEL: text.default('precision-2'),
  /**
   * Where providers reach this deployment's API from outside (pyannoteAI's job webhook), with
   * PYANNOTE_WEBHOOK_SECRET: both set, jobs end by callback instead of polling.
   */
  SCRYON_PROVIDER_CALLBACK_BASE_URL: optionalText,
  /** The team's webhook secret from pyannoteAI's dashboard; its format is theirs, so no length rule. */
  PYANNOTE_WEBHOOK_SECRET: optionalText,
  /** pyannoteAI's documented limit per API key (sliding minute). */
  PYANNOTE_REQUESTS_PER_MINUTE: int(1).default(100),
  /** Lemonfox publishes no limit: a conservative one, well above what one machine's pipeline sends. */
  LEMONFOX_REQUESTS_PER_MINUTE: int(1).default(60),
  /** Absent: no local cap, OpenAI's `x-ratelimit-*` headers say when to slow down. */
  OPENAI_REQUESTS_PER_MINUTE: int(1).optional(),
  /** Shares the provider budgets between worker processes; absent: SCRYON_RATE_LIMIT_REDIS_URL, else per process. */
  SCRYON_PROVIDER_LIMITS_REDIS_URL: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText,
  OPENAI_MODEL: optionalText,
  LLM_API_KEY: optionalText,
  LLM_BASE_URL: optionalText,
  LLM_MODEL: optionalText,
  LLM_TIMEOUT_SECONDS: num().positive().default(120),
  LLM_TEMPERATURE: num().min(0).max(2).default(0.2),
  SCRYON_SANDBOX_PROVIDERS: bool,
  MAX_FILE_SIZE: byteSize.default(50 * 1024 ** 2),
  SCRYON_VOICE_EMBEDDING_ENABLED: bool,
  SCRYON_VOICE_CONSENT_VERSION: text.default('v1'),
  SCRYON_VOICE_SAMPLE_MIN_SECONDS: num().positive().default(15),
  SCRYON_VOICE_SAMPLE_MAX_SECONDS: num().positive().default(45),
  SCRYON_VOICE_SAMPLE_MAX_SIZE_MB: num().positive().default(10),
  SCRYON_VOICE_EMBEDDING_HIGH_THRESHOLD: num().min(0).max(1).default(0.85),
  SCRYON_VOICE_EMBEDDING_MEDIUM_THRESHOLD: num().min(0).max(1).default(0.75),
  SCRYON_AUDIO_PREPROCESSING_ENABLED: bool,
  /** Absent: the system's ffmpeg/ffprobe on PATH, else the static builds the npm packages ship. */
  SCRYON_FFMPEG_PATH: optionalText,
  SCRYON_FFPROBE_PATH: optionalText,
  SCRYON_AUDIO_CONCURRENCY: int(1).optional(),
  SCRYON_AUDIO_HIGHPASS_HZ: num().positive().default(80),
  SCRYON_AUDIO_DENOISE_ENABLED: bool,
  SCRYON_AUDIO_DENOISE_NR_DB: num().default(12),
  SCRYON_AUDIO_DENOISE_NOISE_FLOOR_DB: num().default(-25),
  SCRYON_AUDIO_PREPROCESSING_TIMEOUT_SECONDS: num().positive().default(60),
  SCRYON_DIARIZATION_POLL_INTERVAL_SECONDS: num().positive().default(2),
  /** The poll interval doubles as a job runs long, up to this. */
  SCRYON_DIARIZATION_POLL_MAX_INTERVAL_SECONDS: num().positive().default(30),
  SCRYON_DIARIZATION_TIMEOUT_SECONDS: num().positive().default(300),
  SCRYON_DIARIZATION_MAX_RETRIES: int(0).default(2),
  SCRYON_DIARIZATION_MAX_AUDIO_MINUTES: num().positive().default(30),
  SCRYON_DIARIZATION_HINT_TWO_SPEAKERS: bool,
  SCRYON_STALE_JOB_TIMEOUT_MINUTES: num().positive().default(15),
  /** Webhook targets on private, loopback or link-local addresses: refused unless set, and only honoured in `dev`. */
  SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: bool,
  SCRYON_WEBHOOK_TIMEOUT_SECONDS: num().positive().max(60).default(10),
  /** Nameservers webhook hosts are resolved with (`ip` or `ip:port`, comma-separated). Absent: the system's. */
  SCRYON_WEBHOOK_DNS_SERVERS: optionalText,
  /** The first retry's delay; each further one doubles, capped at an hour, with jitter. */
  SCRYON_WEBHOOK_RETRY_BASE_SECONDS: num().positive().default(5),
  SCRYON_WEBHOOK_RETRY_WINDOW_HOURS: num().positive().max(72).default(24),
  SCRYON_WEBHOOK_MAX_ENDPOINTS_PER_USER: int(1).max(10_000).default(20),
  /** Delivery attempts one worker runs at once, on their own queue beside the pipeline's. */
  SCRYON_WEBHOOK_CONCURRENCY: int(1).max(10_000).default(100),
  /** Workflow starts of one user's deliveries in one dispatcher pass (a pass takes at most 200 in all). */
  SCRYON_WEBHOOK_DISPATCH_PER_USER: int(1).max(200).default(20),
  /** Test events and replays one user may ask for per minute, on every surface together. */
  SCRYON_WEBHOOK_MANUAL_SENDS_PER_MINUTE: int(1).default(30),
  // Provider prices in US dollars (see src/config/price-table.ts for the defaults' sources).
  SCRYON_PRICE_TRANSCRIPTION_PER_AUDIO_HOUR_USD: num().nonnegative().default(DEFAULT_PRICES.transcriptionPerAudioHour),
  SCRYON_PRICE_DIARIZATION_PER_AUDIO_HOUR_USD: num().nonnegative().default(DEFAULT_PRICES.diarizationPerAudioHour),
  SCRYON_PRICE_LLM_INPUT_PER_MILLION_TOKENS_USD: num().nonnegative().default(DEFAULT_PRICES.llmInputPerMillionTokens),
  SCRYON_PRICE_LLM_OUTPUT_PER_MILLION_TOKENS_USD: num().nonnegative().default(DEFAULT_PRICES.llmOutputPerMillionTokens),
  SCRYON_WORKER_MAX_CONCURRENT_ACTIVITIES: int(1).default(20),
});

type Env = z.infer<typeof envSchema>;
export type Profile = Env['SCRYON_PROFILE'];

function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * `SCRYON_CORS_ALLOWED_ORIGINS`: comma-separated exact origins
 * (`https://app.example.com`, a trailing slash is tolerated). A path, a
 * wildcard or `null` is refused: the list is an allow-list, not a pattern.
 */
function parseOrigins(value: string | undefined): string[] {
  return splitList(value).map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.username ||
      url.password ||
      url.pathname !== '/' ||
      url.search ||
      url.hash ||
      /[*]/.test(entry)
    ) {
      throw new ConfigError(
        `Invalid configuration: SCRYON_CORS_ALLOWED_ORIGINS: "${entry}" is not an origin like https://app.example.com`,
      );
    }
    return url.origin;
  });
}

function parseTrustProxy(value: string): boolean | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Checked as the resolver will read them, so a bad entry stops the start rather than every delivery. */
function parseDnsServers(value: string | undefined): string[] {
  const servers = splitList(value);
  try {
    new Resolver().setServers(servers);
  } catch {
    throw new ConfigError(`Invalid configuration: SCRYON_WEBHOOK_DNS_SERVERS: "${value}" is not a list of ip, ip:port`);
  }
  return servers;
}

/**
 * The route pyannoteAI's webhook is
 * answered on
 * (src/api/callbacks/pyannote-webhook-route.ts),
 * below the callback base URL.
 */
export const PYANNOTE_WEBHOOK_PATH = '/webhooks/pyannote';

/**
 * The pair must be set together: a URL without the secret would ask pyannoteAI for callbacks nobody can
 * verify, a secret without the URL looks configured and never is. The callback carries the job's output
 * (voiceprints among them), so outside `dev` it must arrive over https.
 */
function pyannoteWebhookOf(e: Env): { url: string; secret: string } | undefined {
  const base = e.SCRYON_PROVIDER_CALLBACK_BASE_URL;
  const secret = e.PYANNOTE_WEBHOOK_SECRET;
  if (!base && !secret) return undefined;
  if (!secret)
    throw new ConfigError(
      'PYANNOTE_WEBHOOK_SECRET is required when SCRYON_PROVIDER_CALLBACK_BASE_URL is set (pyannoteAI signs its job ' +
        'webhook with it)',
    );
  if (!base)
    throw new ConfigError(
      'SCRYON_PROVIDER_CALLBACK_BASE_URL is required when PYANNOTE_WEBHOOK_SECRET is set (where pyannoteAI sends ' +
        'its job webhook)',
    );
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  const schemeAllowed = url?.protocol === 'https:' || (url?.protocol === 'http:' && e.SCRYON_PROFILE === 'dev');
  if (!url || !schemeAllowed || url.username || url.password || url.search || url.hash) {
    const scheme = e.SCRYON_PROFILE === 'dev' ? 'http(s)' : 'https';
    throw new ConfigError(
      `Invalid configuration: SCRYON_PROVIDER_CALLBACK_BASE_URL: "${base}" is not a ${scheme} URL like ` +
        `https://scryon.example.com (no credentials, query or fragment)`,
    );
  }
  return { url: `${url.href.replace(/\/+$/, '')}${PYANNOTE_WEBHOOK_PATH}`, secret };
}

const secondsToMs = (value: number) => Math.max(1, Math.round(value * 1000));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Tests pass an env of Scryon's own variables; tools are still found on the process's PATH.
  const config = buildConfig(parseEnv(env), env.PATH ?? process.env.PATH);
  assertDeployable(config);
  return config;
}

function buildConfig(e: Env, searchPath: string | undefined) {
  const dataDir = path.resolve(e.SCRYON_DATA_DIR);
  const firebaseConfigured = e.FIREBASE_PROJECT_ID !== undefined;
  const modes = providerModesOf(e);
  // Checked whether or not diarization is on, so a half-set pair never waits for the day it is.
  const pyannoteWebhook = pyannoteWebhookOf(e);
  const storageProvider = e.OBJECT_STORAGE_PROVIDER ?? (e.GCS_BUCKET ? 'gcs' : 'local');

  return {
    profile: e.SCRYON_PROFILE,
    version: SCRYON_VERSION,
    http: {
      port: e.PORT,
      host: e.HOST ?? (e.SCRYON_PROFILE === 'dev' ? '127.0.0.1' : '0.0.0.0'),
      publicBaseUrl: e.SCRYON_PUBLIC_BASE_URL,
      /** Empty: no CORS headers at all, on every surface. */
      corsAllowedOrigins: parseOrigins(e.SCRYON_CORS_ALLOWED_ORIGINS),
      /** Whole request (headers and body) must arrive within this. */
      requestTimeoutMs: secondsToMs(e.SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS),
      /** A connection without a byte in either direction for this long is closed (and idle keep-alive ones). */
      idleTimeoutMs: secondsToMs(e.SCRYON_HTTP_IDLE_TIMEOUT_SECONDS),
      maxConnections: e.SCRYON_HTTP_MAX_CONNECTIONS,
      /** Connections one client address may hold open; a trusted proxy is not held to it. */
      maxConnectionsPerAddress:
        e.SCRYON_HTTP_MAX_CONNECTIONS_PER_ADDRESS ?? Math.max(1, Math.floor(e.SCRYON_HTTP_MAX_CONNECTIONS / 10)),
      headersTimeoutMs: secondsToMs(e.SCRYON_HTTP_HEADERS_TIMEOUT_SECONDS),
      /**
       * Proxies whose X-Forwarded-For is believed (proxy-addr names or
       * CIDRs, or `true`): the client address rate limits count by.
       */
      trustProxy: parseTrustProxy(e.SCRYON_TRUST_PROXY),
      rateLimits: {
        perIpPerMinute: e.SCRYON_RATE_LIMIT_IP_PER_MINUTE,
        perUserPerMinute: e.SCRYON_RATE_LIMIT_USER_PER_MINUTE,
        webhookSendsPerMinute: e.SCRYON_WEBHOOK_MANUAL_SENDS_PER_MINUTE,
        redisUrl: e.SCRYON_RATE_LIMIT_REDIS_URL,
      },
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    observability: {
      metrics:
        e.SCRYON_METRICS_PORT === undefined ? undefined : { port: e.SCRYON_METRICS_PORT, host: e.SCRYON_METRICS_HOST },
      tracing: {
        endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
        sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
        serviceName: e.OTEL_SERVICE_NAME,
      },
    },
    dataDir,
    /** Absent: the one in the data directory (see token-secret.ts). */
    tokens: { secret: e.SCRYON_TOKEN_SECRET },
    database: { url: e.DATABASE_URL, pgliteDir: path.join(dataDir, 'pglite') },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      uiPort: e.TEMPORAL_UI_PORT,
      embeddedDbFile: path.join(dataDir, 'temporal.db'),
    },
    storage: {
      provider: storageProvider,
      bucket: e.GCS_BUCKET,
      apiEndpoint: e.GCS_API_ENDPOINT,
      projectId: e.GOOGLE_CLOUD_PROJECT,
      localPath: path.resolve(e.OBJECT_STORAGE_LOCAL_PATH ?? path.join(dataDir, 'storage')),
      tempAudioTtlHours: e.OBJECT_STORAGE_TEMP_AUDIO_TTL_HOURS,
    },
    auth: {
      firebase: firebaseConfigured
        ? {
            projectId: e.FIREBASE_PROJECT_ID as string,
            emulatorHost: e.FIREBASE_AUTH_EMULATOR_HOST,
            clientEmail: e.FIREBASE_CLIENT_EMAIL,
            privateKey: e.FIREBASE_PRIVATE_KEY?.replace(/\\n/g, '\n'),
          }
        : undefined,
      // Anyone may claim any user with X-Local-User-Id: laptops only.
      localDevUser: !firebaseConfigured && e.SCRYON_PROFILE === 'dev',
      /** How long a verified caller's account row (its status included) is trusted before it is read again. */
      accountRecheckMs: e.SCRYON_ACCOUNT_RECHECK_SECONDS * 1000,
      apiKey: e.SCRYON_API_KEY,
      adminEmails: splitList(e.SCRYON_ADMIN_ALLOWED_EMAILS).map((email) => email.toLowerCase()),
    },
    uploads: { maxFileSizeBytes: e.MAX_FILE_SIZE },
    providers: {
      /** Requests per minute per API key, honoured by every worker together when Redis is set. */
      limits: {
        redisUrl: e.SCRYON_PROVIDER_LIMITS_REDIS_URL ?? e.SCRYON_RATE_LIMIT_REDIS_URL,
        lemonfox: e.LEMONFOX_REQUESTS_PER_MINUTE,
        pyannote: e.PYANNOTE_REQUESTS_PER_MINUTE,
        openai: e.OPENAI_REQUESTS_PER_MINUTE,
      },
      /** Real or sandbox, each provider on its own key (provider-modes.ts). */
      modes,
      /** Any provider in the sandbox. */
      sandbox: Object.values(modes).includes('sandbox'),
      lemonfox: {
        apiKey: e.LEMONFOX_API_KEY,
        baseUrl: e.LEMONFOX_BASE_URL ?? 'https://api.lemonfox.ai/v1',
        model: e.LEMONFOX_MODEL,
        language: e.LEMONFOX_LANGUAGE,
        timeoutMs: e.LEMONFOX_TIMEOUT_SECONDS * 1000,
      },
      pyannote: {
        enabled: modes.diarization !== 'off',
        apiKey: e.PYANNOTE_API_KEY,
        baseUrl: e.PYANNOTE_BASE_URL ?? 'https://api.pyannote.ai',
        model: e.PYANNOTE_MODEL,
        pollIntervalMs: e.SCRYON_DIARIZATION_POLL_INTERVAL_SECONDS * 1000,
        maxPollIntervalMs: e.SCRYON_DIARIZATION_POLL_MAX_INTERVAL_SECONDS * 1000,
        timeoutMs: e.SCRYON_DIARIZATION_TIMEOUT_SECONDS * 1000,
        maxRetries: e.SCRYON_DIARIZATION_MAX_RETRIES,
        maxAudioMinutes: e.SCRYON_DIARIZATION_MAX_AUDIO_MINUTES,
        hintTwoSpeakers: e.SCRYON_DIARIZATION_HINT_TWO_SPEAKERS ?? true,
        /** Absent: jobs are polled. Present: pyannoteAI calls `url` when a job ends, signed with `secret`. */
        webhook: modes.diarization === 'off' ? undefined : pyannoteWebhook,
      },
      // The original named these LLM_*; both spellings are accepted, OPENAI_* wins.
      openai: {
        apiKey: e.OPENAI_API_KEY ?? e.LLM_API_KEY,
        /** The variable the key came from, for the start-up line. */
        keyName: analysisKeyName(e),
        baseUrl: e.OPENAI_BASE_URL ?? e.LLM_BASE_URL ?? 'https://api.openai.com/v1',
        model: e.OPENAI_MODEL ?? e.LLM_MODEL ?? 'gpt-4o-mini',
        timeoutMs: e.LLM_TIMEOUT_SECONDS * 1000,
        temperature: e.LLM_TEMPERATURE,
      },
    },
    voice: {
      enabled: e.SCRYON_VOICE_EMBEDDING_ENABLED ?? false,
      consentVersion: e.SCRYON_VOICE_CONSENT_VERSION,
      minSeconds: e.SCRYON_VOICE_SAMPLE_MIN_SECONDS,
      maxSeconds: e.SCRYON_VOICE_SAMPLE_MAX_SECONDS,
      maxSizeBytes: Math.round(e.SCRYON_VOICE_SAMPLE_MAX_SIZE_MB * 1024 ** 2),
      highThreshold: e.SCRYON_VOICE_EMBEDDING_HIGH_THRESHOLD,
      mediumThreshold: e.SCRYON_VOICE_EMBEDDING_MEDIUM_THRESHOLD,
    },
    audio: {
      preprocessingEnabled: e.SCRYON_AUDIO_PREPROCESSING_ENABLED ?? true,
      ffmpegPath: resolveAudioTool('ffmpeg', e.SCRYON_FFMPEG_PATH, searchPath),
      ffprobePath: resolveAudioTool('ffprobe', e.SCRYON_FFPROBE_PATH, searchPath),
      /** ffmpeg/ffprobe jobs at once per process; absent: one per core. */
      toolConcurrency: e.SCRYON_AUDIO_CONCURRENCY,
      highpassHz: e.SCRYON_AUDIO_HIGHPASS_HZ,
      denoiseEnabled: e.SCRYON_AUDIO_DENOISE_ENABLED ?? true,
      denoiseNrDb: e.SCRYON_AUDIO_DENOISE_NR_DB,
      denoiseNoiseFloorDb: e.SCRYON_AUDIO_DENOISE_NOISE_FLOOR_DB,
      timeoutMs: e.SCRYON_AUDIO_PREPROCESSING_TIMEOUT_SECONDS * 1000,
    },
    pipeline: {
      staleJobTimeoutMinutes: e.SCRYON_STALE_JOB_TIMEOUT_MINUTES,
      maxConcurrentActivities: e.SCRYON_WORKER_MAX_CONCURRENT_ACTIVITIES,
    },
    webhooks: {
      allowPrivateTargets: e.SCRYON_PROFILE === 'dev' && (e.SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS ?? false),
      timeoutMs: secondsToMs(e.SCRYON_WEBHOOK_TIMEOUT_SECONDS),
      dnsServers: parseDnsServers(e.SCRYON_WEBHOOK_DNS_SERVERS),
      retryBaseMs: secondsToMs(e.SCRYON_WEBHOOK_RETRY_BASE_SECONDS),
      retryWindowMs: Math.round(e.SCRYON_WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000),
      maxEndpointsPerUser: e.SCRYON_WEBHOOK_MAX_ENDPOINTS_PER_USER,
      concurrency: e.SCRYON_WEBHOOK_CONCURRENCY,
      dispatchPerUser: e.SCRYON_WEBHOOK_DISPATCH_PER_USER,
    },
    prices: {
      transcriptionPerAudioHour: e.SCRYON_PRICE_TRANSCRIPTION_PER_AUDIO_HOUR_USD,
      diarizationPerAudioHour: e.SCRYON_PRICE_DIARIZATION_PER_AUDIO_HOUR_USD,
      llmInputPerMillionTokens: e.SCRYON_PRICE_LLM_INPUT_PER_MILLION_TOKENS_USD,
      llmOutputPerMillionTokens: e.SCRYON_PRICE_LLM_OUTPUT_PER_MILLION_TOKENS_USD,
    } satisfies PriceTable,
  };
}

export type Config = ReturnType<typeof buildConfig>;

export const SCRYON_VERSION = '0.1.0';

/** A provider configuration that cannot be what the user meant stops the start, naming the variable. */
function providerModesOf(e: Env) {
  try {
    return decideProviderModes({
      profile: e.SCRYON_PROFILE,
      forceSandbox: e.SCRYON_SANDBOX_PROVIDERS,
      pyannoteEnabled: e.PYANNOTE_ENABLED,
      lemonfox: { key: e.LEMONFOX_API_KEY, baseUrl: e.LEMONFOX_BASE_URL },
      pyannote: { key: e.PYANNOTE_API_KEY, baseUrl: e.PYANNOTE_BASE_URL },
      openai: {
        key: e.OPENAI_API_KEY ?? e.LLM_API_KEY,
        baseUrl: e.OPENAI_BASE_URL ?? e.LLM_BASE_URL,
        keyName: analysisKeyName(e),
        baseUrlName: e.OPENAI_BASE_URL || !e.LLM_BASE_URL ? 'OPENAI_BASE_URL' : 'LLM_BASE_URL',
      },
    });
  } catch (error) {
    if (error instanceof ProviderConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

function analysisKeyName(e: Env): string {
  return e.OPENAI_API_KEY || !e.LLM_API_KEY ? 'OPENAI_API_KEY' : 'LLM_API_KEY';
}

function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

/** Combinations that parse but must never run. */
function assertDeployable(config: Config): void {
  if (config.storage.provider === 'gcs' && !config.storage.bucket) {
    throw new ConfigError('GCS_BUCKET is required when OBJECT_STORAGE_PROVIDER=gcs');
  }
  if (config.profile === 'dev') return;
  // The local-dev user is for laptops only: any deployed profile verifies Firebase tokens.
  if (!config.auth.firebase)
    throw new ConfigError(`FIREBASE_PROJECT_ID is required when SCRYON_PROFILE=${config.profile}`);
  if (config.profile !== 'prod') return;
  // Every embedded part and the emulator are for laptops and CI only.
  if (config.auth.firebase.emulatorHost)
    throw new ConfigError('FIREBASE_AUTH_EMULATOR_HOST must not be set when SCRYON_PROFILE=prod');
  // Without Admin credentials a revoked, disabled or deleted Firebase user's token keeps working until it expires.
  if (!config.auth.firebase.clientEmail || !config.auth.firebase.privateKey) {
    throw new ConfigError(
      'FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY are required when SCRYON_PROFILE=prod (token revocation checks)',
    );
  }
  if (!config.database.url) throw new ConfigError('DATABASE_URL is required when SCRYON_PROFILE=prod');
  // Every instance must open every other's cursors, and a restart must not end every client's sync.
  if (!config.tokens.secret) throw new ConfigError('SCRYON_TOKEN_SECRET is required when SCRYON_PROFILE=prod');
  if (!config.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS is required when SCRYON_PROFILE=prod');
  // Sandbox providers and missing provider keys are refused by providerModesOf, naming the variable.
}
