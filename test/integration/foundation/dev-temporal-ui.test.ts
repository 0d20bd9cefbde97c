import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sweepScheduleId } from '../../../src/pipeline/sweeps/sweep-schedules.ts';
import { TEMPORAL_UI_QUERIES, temporalUiViewUrl } from '../../../src/pipeline/runtime/temporal-ui-views.ts';
import { DevProcess } from '../../harness/dev-process.ts';
import { freePort } from '../../harness/free-port.ts';
import { freshDevEnv } from '../../harness/fresh-dev-env.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-dev-ui-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('npm run dev registers search attributes on its own server, sweeps reconcilers every 10 min, banner opens calls', {
  timeout: 300_000,
}, async () => {
  const uiPort = await freePort();
  const env = freshDevEnv({
    PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(uiPort),
    SCRYON_DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
  });
  const dev = DevProcess.start(process.execPath, ['src/main.ts'], env);
  try {
    await dev.untilBanner();
    const output = dev.output;
    const ui = `http://127.0.0.1:${uiPort}`;
    const link = /^ {2}Temporal UI +(\S+)/m.exec(output)?.[1];
    expect(link).toBe(temporalUiViewUrl(ui, 'default', TEMPORAL_UI_QUERIES.calls));
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(output, output).not.toMatch(/"level":"(warn|error|fatal)"/);

    // What the UI shows, through its own HTTP API.
    const api = async (apiPath: string) => (await fetch(`${ui}/api/v1/namespaces/default/${apiPath}`)).json();
    expect((await api('search-attributes')).customAttributes).toMatchObject({
      ScryonWorkflow: 'INDEXED_VALUE_TYPE_KEYWORD',
      CallStatus: 'INDEXED_VALUE_TYPE_KEYWORD',
      CallId: 'INDEXED_VALUE_TYPE_KEYWORD',
    });
    const every = async (kind: string) =>
      (await api(`schedules/${sweepScheduleId('scryon-pipeline', kind)}`)).schedule.spec.interval;
    expect(await every('unstarted_calls')).toEqual([{ interval: '600s' }]);
    expect(await every('pending_deletions')).toEqual([{ interval: '600s' }]);
    expect(await every('stalled_calls')).toEqual([{ interval: '300s' }]);

    expect(await dev.stop('SIGINT')).toBe(0);
  } finally {
    dev.kill();
  }
});
