import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded with `node --import` into the real `src/main.ts`, so the bench
 * measures the process `npm start` runs, unchanged. On SIGUSR2 it writes the
 * event-loop delay since the last SIGUSR2 (or start) to
 * SCRYON_BENCH_LOOP_DELAY_FILE and starts a new window.
 */
const RESOLUTION_MS = 10;
const file = process.env.SCRYON_BENCH_LOOP_DELAY_FILE;
if (!file) throw new Error('SCRYON_BENCH_LOOP_DELAY_FILE is required by the event-loop probe');

const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

// The histogram records whole timer intervals; the delay is what exceeds the sampling period.
const delayMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);

process.on('SIGUSR2', () => {
  const window = {
    p50Ms: delayMs(histogram.percentile(50)),
    p99Ms: delayMs(histogram.percentile(99)),
    maxMs: delayMs(histogram.max),
    samples: histogram.count,
  };
  histogram.reset();
  // Written whole, then renamed, so the bench never reads half a file.
  writeFileSync(`${file}.part`, JSON.stringify(window));
  renameSync(`${file}.part`, file);
});
