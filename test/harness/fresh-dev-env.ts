/**
 * The environment of `npm run dev` in a fresh checkout: whatever the machine
 * has (PATH, HOME, TEMPORAL_CLI_PATH…), none of Scryon's configuration from
 * whoever runs the tests, and the overrides a test gives.
 */
export function freshDevEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const prefixes =
    /^(SCRYON_|TEMPORAL_(?!CLI_PATH)|FIREBASE_|GCS_|OBJECT_STORAGE_|LEMONFOX_|PYANNOTE_|OPENAI_|LLM_|VITEST)/;
  const names = /^(DATABASE_URL|GOOGLE_CLOUD_PROJECT|PORT|HOST|LOG_LEVEL|MAX_FILE_SIZE|NODE_ENV)$/;
  const inherited = Object.entries(process.env).filter(([name]) => !prefixes.test(name) && !names.test(name));
  return { ...Object.fromEntries(inherited), ...overrides };
}
