import type { SurfacePlugin } from '../../src/api/http/server.ts';
import { startScryon } from '../../src/app/start-scryon.ts';
import { loadConfig } from '../../src/config/config.ts';
import { bundleWorkflows, TEST_WORKFLOWS_PATH } from '../../src/pipeline/worker/pipeline-worker.ts';
import { TEST_ACTIVITIES } from '../harness/test-activities.ts';

// Scryon as a bench subject: the real server from configuration, on a free port.
// The pipeline bench's baseline runs the test-only calibration workflow, which the production bundle leaves out.
const worker = process.env.BENCH_WORKER === 'true';
const workflowBundle = worker ? await bundleWorkflows(TEST_WORKFLOWS_PATH) : undefined;
// Started with --expose-gc, the subject offers a full collection on request, so a memory
// figure compares live objects rather than how recently the collector last ran.
const gc = (globalThis as { gc?: () => void }).gc;
const benchSurfaces: SurfacePlugin[] = gc
  ? [(app) => void app.post('/__bench/gc', async () => (gc(), { collected: true }))]
  : [];
const app = await startScryon(
  loadConfig(),
  { api: true, worker },
  {
    listen: { port: 0, host: '127.0.0.1' },
    extraSurfaces: benchSurfaces,
    ...(workflowBundle ? { workflowBundle, testActivities: TEST_ACTIVITIES } : {}),
  },
);
process.stdout.write(`LISTENING ${app.url}${app.metricsUrl ? ` METRICS ${app.metricsUrl}` : ''}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
