import type { LogLevel } from '@temporalio/worker';
import type { Logger } from '../../observability/logger.ts';

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
    const sink = (entry: { level: LogLevel; message: string; meta?: object }) => {
      write[levelOf(entry)](withoutTaskTokens(entry.meta), entry.message);
    };
    Runtime.install({ logger: new DefaultLogger('DEBUG', sink), shutdownSignals: [] });
  } catch (error) {
    logger.debug({ err: error }, 'the Temporal runtime was already installed; keeping its logger');
  }
}

/** Expected of the audio worker, which runs activities only: not worth a warning at every start. */
const ROUTINE_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);

export function levelOf(entry: { level: LogLevel; message: string }): LogLevel {
  return entry.level === 'WARN' && ROUTINE_WARNINGS.has(entry.message) ? 'DEBUG' : entry.level;
}

/**
 * The SDK puts each activity's task token (hundreds of bytes of base64, once
 * per line) into its log attributes: it made a provider failure a 1.6 KB line.
 * The activity and workflow ids already say which task it was.
 */
export function withoutTaskTokens(meta: object | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...meta };
  delete copy.taskToken;
  delete copy.base64TaskToken;
  return copy;
}
