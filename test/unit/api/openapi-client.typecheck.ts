/**
 * Compile-only: `tsc --noEmit` checks that a client generated from the
 * OpenAPI document (schema/openapi-types.ts, written by `npm run gen`) reads
 * the transcript and the analysis typed, as the README's examples do. Nothing
 * here runs; a field that stops being typed fails the type check.
 */
import createClient from 'openapi-fetch';
import type { paths } from '../../../schema/openapi-types.ts';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

export async function readsACallTyped(token: string, callId: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const client = createClient<paths>({ baseUrl: 'https://scryon.example.com/api', headers });
  const params = { path: { id: callId } };

  const transcript = (await client.GET('/calls/{id}/transcript', { params })).data;
  const analysis = (await client.GET('/calls/{id}/analysis', { params })).data;
  if (!transcript || !analysis) return '';

  const cleanText: string = transcript.cleanText;
  const segment = transcript.segments[0];
  const speaker: string | undefined = segment?.speaker;
  const role: 'USER' | 'CONTACT' | 'UNKNOWN' | undefined = segment?.role;
  const speakerName: string | null | undefined = transcript.speakers[0]?.displayName;
  const oneLineSummary: string | null = analysis.oneLineSummary;
  const result = analysis.outcome?.result;

  assertType<Equals<typeof cleanText, string>>();
  assertType<Equals<typeof oneLineSummary, string | null>>();
  // Not `unknown`: the outcome is a named enum, so a typo in a comparison fails to compile.
  assertType<Equals<unknown, typeof result> extends true ? false : true>();
  return [cleanText, speaker, role, speakerName, oneLineSummary, result].join('\n');
}

export async function sendsIdempotentBulkDelete(callIds: string[]): Promise<number | undefined> {
  const client = createClient<paths>({ baseUrl: 'https://scryon.example.com/api' });
  const { data, error } = await client.DELETE('/calls', {
    params: { header: { 'Idempotency-Key': 'a-retry-safe-key' } },
    body: { callIds },
  });
  if (error) return undefined;
  const deleted: number = data.deleted;
  return deleted;
}
