import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { configureAudioToolConcurrency, runTool } from '../../../src/audio/run-tool.ts';

/** `sh` stands in for ffmpeg: each job records when it starts and ends. */
describe('audio tools run a bounded number at once', () => {
  afterEach(() => configureAudioToolConcurrency(availableParallelism()));

  it('never runs more jobs than its slots, and runs them all', async () => {
    configureAudioToolConcurrency(2);
    const log = `/tmp/scryon-run-tool-${process.pid}.log`;
    await runTool('sh', ['-c', `: > ${log}`], 5_000);
    const job = (id: number) =>
      runTool('sh', ['-c', `echo start >> ${log}; sleep 0.2; echo end >> ${log}; echo ${id}`], 5_000);
    const outputs = await Promise.all([1, 2, 3, 4, 5, 6].map(job));
    expect(outputs.map((output) => output.trim())).toEqual(['1', '2', '3', '4', '5', '6']);
    let open = 0;
    let peak = 0;
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      open += line === 'start' ? 1 : -1;
      peak = Math.max(peak, open);
    }
    expect(peak).toBe(2);
  });

  it('frees its slot when a job fails', async () => {
    configureAudioToolConcurrency(1);
    await expect(runTool('sh', ['-c', 'exit 3'], 5_000)).rejects.toThrow(/exited with 3/);
    expect((await runTool('sh', ['-c', 'echo ok'], 5_000)).trim()).toBe('ok');
  });
});
