import { ConfigError, loadConfig } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { openDatabase } from './orm.ts';

/**
 * `npm run migrate`: applies pending migrations and exits. The app does the
 * same on start; this is for deployments that migrate as a separate step.
 */
try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const orm = await openDatabase({
    url: config.database.url,
    pgliteDir: config.database.pgliteDir,
    log: (message) => logger.info(message),
  });
  const executed = await orm.migrator.getExecuted();
  logger.info({ applied: executed.map((migration) => migration.name) }, 'database schema is current');
  await orm.close();
} catch (error) {
  process.stderr.write(`scryon migrate: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
