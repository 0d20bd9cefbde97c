import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { ConfigError } from '../../config/config.ts';
import type { Logger } from '../../observability/logger.ts';
import { ensureGoTool, goToolOptions, TEMPORAL_CLI, toolFileName } from '../../tools/go-tools.ts';
import { installTemporalLogging } from './temporal-logging.ts';

export interface TemporalOptions {
  /** host:port of a Temporal frontend; absent starts the embedded dev server. */
  address?: string | undefined;
  namespace: string;
  cliPath?: string | undefined;
  /** SQLite file of the embedded dev server, so a second start keeps its history. */
  embeddedDbFile?: string | undefined;
  uiPort?: number | undefined;
  /** Tracing's interceptors, when it is on. */
  clientInterceptors?: WorkflowClientInterceptor[] | undefined;
}

export interface TemporalRuntime {
  client: Client;
  /** Workers need the native (Rust core) connection; created on first use. */
  workerConnection(): Promise<NativeConnection>;
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  /** Whether this process started (and will stop) the dev server itself. */
  embedded: boolean;
  close(): Promise<void>;
}

export async function connectTemporal(options: TemporalOptions, logger: Logger): Promise<TemporalRuntime> {
  return options.address
    ? connectExisting({ ...options, address: options.address }, logger)
    : startEmbedded(options, logger);
}

/**
 * The client speaks gRPC from JavaScript; the native (Rust core) side of the
 * SDK is loaded only for a worker or the embedded server, so an API process
 * against a remote Temporal stays light.
 */
