import { LRUCache } from 'lru-cache';

/** Where a process hears that a provider job ended: the event bus's announcements, and its reconnects. */
export interface JobEndingSource {
  onJobEnded(listener: (jobId: string) => void): () => void;
  /** Announcements may have been missed while the bus was away. */
  onReconnect(listener: () => void): () => void;
}

export interface JobEndings {
  /**
   * Resolves `true` once `jobId` is announced ended (or was, moments before the call), `false` after `ms`
   * without a word; rejects when `signal` aborts.
   */
  wait(jobId: string, ms: number, signal: AbortSignal): Promise<boolean>;
  close(): void;
}

/**
 * An announcement can arrive before its waiter does: the provider may call back before its answer to the
 * job's creation has reached us. Endings are kept this long so that waiter still finds its own.
 */
const RECENT_MS = 10 * 60_000;
/** Bounds what announcements of jobs nobody here waits for (another process's, an abandoned one's) can hold. */
const RECENT_MAX = 10_000;

export function createJobEndings(source: JobEndingSource): JobEndings {
  const waiters = new Map<string, Set<(ended: boolean) => void>>();
  const recent = new LRUCache<string, true>({ max: RECENT_MAX, ttl: RECENT_MS });
  const wake = (jobId: string) => {
    const waiting = waiters.get(jobId);
    // Nobody in this process waits for it: another process's job, or one already given up. Kept briefly, else ignored.
    if (!waiting) return void recent.set(jobId, true);
    for (const ended of waiting) ended(true);
  };
  const stopEndings = source.onJobEnded(wake);
  // Each waiter fetches its job once: whatever was missed is then known, at one request per job.
  const stopReconnects = source.onReconnect(() => {
    for (const jobId of [...waiters.keys()]) wake(jobId);
  });
  return {
    wait(jobId, ms, signal) {
      if (recent.delete(jobId)) return Promise.resolve(true);
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const waiting = waiters.get(jobId) ?? new Set();
        waiters.set(jobId, waiting);
        const settle = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', aborted);
          waiting.delete(ended);
          if (waiting.size === 0) waiters.delete(jobId);
        };
        const ended = (announced: boolean) => {
          settle();
          resolve(announced);
        };
        const aborted = () => {
          settle();
          reject(signal.reason);
        };
        const timer = setTimeout(() => ended(false), ms);
        signal.addEventListener('abort', aborted, { once: true });
        waiting.add(ended);
      });
    },
    close() {
      stopEndings();
      stopReconnects();
    },
  };
}
