import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { ConfigError } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { ensureGoTool, goToolOptions, TEMPORAL_CLI, toolFileName } from '../tools/go-tools.ts';
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
      `TEMPORAL_ADDRESS: cannot reach Temporal at ${address} (${firstLine(error)}); start it, fix TEMPORAL_ADDRESS, or unset it to run the embedded dev server`,
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
  await installTemporalLogging(logger);
  const found = await resolveTemporalCli(options.cliPath, (line) => logger.warn(line));
  const executable = options.embeddedDbFile ? inOwnProcessGroup(found, path.dirname(options.embeddedDbFile)) : found;
  logger.info({ executable: found }, 'starting embedded Temporal dev server');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: executable },
      namespace: options.namespace,
      ip: '127.0.0.1',
      ...(options.embeddedDbFile ? { dbFilename: options.embeddedDbFile } : {}),
      ...(options.uiPort !== undefined ? { ui: true, uiPort: options.uiPort } : {}),
      log: { format: 'json', level: 'warn' },
      // WAL with synchronous=NORMAL: the history survives a crash of the process,
      // and a workflow start costs no fsync (it halved the dev server's CPU per upload).
      extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'],
    },
  });
  return {
    client: createClient(env.connection, options),
    workerConnection: async () => env.nativeConnection,
    address: env.address,
    namespace: options.namespace,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    embedded: true,
    close: () => env.teardown(),
  };
}

/**
 * The SDK starts the dev server in our process group, so the terminal's Ctrl-C
 * reached it too: it died under a still-running worker, which logged about eight
 * ERROR/WARN lines that read like a crash. Started through this wrapper, it sits
 * in its own process group; our shutdown stops the worker first, then the SDK
 * stops the server. `exec` keeps the pid, which the SDK signals to stop it.
 * The SDK learns the server is up by connecting to it, not from its output.
 */
function inOwnProcessGroup(executable: string, dir: string): string {
  if (process.platform === 'win32') return executable;
  mkdirSync(dir, { recursive: true });
  const wrapper = path.join(dir, 'temporal-own-group.sh');
  const real = `'${executable.replaceAll("'", "'\\''")}'`;
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      // Its stdout is only a banner that repeats ours (with the wrong host); its log (stderr) stays.
      `command -v setsid >/dev/null 2>&1 && exec setsid ${real} "$@" >/dev/null`,
      // macOS has no setsid; a new process group is enough to be out of the terminal's reach.
      `exec perl -e 'setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\\n"' ${real} "$@" >/dev/null`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
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
      `no Temporal CLI to run the embedded dev server: it could not be downloaded or built; ${goToolOptions(TEMPORAL_CLI, 'TEMPORAL_CLI_PATH')}`,
    );
  return found;
}

/**
 * The SDK's own download of the prebuilt CLI (temporal.download) into `dir`,
 * under the name a build gives it too. The SDK downloads only as it starts a
 * server, so an in-memory one is started and stopped once per machine; every
 * start then runs the file through `inOwnProcessGroup`, which the SDK's own
 * start of a download does not.
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
