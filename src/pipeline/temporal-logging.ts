import type { LogLevel } from '@temporalio/worker';
import type { Logger } from '../observability/logger.ts';

let installation: Promise<void> | undefined;

/**
 * Sends the Temporal SDK's own logs (worker state, activity failures,
 * webpack output) through our JSON logger. The SDK runtime is per process
 * and can be installed once, before the first worker or native connection;
 * processes that need neither (an API against a remote Temporal) never load it.
 */
export function installTemporalLogging(logger: Logger): Promise<void> {
  return (installation ??= install(logger));
}

async function install(logger: Logger): Promise<void> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  const sdkLogger = logger.child({ component: 'temporal' });
  const write: Record<LogLevel, (meta: object, message: string) => void> = {
    TRACE: (meta, message) => sdkLogger.trace(meta, message),
    DEBUG: (meta, message) => sdkLogger.debug(meta, message),
    // The SDK's INFO is start-up chatter (bundling, state changes).
    INFO: (meta, message) => sdkLogger.debug(meta, message),
    WARN: (meta, message) => sdkLogger.warn(meta, message),
    ERROR: (meta, message) => sdkLogger.error(meta, message),
  };
  try {
    // Our entry point owns signals: it stops the HTTP server, then the worker, then connections.
    Runtime.install({ logger: new DefaultLogger('DEBUG', (entry) => write[entry.level]({ ...entry.meta }, entry.message)), shutdownSignals: [] });
  } catch (error) {
    logger.debug({ err: error }, 'the Temporal runtime was already installed; keeping its logger');
  }
}
