import { spawn, type ChildProcess } from 'node:child_process';

/** `npm run start:worker` as its own process, so a test can SIGKILL it mid-stage. */
export function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['src/main.ts', 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

/** SIGKILL, as a crash or an OOM kill would end it, and wait until it is gone. */
export async function killWorkerProcess(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGKILL');
  await exited;
}
