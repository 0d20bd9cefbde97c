import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importEdges, layerOf, type ImportEdge } from './import-graph.ts';
import { productionSources, type SourceFile } from './sql-owners.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

const BASE = ['ids', 'errors', 'time', 'tools', 'observability', 'storage'];
const DOMAIN = [
  'calls',
  'actions',
  'users',
  'transcripts',
  'analysis',
  'voice',
  'idempotency',
  'events',
  'audio',
  'search',
  'costs',
  'sync',
  'webhooks',
];
/**
 * Reads and use cases across the domain's owners (the call history's joins,
 * an account's deletion): above them, and none of them imports these.
 */
const ACROSS_OWNERS = ['call-history', 'accounts'];
const ABOVE_DOMAIN = ['pipeline', 'providers', 'api', 'app', 'auth', 'workflows'];

const PIPELINE_WORKFLOW_FOLDERS = ['process-call', 'delete-call', 'sweeps', 'webhook-delivery'];

/**
 * Where in src/pipeline a file is: its folder (a workflow's, `runtime`,
 * `worker`), `shared` at the top, or undefined outside.
 */
function pipelinePart(file: string): string | undefined {
  const [top, folder, part, ...rest] = file.split('/');
  if (top !== 'src' || folder !== 'pipeline') return undefined;
  return rest.length > 0 || !part?.endsWith('.ts') ? part : 'shared';
}

/**
 * Imports run down the layers, types included: base ← domain ← call history, accounts
 * ← pipeline ← adapters (providers, api, auth) ← app. The domain defines the
 * ports it needs (calls/pipeline-port.ts, users/identity.ts) and the layers
 * above implement them. Workflow code imports only types from src/.
 */
const RULES: { name: string; breaks: (edge: ImportEdge) => boolean }[] = [
  {
    name: 'base-stays-down',
    breaks: (edge) =>
      BASE.includes(layerOf(edge.from)) && [...DOMAIN, ...ACROSS_OWNERS, ...ABOVE_DOMAIN].includes(layerOf(edge.to)),
  },
  {
    name: 'owners-below-what-spans-them',
    breaks: (edge) => DOMAIN.includes(layerOf(edge.from)) && ACROSS_OWNERS.includes(layerOf(edge.to)),
  },
  {
    name: 'domain-below-pipeline',
    breaks: (edge) =>
      [...DOMAIN, ...ACROSS_OWNERS].includes(layerOf(edge.from)) && ABOVE_DOMAIN.includes(layerOf(edge.to)),
  },
  {
    name: 'pipeline-below-adapters',
    breaks: (edge) => layerOf(edge.from) === 'pipeline' && ['providers', 'api', 'app'].includes(layerOf(edge.to)),
  },
  {
    name: 'pipeline-worker-on-top',
    breaks: (edge) => pipelinePart(edge.to) === 'worker' && ![undefined, 'worker'].includes(pipelinePart(edge.from)),
  },
  {
    name: 'pipeline-runtime-below-workflow-folders',
    breaks: (edge) =>
      ['runtime', 'shared'].includes(pipelinePart(edge.from) ?? '') &&
      PIPELINE_WORKFLOW_FOLDERS.includes(pipelinePart(edge.to) ?? ''),
  },
  {
    // The app wires everything; the edge declares the services it needs (api/operations/domain-services.ts).
    name: 'app-on-top',
    breaks: (edge) =>
      layerOf(edge.to) === 'app' && !['app', 'main.ts', 'main.mjs', 'scripts'].includes(layerOf(edge.from)),
  },
  {
    name: 'workflows-import-types-only',
    breaks: (edge) => layerOf(edge.from) === 'workflows' && edge.to.startsWith('src/') && !edge.typeOnly,
  },
];

function ruleBreaks(edges: readonly ImportEdge[]): string[] {
  return RULES.flatMap((rule) => edges.filter(rule.breaks).map((edge) => `${rule.name}: ${edge.from} → ${edge.to}`));
}

describe('layers and cycles', () => {
  const edges = importEdges(productionSources(ROOT));

  it('reads the real graph (a check that sees no imports would pass anything)', () => {
    expect(edges.length).toBeGreaterThan(300);
  });

  it('every import runs down the layers', () => {
    expect(ruleBreaks(edges)).toEqual([]);
  });

  it('no import cycle, types included', () => {
    expect(importCycles(edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  describe('the checks', () => {
    const graph = (files: Record<string, string>) =>
      importEdges(Object.entries(files).map(([file, text]): SourceFile => ({ path: file, text })));

    it('flag an upward import, types included, and let a downward one pass', () => {
      const edges = graph({
        'src/storage/keys.ts': "import type { ArtifactType } from '../calls/types.ts';",
        'src/calls/types.ts': "import { isUuid } from '../ids/uuid.ts';\nexport type ArtifactType = string;",
        'src/ids/uuid.ts': 'export const isUuid = () => true;',
      });
      expect(ruleBreaks(edges)).toEqual(['base-stays-down: src/storage/keys.ts → src/calls/types.ts']);
    });

    it('find a cycle, also one closed only by a type import, and let a one-way pair pass', () => {
      const files = {
        'src/actions/a.ts': "import { b } from './b.ts';\nexport const a = 1;",
        'src/actions/b.ts': "import { a } from './a.ts';\nexport const b = 2;",
      };
      const cycles = (of: Record<string, string>) => importCycles(graph(of)).map((cycle) => cycle.join(' → '));
      expect(cycles(files)).toEqual(['src/actions/a.ts → src/actions/b.ts']);
      expect(cycles({ ...files, 'src/actions/b.ts': "import type { a } from './a.ts';\nexport const b = 2;" })).toEqual(
        ['src/actions/a.ts → src/actions/b.ts'],
      );
      expect(cycles({ ...files, 'src/actions/b.ts': 'export const b = 2;' })).toEqual([]);
    });

    it('keep the pipeline worker on top and its runtime below the workflow folders', () => {
      const edges = graph({
        'src/pipeline/runtime/views.ts': "import { callWorkflowId } from '../process-call/call-runs.ts';",
        'src/pipeline/process-call/call-runs.ts': "import { bundle } from '../worker/bundle.ts';",
        'src/pipeline/sweeps/sweeps.ts': "import { guard } from '../activity-guard.ts';",
        'src/pipeline/activity-guard.ts': "import { start } from './process-call/call-runs.ts';",
        'src/pipeline/worker/bundle.ts': "import { sweep } from '../sweeps/sweeps.ts';",
      });
      const belowFolders = 'pipeline-runtime-below-workflow-folders';
      expect(ruleBreaks(edges)).toEqual([
        'pipeline-worker-on-top: src/pipeline/process-call/call-runs.ts → src/pipeline/worker/bundle.ts',
        `${belowFolders}: src/pipeline/runtime/views.ts → src/pipeline/process-call/call-runs.ts`,
        `${belowFolders}: src/pipeline/activity-guard.ts → src/pipeline/process-call/call-runs.ts`,
      ]);
    });

    it('let workflows import only types from src', () => {
      const edges = graph({
        'workflows/w.ts': "import { callWorkflowId } from '../src/pipeline/ids.ts';",
        'src/pipeline/ids.ts': 'export const callWorkflowId = 1;',
      });
      expect(ruleBreaks(edges)).toEqual(['workflows-import-types-only: workflows/w.ts → src/pipeline/ids.ts']);
    });
  });
});
