import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

// Scryon's custom search attributes, defined once for the code that starts
// workflows (src/pipeline/) and the workflows that update them. Each key is
// the `{ name, type }` that defineSearchAttributeKey returns, spelled out:
// workflow code takes only types from @temporalio/common, and
// @temporalio/workflow does not re-export that helper.

/** What a workflow is for (a WorkflowKind), on every workflow Scryon starts. */
export const WORKFLOW_KIND: SearchAttributeKey<'KEYWORD'> = { name: 'ScryonWorkflow', type: 'KEYWORD' };
/** The status a call's processing has reached (QUEUED … COMPLETED, FAILED), on `call` workflows. */
export const CALL_STATUS: SearchAttributeKey<'KEYWORD'> = { name: 'CallStatus', type: 'KEYWORD' };
/** The call a workflow is about: its processing, reanalyses, clean-up and webhook deliveries. */
export const CALL_ID: SearchAttributeKey<'KEYWORD'> = { name: 'CallId', type: 'KEYWORD' };

/** Every key, as the namespace must register them. */
export const SCRYON_SEARCH_ATTRIBUTES: readonly SearchAttributeKey<'KEYWORD'>[] = [WORKFLOW_KIND, CALL_STATUS, CALL_ID];

export type WorkflowKind = 'call' | 'reanalysis' | 'call-deletion' | 'webhook-delivery' | 'sweep';
