import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callQuery,
  callsViewUrl,
  TEMPORAL_UI_QUERIES,
  temporalUiViewUrl,
} from '../../../src/pipeline/runtime/temporal-ui-views.ts';

const OPERATIONS = readFileSync(path.resolve(import.meta.dirname, '../../../docs/operations.md'), 'utf8');
const SECTION =
  OPERATIONS.split(/^## /m).find((section) => section.startsWith('Finding a call in the Temporal UI')) ?? '';

describe('Temporal UI views', () => {
  it('open the namespace workflow list with the query encoded', () => {
    expect(temporalUiViewUrl('http://127.0.0.1:8233/', 'my ns', TEMPORAL_UI_QUERIES.calls)).toBe(
      'http://127.0.0.1:8233/namespaces/my%20ns/workflows?query=ScryonWorkflow%20%3D%20%22call%22',
    );
  });

  it('point the banner and the front page at the calls, and nowhere without a UI', () => {
    expect(callsViewUrl({ uiUrl: 'http://127.0.0.1:8233', namespace: 'default' })).toBe(
      temporalUiViewUrl('http://127.0.0.1:8233', 'default', 'ScryonWorkflow = "call"'),
    );
    expect(callsViewUrl({ uiUrl: undefined, namespace: 'default' })).toBeUndefined();
  });

  it('are the ones docs/operations.md lists, query and link alike', () => {
    expect(SECTION).not.toBe('');
    const example = '10b3e5a1-9c1f-4a55-8e8e-2f4f2b1f0a77';
    for (const query of [...Object.values(TEMPORAL_UI_QUERIES), callQuery(example)]) {
      expect(SECTION).toContain(query);
      expect(SECTION).toContain(temporalUiViewUrl('http://127.0.0.1:8233', 'default', query));
    }
  });
});
