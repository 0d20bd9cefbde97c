import type { Client } from '@temporalio/client';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
  type SearchAttributePair,
} from '@temporalio/common/lib/search-attributes.js';
import type { CallStatus } from '../../calls/call-record.entity.ts';
import type { Logger } from '../../observability/logger.ts';
import {
  CALL_ID,
  CALL_STATUS,
  SCRYON_SEARCH_ATTRIBUTES,
  WORKFLOW_KIND,
  type WorkflowKind,
} from '../../../workflows/search-attributes.ts';

/** What a workflow is, as its start tags it for the Temporal UI. */
export interface WorkflowTags {
  kind: WorkflowKind;
  callId?: string | undefined;
  /** A call workflow's status when it starts; the workflow keeps it current from there. */
  callStatus?: CallStatus;
}

/**
 * The search attributes a start carries: those of its tags that the
 * namespace has registered. A start naming an attribute the namespace lacks
 * is refused, so an upload must never depend on an operator having run the
 * registration command.
 */
export type WorkflowSearchAttributes = (tags: WorkflowTags) => SearchAttributePair[];

export function searchAttributesFor(registered: ReadonlySet<string>): WorkflowSearchAttributes {
  return (tags) => {
    const pairs: SearchAttributePair[] = [{ key: WORKFLOW_KIND, value: tags.kind }];
    if (tags.callId) pairs.push({ key: CALL_ID, value: tags.callId });
    if (tags.callStatus) pairs.push({ key: CALL_STATUS, value: tags.callStatus });
    return pairs.filter((pair) => registered.has(pair.key.name));
  };
}

const KEYWORD = encodeSearchAttributeIndexedValueType('KEYWORD')!;

/** The namespace's custom attributes by name, as the operator service lists them (an IndexedValueType each). */
type CustomAttributes = Record<string, unknown>;

export interface RegistrationState {
  /** Ours, registered as Keyword: starts may carry them. */
  registered: SearchAttributeKey<'KEYWORD'>[];
  /** Ours, not registered yet: to be added. */
  missing: SearchAttributeKey<'KEYWORD'>[];
  /** Ours by name but registered with another type: left out, since no start could set them as Scryon does. */
  conflicting: SearchAttributeKey<'KEYWORD'>[];
}

export function registrationState(custom: CustomAttributes): RegistrationState {
  const state: RegistrationState = { registered: [], missing: [], conflicting: [] };
  for (const key of SCRYON_SEARCH_ATTRIBUTES) {
    const type = custom[key.name];
    if (type === undefined) state.missing.push(key);
    else if (type === KEYWORD) state.registered.push(key);
    else state.conflicting.push(key);
  }
  return state;
}

/**
 * The command an operator runs where Scryon may not register its attributes
 * itself. The CLI pairs each `--name` with a `--type` in order: a single
 * `--type` after several names adds only the first.
 */
export function registrationCommand(namespace: string, keys: readonly SearchAttributeKey<'KEYWORD'>[]): string {
  return [
    'temporal operator search-attribute create',
    `--namespace ${namespace}`,
    ...keys.map((key) => `--name ${key.name} --type Keyword`),
  ].join(' ');
}

/**
 * Registers Scryon's search attributes on the namespace, the embedded dev
 * server's or a remote cluster's, where they are missing, and answers what
 * starts may carry. Run at every start of every role, before any workflow is
 * started; a second process racing this one is harmless (what it added is
 * listed again). A cluster that refuses (no operator permission, Temporal
 * Cloud) costs one warning naming the command, and workflows start without
 * the attributes it lacks.
 */
export async function registerSearchAttributes(
  client: Client,
  namespace: string,
  logger: Logger,
): Promise<WorkflowSearchAttributes> {
  const operator = client.connection.operatorService;
  const list = async () =>
    registrationState((await operator.listSearchAttributes({ namespace })).customAttributes ?? {});
  let state: RegistrationState = { registered: [], missing: [...SCRYON_SEARCH_ATTRIBUTES], conflicting: [] };
  try {
    state = await list();
    if (state.missing.length > 0) {
      try {
        await operator.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(state.missing.map((key) => [key.name, KEYWORD])),
        });
      } catch (error) {
        // Another process may have added them first; only what is still missing is a refusal.
        state = await list();
        if (state.missing.length > 0) throw error;
      }
      state = await list();
    }
  } catch (error) {
    const missing = state.missing.map((key) => key.name);
    const command = registrationCommand(namespace, state.missing);
    logger.warn(
      { err: error, namespace, missing, command },
      `Temporal did not register the search attributes ${missing.join(', ')}, so workflows start without them ` +
        `and the Temporal UI cannot filter by them; register them once with: ${command}`,
    );
  }
  if (state.conflicting.length > 0) {
    const names = state.conflicting.map((key) => key.name);
    logger.warn(
      { namespace, conflicting: names },
      `search attributes registered on namespace ${namespace} with a type other than Keyword, ` +
        `so workflows start without them: ${names.join(', ')}`,
    );
  }
  return searchAttributesFor(new Set(state.registered.map((key) => key.name)));
}
