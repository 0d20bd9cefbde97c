import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import {
  fixture,
  startPipelineApp,
  submitFixture,
  waitForStatus,
  type PipelineApp,
} from '../../harness/pipeline-app.ts';

/**
 * The stage order as shared/spec/pipeline.md §5.1 writes it, read from the
 * spec itself so the test follows the document. The spec names the voice
 * stage by its first event (`VOICE_MATCH_STARTED`); the table's stage is `VOICE_MATCH`.
 */
function specStageOrder(): string[] {
  const spec = readFileSync(path.resolve(import.meta.dirname, '../../../../shared/spec/pipeline.md'), 'utf8');
  const line = spec.split('\n').find((text) => text.startsWith('`AUDIO_PREPROCESSED`'));
  if (!line) throw new Error('the stage order line of pipeline.md §5.1 was not found');
  // The chain of arrows only: the sentences after it name statuses, not stages.
  const chain = line.split('. ')[0]!;
  return [...chain.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!.replace(/^VOICE_MATCH_STARTED$/, 'VOICE_MATCH'));
}

function voiceSample(): FormData {
  const form = new FormData();
  form.append('consentAccepted', 'true');
  form.append('file', new Blob([new Uint8Array(fixture('voice-sample-20s.mp3'))], { type: 'audio/mpeg' }), 'me.mp3');
  return form;
}

describe('the processing-event timeline of one call, on PostgreSQL', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    // Voice match on and a profile enrolled, so every one of the nine stages runs (none is skipped).
    pipeline = await startPipelineApp({ env: { SCRYON_VOICE_EMBEDDING_ENABLED: 'true' } });
    user = await signUpUser();
    const enrolled = await pipeline.scryon.fetch('/api/users/me/voice-profile', {
      method: 'POST',
      token: user.idToken,
      body: voiceSample(),
    });
    expect(enrolled.status).toBe(201);
  });
  afterAll(() => pipeline.close());

  it('records each stage STARTED then COMPLETED, once, in the order of the pipeline spec', async () => {
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav', {
      contactName: 'Ravi',
      direction: 'INCOMING',
    });
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');

    const events = await pipeline.scryon.db!.query<{ stage: string; status: string }>(
      'select stage, status from call_processing_events where call_id = $1 order by created_at, id',
      [callId],
    );
    const expected = specStageOrder();
    expect(expected).toHaveLength(9);
    expect(events.map((event) => `${event.stage} ${event.status}`)).toEqual(
      expected.flatMap((stage) => [`${stage} STARTED`, `${stage} COMPLETED`]),
    );
  });
});
