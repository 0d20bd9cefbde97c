import { CALL_ID, CALL_STATUS, WORKFLOW_KIND } from '../../../workflows/search-attributes.ts';

/**
 * The Temporal UI's list queries operators use most (docs/operations.md,
 * "Finding a call in the Temporal UI"), built from the search attributes'
 * names so a rename cannot leave them behind.
 */
export const TEMPORAL_UI_QUERIES = {
  calls: `${WORKFLOW_KIND.name} = "call"`,
  failedCalls: `${WORKFLOW_KIND.name} = "call" AND ${CALL_STATUS.name} = "FAILED"`,
  sweeps: `${WORKFLOW_KIND.name} = "sweep"`,
} as const;

/** Every workflow about one call: its processing, reanalyses, clean-up and webhook deliveries. */
export function callQuery(callId: string): string {
  return `${CALL_ID.name} = "${callId}"`;
}

/** The UI's workflow list of `namespace` filtered by `query`, a link that opens as a view. */
export function temporalUiViewUrl(uiUrl: string, namespace: string, query: string): string {
  const base = uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** Where this process points people at the Temporal UI: its calls, not the sweeps that outnumber them. */
export function callsViewUrl(temporal: { uiUrl: string | undefined; namespace: string }): string | undefined {
  return temporal.uiUrl && temporalUiViewUrl(temporal.uiUrl, temporal.namespace, TEMPORAL_UI_QUERIES.calls);
}
