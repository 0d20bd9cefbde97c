import { describe, expect, it } from 'vitest';
import { intervalOf, scheduleCatchUp, SWEEPS, type Sweep } from '../../../src/pipeline/sweeps/sweep-schedules.ts';

const MINUTE = 60_000;
const sweep = (kind: string): Sweep => SWEEPS.find((candidate) => candidate.kind === kind)!;

describe('sweep intervals', () => {
  it('run the reconcilers every minute against a remote Temporal, every 10 minutes on the embedded dev server', () => {
    for (const kind of ['unstarted_calls', 'pending_deletions']) {
      expect(intervalOf(sweep(kind), false)).toBe(MINUTE);
      expect(intervalOf(sweep(kind), true)).toBe(10 * MINUTE);
    }
  });

  it('leave every other sweep at its one interval, and none runs more often in dev', () => {
    expect(intervalOf(sweep('stalled_calls'), true)).toBe(5 * MINUTE);
    for (const each of SWEEPS) {
      expect(intervalOf(each, true)).toBeGreaterThanOrEqual(intervalOf(each, false));
      if (!['unstarted_calls', 'pending_deletions'].includes(each.kind))
        expect(intervalOf(each, true)).toBe(intervalOf(each, false));
    }
  });
});

describe('scheduleCatchUp', () => {
  const reconciler = sweep('unstarted_calls');

  it('moves a dev schedule still at the production default to the dev interval', () => {
    expect(scheduleCatchUp({ intervals: [MINUTE], tagged: true }, reconciler, true)).toEqual({ every: 10 * MINUTE });
  });

  it('leaves an interval an operator tuned, and never changes one on a remote Temporal', () => {
    expect(scheduleCatchUp({ intervals: [2 * MINUTE], tagged: true }, reconciler, true)).toEqual({});
    expect(scheduleCatchUp({ intervals: [MINUTE, 7 * MINUTE], tagged: true }, reconciler, true)).toEqual({});
    expect(scheduleCatchUp({ intervals: [Number.NaN], tagged: true }, reconciler, true)).toEqual({});
    expect(scheduleCatchUp({ intervals: [10 * MINUTE], tagged: true }, reconciler, false)).toEqual({});
    expect(scheduleCatchUp({ intervals: [MINUTE], tagged: true }, reconciler, false)).toEqual({});
  });

  it('tags the runs of a schedule created before its runs carried the kind, whatever its interval', () => {
    expect(scheduleCatchUp({ intervals: [3 * MINUTE], tagged: false }, reconciler, false)).toEqual({ tagRuns: true });
    expect(scheduleCatchUp({ intervals: [MINUTE], tagged: false }, reconciler, true)).toEqual({
      every: 10 * MINUTE,
      tagRuns: true,
    });
  });
});
