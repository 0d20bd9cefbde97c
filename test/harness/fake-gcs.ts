import { spawn, type ChildProcess } from 'node:child_process';
import { ensureGoTool, goToolOptions, type GoTool } from '../../src/tools/go-tools.ts';
import { freePort, waitFor } from './free-port.ts';

/** The GCS stand-in of the tests and benches, found or built like the Temporal CLI (never by Scryon itself). */
const FAKE_GCS_SERVER: GoTool = {
  name: 'fake-gcs-server',
  module: 'github.com/fsouza/fake-gcs-server',
  version: 'v1.55.1',
  buildEstimate: 'about 1–2 minutes on 2 idle cores',
};

export interface FakeGcs {
  endpoint: string;
  stop(): Promise<void>;
}

/** fake-gcs-server (`go install github.com/fsouza/fake-gcs-server@v1.55.1`) on a free loopback port, in memory. */
export async function startFakeGcs(): Promise<FakeGcs> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    await fakeGcsBinary(),
    [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(port),
      '-backend',
      'memory',
      '-external-url',
      endpoint,
      '-public-host',
      `127.0.0.1:${port}`,
      '-log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  try {
    await waitFor(async () => (await fetch(`${endpoint}/_internal/healthcheck`)).ok, 'fake-gcs-server', 30_000);
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** FAKE_GCS_SERVER_PATH, PATH, ~/go/bin, the project's tools folder, else a one-time build with Go. */
async function fakeGcsBinary(): Promise<string> {
  const binary = await ensureGoTool(FAKE_GCS_SERVER, { configured: process.env.FAKE_GCS_SERVER_PATH });
  if (!binary)
    throw new Error(
      `fake-gcs-server was not found and could not be built; ${goToolOptions(FAKE_GCS_SERVER, 'FAKE_GCS_SERVER_PATH')}`,
    );
  return binary;
}
