import type { TestApp } from './test-app.ts';

export interface UploadParts {
  file?: { bytes: Buffer; filename?: string; contentType?: string };
  metadata?: unknown;
  /** Sent verbatim as the metadata part (for malformed JSON cases). */
  rawMetadata?: string;
  title?: string;
  fields?: Record<string, string>;
}

export function uploadForm(parts: UploadParts): FormData {
  const form = new FormData();
  if (parts.metadata !== undefined)
    form.append('metadata', new Blob([JSON.stringify(parts.metadata)], { type: 'application/json' }));
  if (parts.rawMetadata !== undefined)
    form.append('metadata', new Blob([parts.rawMetadata], { type: 'application/json' }));
  if (parts.title !== undefined) form.append('title', parts.title);
  for (const [name, value] of Object.entries(parts.fields ?? {})) form.append(name, value);
  if (parts.file)
    form.append(
      'file',
      new Blob([new Uint8Array(parts.file.bytes)], { type: parts.file.contentType ?? 'audio/wav' }),
      parts.file.filename ?? 'call.wav',
    );
  return form;
}

export async function uploadCall(
  scryon: TestApp,
  token: string,
  parts: UploadParts,
  headers: Record<string, string> = {},
): Promise<Response> {
  return scryon.fetch('/api/calls/analyze', { method: 'POST', token, body: uploadForm(parts), headers });
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Workflows started on this app's own task queue (each test app has one). */
export async function workflowIds(scryon: TestApp): Promise<string[]> {
  const ids: string[] = [];
  const query = `TaskQueue = '${scryon.env.TEMPORAL_TASK_QUEUE}'`;
  for await (const workflow of scryon.app.temporal.client.workflow.list({ query })) ids.push(workflow.workflowId);
  return ids;
}

/**
 * Which of `ids` name a workflow Temporal has started, asked of each by id:
 * unlike a list, which reads the eventually consistent visibility store, a
 * describe sees a workflow the moment its start returned.
 */
export async function startedWorkflowIds(scryon: TestApp, ids: readonly string[]): Promise<string[]> {
  const started = await Promise.all(
    ids.map((id) =>
      scryon.app.temporal.client.workflow
        .getHandle(id)
        .describe()
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  return ids.filter((_, index) => started[index]);
}

export async function storedKeys(scryon: TestApp, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of scryon.app.storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/**
 * Stored keys under `prefix` that belong to none of `deletedCalls`: a deleted
 * call's objects go with its clean-up workflow, which only a worker runs.
 */
export async function keysBesides(
  scryon: TestApp,
  prefix: string,
  deletedCalls: ReadonlySet<string>,
): Promise<string[]> {
  return (await storedKeys(scryon, prefix)).filter((key) => !deletedCalls.has(key.split('/')[3] ?? ''));
}

export async function userRowId(scryon: TestApp, externalUserId: string): Promise<string> {
  const rows = await scryon.db!.query<{ id: string }>('select id from users where external_user_id = $1', [
    externalUserId,
  ]);
  if (!rows[0]) throw new Error(`no user row for ${externalUserId}`);
  return rows[0].id;
}

/** A JSON client of the REST surface for one token: `api('POST', '/api/webhooks', body)`. */
export function jsonApi(scryon: TestApp, token: string) {
  return (method: string, path: string, body?: unknown, as: string = token): Promise<Response> =>
    scryon.fetch(path, {
      method,
      token: as,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
}
