import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './free-port.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm run dev` (or `node src/main.ts`) as a user starts it, in its own
 * process group as a terminal's foreground job is, so a signal to the group
 * reaches npm, its shell and the server alike. A wait on it fails as soon as
 * the process exits, with everything it printed.
 */
export class DevProcess {
  private text = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout!.on('data', (chunk) => (this.text += chunk));
    child.stderr!.on('data', (chunk) => (this.text += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(command: string, args: string[], env: NodeJS.ProcessEnv): DevProcess {
    return new DevProcess(spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Everything it printed on stdout and stderr so far. */
  get output(): string {
    return this.text;
  }

  /** Resolves once `check` holds; rejects, with the output, when the process exits first or the time is up. */
  async until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const died = this.exited.then((code) => {
      throw new Error(`exited with ${code} before ${what}:\n${this.text}`);
    });
    try {
      await Promise.race([waitFor(check, what, timeoutMs), died]);
    } catch (error) {
      if (error instanceof Error && !error.message.includes('\n')) error.message += `:\n${this.text}`;
      throw error;
    } finally {
      died.catch(() => {});
    }
  }

  untilBanner(timeoutMs = 240_000): Promise<void> {
    return this.until(async () => this.text.includes('Press Ctrl-C to stop.'), 'the banner', timeoutMs);
  }

  /** Sends `signal` to its whole process group and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) process.kill(-this.child.pid!, signal);
    return this.exited;
  }

  /** For a finally block: whatever is still running of it goes. */
  kill(): void {
    if (this.child.exitCode === null) process.kill(-this.child.pid!, 'SIGKILL');
  }
}
