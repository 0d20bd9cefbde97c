import { loadConfig, ConfigError } from '../config/config.ts';
import { callsViewUrl } from '../pipeline/runtime/temporal-ui-views.ts';
import { assertPortsFree, lockDataDir, portsToClaim, usesDataDirExclusively } from './preflight.ts';
import type { Roles } from './start-scryon.ts';

// `node src/main.ts [all|api|worker]`, once src/main.mjs (which src/main.ts
// links to) has checked that this Node.js can run TypeScript.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

const ROLES: Record<string, Roles> = {
  all: { api: true, worker: true },
  api: { api: true, worker: false },
  worker: { api: false, worker: true },
};

async function main(): Promise<void> {
  const roleName = process.argv[2] ?? 'all';
  const roles = ROLES[roleName];
  if (!roles) throw new ConfigError(`Unknown role "${roleName}"; expected one of ${Object.keys(ROLES).join(', ')}`);
  const config = loadConfig();
  await assertPortsFree(portsToClaim(config, roles));
  const lock = usesDataDirExclusively(config) ? lockDataDir(config.dataDir) : undefined;
  process.once('exit', () => lock?.release());
  // Loaded only now: the checks above answer in well under a second, the whole app takes several to import.
  const { startScryon } = await import('./start-scryon.ts');
  const app = await startScryon(config, roles);
  printBanner(app.url, callsViewUrl(app.temporal), config.profile, app.temporal.embedded);
  if (config.auth.localDevUser && !LOOPBACK_HOSTS.has(config.http.host)) {
    // Config allows it (HOST set explicitly in dev), but say what it means.
    app.logger.warn(
      { host: config.http.host },
      'the local-dev user is on and HOST is not loopback: ' +
        'anyone who reaches this port can act as any user (X-Local-User-Id)',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function printBanner(
  url: string | undefined,
  temporalUi: string | undefined,
  profile: string,
  embeddedTemporal: boolean,
): void {
  const lines = [`Scryon is running (profile ${profile})`];
  if (url) {
    lines.push(`  API           ${url}/api`);
    lines.push(`  API docs      ${url}/api/docs`);
    lines.push(`  tRPC          ${url}/trpc`);
    if (profile !== 'prod') lines.push(`  GraphiQL      ${url}/graphql`);
  }
  if (temporalUi) lines.push(`  Temporal UI   ${temporalUi}${embeddedTemporal ? ' (embedded dev server)' : ''}`);
  lines.push('Press Ctrl-C to stop.');
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`scryon: ${error.message}\n`);
    process.exit(78);
  }
  // One line a user can act on; where it came from is for whoever debugs it.
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  const detail = error instanceof Error ? (verbose ? error.stack : error.message) : String(error);
  process.stderr.write(`scryon: failed to start: ${detail}${verbose ? '' : ' (LOG_LEVEL=debug shows where)'}\n`);
  process.exit(1);
});