async function connectExisting(
  options: TemporalOptions & { address: string },
  logger: Logger,
): Promise<TemporalRuntime> {
  const { address, namespace } = options;
  const connection = await Connection.connect({ address }).catch((error: unknown) => {
    throw new ConfigError(
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address} (${firstLine(error)}); ` +
        'start it, fix TEMPORAL_ADDRESS, or unset it to run the embedded dev server',
    );
  });
  let native: Promise<NativeConnection> | undefined;
  const connectNative = async () => {
    await installTemporalLogging(logger);
    const { NativeConnection } = await import('@temporalio/worker');
    return NativeConnection.connect({ address });
  };
  return {
    client: createClient(connection, options),
    workerConnection: () => (native ??= connectNative()),
    address,
    namespace,
    uiUrl: undefined,
    embedded: false,
    async close() {
      await (await native)?.close();
      await connection.close();
    },
  };
}

async function startEmbedded(options: TemporalOptions, logger: Logger): Promise<TemporalRuntime> {
  const executable = await resolveTemporalCli(options.cliPath, (line) => logger.warn(line));
  logger.info({ executable }, 'starting embedded Temporal dev server');
  const server = await startTemporalDevServer({
    executable,
    namespace: options.namespace,
    dbFile: options.embeddedDbFile,
    uiPort: options.uiPort,
  });
  try {
    const runtime = await connectExisting({ ...options, address: server.address }, logger);
    return {
      ...runtime,
      uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
      embedded: true,
      async close() {
        await runtime.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export interface DevServerOptions {
  executable: string;
  namespace?: string | undefined;
  /** SQLite file that keeps its history across starts; absent keeps it in memory. */
  dbFile?: string | undefined;
  /** Where its web UI listens; absent runs it headless. */
  uiPort?: number | undefined;
  /** Where its Prometheus metrics (the billable `action` counter among them) are served; absent, nowhere. */
  metricsPort?: number | undefined;
  logLevel?: 'warn' | 'error';
}

export interface TemporalDevServer {
  /** host:port of its frontend, answering. */
  address: string;
  stop(): Promise<void>;
}

const DEV_SERVER_START_MS = 120_000;

/**
 * The CLI's dev server as our own child, not the SDK's ephemeral server: the
 * SDK gives a server 5 s to answer and kills it after, and a dev server
 * creating its SQLite file on a busy machine can take longer. Here it has
 * `DEV_SERVER_START_MS`, and a server that exits says so at once.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const server = spawnDevServer(address, options);
  const stop = () => stopDevServer(server);
  try {
    await untilServing(address, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, stop };
}

/**
 * In its own process group (`detached`), as a terminal's Ctrl-C reached it
 * otherwise: it died under a still-running worker, which logged about eight
 * ERROR/WARN lines that read like a crash. Our shutdown stops the worker
 * first, then the server. Its stdout is only a banner that repeats ours (with
 * the wrong host); its log (stderr) stays.
 */
function spawnDevServer(address: string, options: DevServerOptions): ChildProcess {
  const [ip, port] = address.split(':') as [string, string];
  const args = ['server', 'start-dev', '--ip', ip, '--port', port, '--namespace', options.namespace ?? 'default'];
  args.push('--log-format', 'json', '--log-level', options.logLevel ?? 'warn');
  // Offline by default: no call home to ask for a newer server version.
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // WAL with synchronous=NORMAL: the history survives a crash of the process,
    // and a workflow start costs no fsync.
    args.push('--db-filename', options.dbFile);
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  args.push(...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.metricsPort !== undefined) args.push('--metrics-port', String(options.metricsPort));
  return spawn(options.executable, args, {
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function untilServing(address: string, server: ChildProcess): Promise<void> {
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', (code, signal) =>
      reject(
        new Error(
          `the embedded Temporal dev server exited (${signal ?? `code ${code}`}) before it answered at ${address}`,
        ),
      ),
    ),
  );
  exited.catch(() => {});
  const deadline = Date.now() + DEV_SERVER_START_MS;
  for (;;) {
    const connected = await Promise.race([
      Connection.connect({ address, connectTimeout: '2s' }).then(
        (connection) => connection,
        () => undefined,
      ),
      exited,
    ]);
    if (connected) return connected.close();
    if (Date.now() > deadline)
      throw new Error(
        `the embedded Temporal dev server did not answer at ${address} within ${DEV_SERVER_START_MS / 1000} s; ` +
          'set TEMPORAL_ADDRESS to a running Temporal instead',
      );
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), exited]);
  }
}

/**
 * SIGKILL, as the SDK stopped it: a graceful stop logs a dozen WARN lines
 * about its own internal clients losing their connections, and with the WAL
 * a kill loses no committed history.
 */
async function stopDevServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function createClient(connection: Connection, options: TemporalOptions): Client {
  return new Client({
    connection,
    namespace: options.namespace,
    interceptors: { workflow: options.clientInterceptors ?? [] },
  });
}

/**
 * `TEMPORAL_CLI_PATH`, else `temporal` on PATH or in ~/go/bin, else the
 * pinned CLI in the shared tools folder; the first start on a machine puts it
 * there, by the SDK's prebuilt download where the network allows, else by a
 * build from the Go module proxy when Go is present.
 */
export async function resolveTemporalCli(
  cliPath: string | undefined,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const found = await ensureGoTool(TEMPORAL_CLI, {
    configured: cliPath,
    log,
    downloadPrebuilt: (dir) => downloadTemporalCli(dir, log),
  });
  if (!found)
    throw new Error(
      'no Temporal CLI to run the embedded dev server: it could not be downloaded or built; ' +
        goToolOptions(TEMPORAL_CLI, 'TEMPORAL_CLI_PATH'),
    );
  return found;
}

/**
 * The SDK's own download of the prebuilt CLI (temporal.download) into `dir`,
 * under the name a build gives it too. The SDK downloads only as it starts a
 * server, so an in-memory one is started and stopped once per machine; from
 * then on `startEmbedded` runs the file as it runs a built one.
 */
async function downloadTemporalCli(dir: string, log: (line: string) => void): Promise<string | undefined> {
  const target = path.join(dir, toolFileName(TEMPORAL_CLI));
  log(`scryon: downloading the prebuilt Temporal CLI ${TEMPORAL_CLI.version} into ${dir} (once per machine)`);
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: dir, version: TEMPORAL_CLI.version },
        ip: '127.0.0.1',
        log: { format: 'json', level: 'error' },
      },
    });
    await env.teardown();
  } catch (error) {
    if (!existsSync(target)) {
      log(`scryon: the download failed (${firstLine(error)}); building the CLI instead`);
      return undefined;
    }
  }
  return target;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
}
