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

const ATTEMPTS = 3;

/**
 * The real Firebase Auth emulator from firebase-tools, on free ports, UI off.
 * A port picked free can be taken by another process before the emulator
 * binds it (it then exits at once); that start is retried on new ports.
 */
export async function startFirebaseEmulator(): Promise<FirebaseEmulator> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnFreePorts();
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === ATTEMPTS) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnFreePorts(): Promise<FirebaseEmulator> {
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
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => {
      const message = `the Firebase Auth emulator exited with ${code} before it answered\n${output}`;
      reject(/port taken|is not open on/i.test(output) ? new PortTaken(message) : new Error(message));
    }),
  );
  // Handled here too: the race below is not the only time it can reject (a timeout, a later stop).
  exited.catch(() => undefined);
  const host = `127.0.0.1:${authPort}`;
  try {
    await Promise.race([
      waitFor(async () => (await fetch(`http://${host}/`)).ok, 'the Firebase Auth emulator', 90_000),
      exited,
    ]);
  } catch (error) {
    killGroup(child);
    if (error instanceof PortTaken) throw error;
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
