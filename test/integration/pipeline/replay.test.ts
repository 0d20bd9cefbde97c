import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../../src/pipeline/worker/pipeline-worker.ts';
import * as productionWorkflows from '../../../workflows/index.ts';
import * as testWorkflows from '../../../workflows/test-workflows.ts';
import { HISTORIES_DIR, historyFromFixtureJson } from '../../fixtures/histories/history-json.ts';

/**
 * Replay safety: the recorded histories of every production workflow type
 * (test/fixtures/histories/<workflowType>-<case>.json, written by
 * scripts/record-histories.ts) must replay against the current workflow code.
 * A change that reorders, adds or removes a command for histories already in
 * flight fails here instead of stranding running calls in production.
 */
const FIXTURE_NAME = /^(?<workflowType>[A-Za-z_$][\w$]*)-(?<case>[a-z0-9]+(?:-[a-z0-9]+)*)\.json$/;

interface Fixture {
  file: string;
  workflowType: string;
  history: History;
}

const workflowNames = (module: Record<string, unknown>) =>
  Object.entries(module)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
const PRODUCTION_TYPES = workflowNames(productionWorkflows);
const TEST_ONLY_TYPES = workflowNames(testWorkflows).filter((name) => !PRODUCTION_TYPES.includes(name));

function loadFixtures(): Fixture[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      workflowType: FIXTURE_NAME.exec(file)?.groups?.workflowType ?? '',
      history: historyFromFixtureJson(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')),
    }));
}

/** Replays each fixture and returns `<file>: <error>` for each that does not replay cleanly. */
async function replayFailures(workflowBundle: WorkflowBundleWithSourceMap, fixtures: Fixture[]): Promise<string[]> {
  const failures: string[] = [];
  let replayed = 0;
  // The fixture's file name stands in for the workflow id, so a failure names its fixture.
  const histories = fixtures.map((fixture) => ({ workflowId: fixture.file, history: fixture.history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'replay-test' }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  if (replayed !== fixtures.length) failures.push(`replayed ${replayed} of ${fixtures.length} histories`);
  return failures;
}

describe('replay safety of the production workflows', () => {
  let production: WorkflowBundleWithSourceMap;
  let fixtures: Fixture[];

  beforeAll(async () => {
    // Exactly what a production worker bundles.
    production = await bundleWorkflows();
    fixtures = loadFixtures();
  });

  it('has a recorded history (<workflowType>-<case>.json) of every workflow type workflows/index.ts exports', () => {
    expect(PRODUCTION_TYPES).toEqual(
      expect.arrayContaining(['processCallWorkflow', 'reanalyzeCallWorkflow', 'sweepWorkflow']),
    );
    const problems: string[] = [];
    for (const fixture of fixtures) {
      const recordedType = fixture.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (!FIXTURE_NAME.test(fixture.file)) problems.push(`${fixture.file}: not named <workflowType>-<case>.json`);
      else if (recordedType !== fixture.workflowType)
        problems.push(`${fixture.file}: holds a history of ${recordedType}, not ${fixture.workflowType}`);
      else if (!PRODUCTION_TYPES.includes(fixture.workflowType)) {
        problems.push(
          `${fixture.file}: ${fixture.workflowType} is no longer exported by workflows/index.ts; ` +
            'runs of it still in flight would be stranded (delete the fixture once none are left)',
        );
      }
    }
    const recorded = new Set(fixtures.map((fixture) => fixture.workflowType));
    for (const workflowType of PRODUCTION_TYPES.filter((name) => !recorded.has(name))) {
      problems.push(
        `${workflowType}: no recorded history in test/fixtures/histories/ ` +
          '(record one with scripts/record-histories.ts)',
      );
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('replays every recorded history against the current workflow code', async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    const failures = await replayFailures(production, fixtures);
    expect(failures, `non-deterministic against recorded histories:\n${failures.join('\n')}\n`).toEqual([]);
  });

  it('has recorded call runs keeping their CallStatus search attribute current, so replay checks the upserts', () => {
    const upsertedStatuses = (file: string) =>
      (fixtures.find((fixture) => fixture.file === file)?.history.events ?? [])
        .map(
          (event) =>
            event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CallStatus?.data,
        )
        .filter((data) => data !== undefined && data !== null)
        .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as string);
    expect(upsertedStatuses('processCallWorkflow-completed.json')).toEqual(['TRANSCRIBING', 'ANALYZING', 'COMPLETED']);
    expect(upsertedStatuses('processCallWorkflow-transcription-failed.json')).toEqual(['TRANSCRIBING', 'FAILED']);
  });

  it('fails the replay of a call workflow whose stages were reordered', async () => {
    const reordered = await bundleWorkflows(path.join(HISTORIES_DIR, 'reordered-workflows.ts'));
    const completed = fixtures.filter((fixture) => fixture.file === 'processCallWorkflow-completed.json');
    expect(completed).toHaveLength(1);
    const failures = await replayFailures(reordered, completed);
    expect(failures).toEqual([
      expect.stringMatching(/^processCallWorkflow-completed\.json: DeterminismViolationError: /),
    ]);
  });

  it('keeps the test-only workflows out of the production bundle', () => {
    expect(TEST_ONLY_TYPES).toEqual(expect.arrayContaining(['pingWorkflow', 'calibrationWorkflow']));
    // The bundle names every workflow it exports; the production types prove the check can see them.
    for (const name of PRODUCTION_TYPES) expect(production.code).toMatch(new RegExp(`\\b${name}\\b`));
    expect(TEST_ONLY_TYPES.filter((name) => new RegExp(`\\b${name}\\b`).test(production.code))).toEqual([]);
  });
});
