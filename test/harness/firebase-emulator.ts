import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './free-port.ts';

export const FIREBASE_TEST_PROJECT = 'demo-scryon';

export interface FirebaseEmulator {
  host: string;
  stop(): Promise<void>;
}

/** The real Firebase Auth emulator from firebase-tools, on free ports, UI off. */
export async function startFirebaseEmulator(): Promise<FirebaseEmulator> {
  const [authPort, hubPort, loggingPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'scryon-firebase-'));
  const configPath = path.join(dir, 'firebase.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      emulators: {
        auth: { host: '127.0.0.1', port: authPort },
        hub: { host: '127.0.0.1', port: hubPort },
        logging: { host: '127.0.0.1', port: loggingPort },
        ui: { enabled: false },
        singleProjectMode: true,
      },
    }),
  );
  const bin = path.resolve('node_modules/.bin/firebase');
  const child: ChildProcess = spawn(
    bin,
    ['emulators:start', '--only', 'auth', '--project', FIREBASE_TEST_PROJECT, '--config', configPath],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const host = `127.0.0.1:${authPort}`;
  try {
    await waitFor(async () => (await fetch(`http://${host}/`)).ok, 'the Firebase Auth emulator', 90_000);
  } catch (error) {
    killGroup(child);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    host,
    async stop() {
      killGroup(child);
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
