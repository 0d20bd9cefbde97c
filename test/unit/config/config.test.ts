import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

const prodEnv = {
  SCRYON_PROFILE: 'prod',
  FIREBASE_PROJECT_ID: 'scryon-prod',
  DATABASE_URL: 'postgresql://db/scryon',
  TEMPORAL_ADDRESS: 'temporal:7233',
  LEMONFOX_API_KEY: 'lf',
  OPENAI_API_KEY: 'oa',
  GCS_BUCKET: 'scryon-artifacts',
  FIREBASE_CLIENT_EMAIL: 'scryon@scryon-prod.iam.gserviceaccount.com',
  FIREBASE_PRIVATE_KEY: 'not parsed by configuration',
  SCRYON_TOKEN_SECRET: 'a-prod-token-secret-of-at-least-32-chars',
};

describe('configuration', () => {
  it('defaults to the embedded dev stack', () => {
    const config = loadConfig({});
    expect(config.profile).toBe('dev');
    expect(config.http.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'scryon-pipeline' });
    expect(config.storage.provider).toBe('local');
    expect(config.auth.localDevUser).toBe(true);
    expect(config.providers.sandbox).toBe(true);
    expect(config.uploads.maxFileSizeBytes).toBe(50 * 1024 * 1024);
    expect(config.voice.enabled).toBe(false);
  });

  it.each([
    ['52428800', 52428800],
    ['50MB', 50 * 1024 * 1024],
    ['10kb', 10 * 1024],
  ])('reads MAX_FILE_SIZE=%s as %d bytes', (value, bytes) => {
    expect(loadConfig({ MAX_FILE_SIZE: value }).uploads.maxFileSizeBytes).toBe(bytes);
  });

  it.each([
    ['PORT', 'eighty'],
    ['SCRYON_PROFILE', 'production'],
    ['MAX_FILE_SIZE', 'huge'],
    ['OBJECT_STORAGE_PROVIDER', 's3'],
    ['PYANNOTE_ENABLED', 'maybe'],
    ['SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS', '0'],
    ['SCRYON_HTTP_IDLE_TIMEOUT_SECONDS', 'soon'],
    ['SCRYON_HTTP_MAX_CONNECTIONS', '0'],
    ['SCRYON_CORS_ALLOWED_ORIGINS', 'https://app.example.com/path'],
    ['SCRYON_CORS_ALLOWED_ORIGINS', '*'],
    ['SCRYON_CORS_ALLOWED_ORIGINS', 'app.example.com'],
    ['SCRYON_TOKEN_SECRET', 'too short to be a secret'],
  ])('refuses a bad %s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('maps the original LLM_* names to the OpenAI settings, OPENAI_* winning', () => {
    expect(loadConfig({ LLM_API_KEY: 'a', LLM_MODEL: 'm1' }).providers.openai).toMatchObject({
      apiKey: 'a',
      model: 'm1',
    });
    expect(loadConfig({ LLM_MODEL: 'm1', OPENAI_MODEL: 'm2' }).providers.openai.model).toBe('m2');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(prodEnv);
    expect(config.auth.localDevUser).toBe(false);
    expect(config.providers.sandbox).toBe(false);
    expect(config.storage.provider).toBe('gcs');
  });

  it.each([
    'FIREBASE_PROJECT_ID',
    'FIREBASE_CLIENT_EMAIL',
    'FIREBASE_PRIVATE_KEY',
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'SCRYON_TOKEN_SECRET',
  ])('refuses prod without %s', (name) => {
    const env: Record<string, string> = { ...prodEnv };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });

  it('refuses sandbox providers in prod', () => {
    expect(() => loadConfig({ ...prodEnv, SCRYON_SANDBOX_PROVIDERS: 'true' })).toThrow(/SCRYON_SANDBOX_PROVIDERS/);
  });

  it('binds loopback in dev unless HOST says otherwise, every interface elsewhere', () => {
    expect(loadConfig({}).http.host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ SCRYON_PROFILE: 'staging', FIREBASE_PROJECT_ID: 'scryon-staging' }).http.host).toBe('0.0.0.0');
    expect(loadConfig(prodEnv).http.host).toBe('0.0.0.0');
  });

  it('lets webhooks reach private targets in dev only, and only when asked', () => {
    expect(loadConfig({}).webhooks.allowPrivateTargets).toBe(false);
    expect(loadConfig({ SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(true);
    expect(
      loadConfig({
        SCRYON_PROFILE: 'staging',
        FIREBASE_PROJECT_ID: 'scryon-staging',
        SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      }).webhooks.allowPrivateTargets,
    ).toBe(false);
    expect(loadConfig({ ...prodEnv, SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(
      false,
    );
    expect(loadConfig({}).webhooks).toMatchObject({ timeoutMs: 10_000, retryBaseMs: 5_000, retryWindowMs: 86_400_000 });
  });

  it('has the local-dev user in dev only', () => {
    expect(loadConfig({ SCRYON_PROFILE: 'dev' }).auth.localDevUser).toBe(true);
    expect(loadConfig({ SCRYON_PROFILE: 'dev', FIREBASE_PROJECT_ID: 'demo-scryon' }).auth.localDevUser).toBe(false);
    expect(loadConfig({ SCRYON_PROFILE: 'staging', FIREBASE_PROJECT_ID: 'scryon-staging' }).auth.localDevUser).toBe(
      false,
    );
  });

  it('refuses staging without FIREBASE_PROJECT_ID, naming it', () => {
    expect(() => loadConfig({ SCRYON_PROFILE: 'staging' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCRYON_PROFILE: 'staging', FIREBASE_PROJECT_ID: '' })).toThrow(
      /FIREBASE_PROJECT_ID.*staging/,
    );
  });

  it('keeps the Firebase emulator out of prod', () => {
    expect(() => loadConfig({ ...prodEnv, FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' })).toThrow(
      /FIREBASE_AUTH_EMULATOR_HOST/,
    );
    expect(
      loadConfig({
        SCRYON_PROFILE: 'staging',
        FIREBASE_PROJECT_ID: 'demo-scryon',
        FIREBASE_AUTH_EMULATOR_HOST: 'firebase-auth:9099',
      }).auth.firebase?.emulatorHost,
    ).toBe('firebase-auth:9099');
  });

  it('bounds HTTP connections by default and reads the limits in seconds', () => {
    expect(loadConfig({}).http).toMatchObject({
      requestTimeoutMs: 300_000,
      idleTimeoutMs: 30_000,
      maxConnections: 1000,
      corsAllowedOrigins: [],
    });
    const http = loadConfig({
      SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS: '120',
      SCRYON_HTTP_IDLE_TIMEOUT_SECONDS: '1.5',
      SCRYON_HTTP_MAX_CONNECTIONS: '64',
    }).http;
    expect(http).toMatchObject({ requestTimeoutMs: 120_000, idleTimeoutMs: 1_500, maxConnections: 64 });
  });

  it('reads the CORS allow-list as exact origins', () => {
    expect(
      loadConfig({ SCRYON_CORS_ALLOWED_ORIGINS: ' https://app.example.com/ , http://localhost:5173,,' }).http
        .corsAllowedOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ SCRYON_CORS_ALLOWED_ORIGINS: '' }).http.corsAllowedOrigins).toEqual([]);
  });

  it('asks pyannoteAI for its job webhook only when the callback URL and the secret are both set', () => {
    expect(loadConfig({}).providers.pyannote.webhook).toBeUndefined();
    const pair = {
      SCRYON_PROVIDER_CALLBACK_BASE_URL: 'https://scryon.example.com/base/',
      PYANNOTE_WEBHOOK_SECRET: 'whs_secret',
    };
    expect(loadConfig(pair).providers.pyannote.webhook).toEqual({
      url: 'https://scryon.example.com/base/webhooks/pyannote',
      secret: 'whs_secret',
    });
    expect(loadConfig({ ...prodEnv, PYANNOTE_API_KEY: 'pk', ...pair }).providers.pyannote.webhook?.url).toBe(
      'https://scryon.example.com/base/webhooks/pyannote',
    );
    // Nothing to call back about when diarization is off; the pair is still checked.
    expect(loadConfig({ ...pair, PYANNOTE_ENABLED: 'false' }).providers.pyannote.webhook).toBeUndefined();
  });

  it.each([
    [
      { SCRYON_PROVIDER_CALLBACK_BASE_URL: 'https://scryon.example.com' },
      /PYANNOTE_WEBHOOK_SECRET is required when SCRYON_PROVIDER_CALLBACK_BASE_URL/,
    ],
    [
      { PYANNOTE_WEBHOOK_SECRET: 'whs_secret' },
      /SCRYON_PROVIDER_CALLBACK_BASE_URL is required when PYANNOTE_WEBHOOK_SECRET/,
    ],
    [
      { PYANNOTE_WEBHOOK_SECRET: 'whs_secret', PYANNOTE_ENABLED: 'false' },
      /SCRYON_PROVIDER_CALLBACK_BASE_URL is required/,
    ],
    [
      { SCRYON_PROVIDER_CALLBACK_BASE_URL: 'scryon.example.com', PYANNOTE_WEBHOOK_SECRET: 'whs_secret' },
      /SCRYON_PROVIDER_CALLBACK_BASE_URL/,
    ],
    [
      { SCRYON_PROVIDER_CALLBACK_BASE_URL: 'https://scryon.example.com/?x=1', PYANNOTE_WEBHOOK_SECRET: 'whs_secret' },
      /SCRYON_PROVIDER_CALLBACK_BASE_URL/,
    ],
    [
      {
        ...prodEnv,
        PYANNOTE_API_KEY: 'pk',
        SCRYON_PROVIDER_CALLBACK_BASE_URL: 'http://scryon.example.com',
        PYANNOTE_WEBHOOK_SECRET: 'whs_secret',
      },
      /SCRYON_PROVIDER_CALLBACK_BASE_URL.*https/,
    ],
  ])('refuses a half-set or unusable webhook pair, naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses gcs storage without a bucket', () => {
    expect(() => loadConfig({ OBJECT_STORAGE_PROVIDER: 'gcs' })).toThrow(/GCS_BUCKET/);
  });
});
