import { describe, expect, it } from 'vitest';
import { rejectionLine } from '../../../src/api/http/render-error.ts';
import { statusLine } from '../../../src/calls/status-log.ts';
import { validationFailed, toEnvelope } from '../../../src/errors/app-error.ts';
import { logFormatOf } from '../../../src/observability/logger.ts';

const uploadedAt = new Date('2026-01-01T10:00:00.000Z');
const sandbox = { transcription: 'sandbox', diarization: 'sandbox', analysis: 'sandbox' } as const;

describe('a call moving on: one line with the time since its upload', () => {
  it('names the short id, the status, the time and that it ran in the sandbox', () => {
    const change = {
      callId: '10b3e5a1-2222-4333-8444-555566667777',
      status: 'COMPLETED',
      errorReason: null,
      uploadedAt,
    };
    const line = statusLine({ ...change, changedAt: new Date('2026-01-01T10:00:02.100Z') }, sandbox);
    expect(line).toBe('call 10b3e5a1… COMPLETED in 2.1 s (sandbox)');
  });

  it('gives the reason of a failure, minutes past a minute, and which providers are the sandbox', () => {
    const change = { callId: 'abcdef0123456789', status: 'FAILED', errorReason: 'pipeline_stalled', uploadedAt };
    const modes = { transcription: 'real', diarization: 'off', analysis: 'sandbox' } as const;
    const line = statusLine({ ...change, changedAt: new Date('2026-01-01T10:02:05.000Z') }, modes);
    expect(line).toBe('call abcdef01… FAILED: pipeline_stalled in 2 min 5 s (sandbox: analysis)');
  });
});

describe('a refused request: the reason in the log, not only in the envelope', () => {
  it('names the code, the message and each field of validation_failed', () => {
    const envelope = toEnvelope(
      validationFailed({ 'metadata.durationSeconds': 'must be a number' }, 'Invalid metadata'),
    );
    expect(rejectionLine(400, envelope)).toBe(
      'rejected 400 validation_failed: Invalid metadata [metadata.durationSeconds: must be a number]',
    );
  });
});

describe('the log format', () => {
  it('is human in dev at a terminal, JSON elsewhere, and LOG_FORMAT decides when set', () => {
    expect(logFormatOf(undefined, 'dev', true)).toBe('pretty');
    expect(logFormatOf(undefined, 'dev', false)).toBe('json');
    expect(logFormatOf(undefined, 'prod', true)).toBe('json');
    expect(logFormatOf('pretty', 'prod', false)).toBe('pretty');
    expect(logFormatOf('json', 'dev', true)).toBe('json');
  });
});

describe('the Temporal SDK lines', () => {
  it('lose the task token and keep which activity it was', async () => {
    const { withoutTaskTokens } = await import('../../../src/pipeline/runtime/temporal-logging.ts');
    const meta = { activityId: '3', activityType: 'transcribeAudio', taskToken: 'Q2lR'.repeat(300) };
    expect(withoutTaskTokens(meta)).toEqual({ activityId: '3', activityType: 'transcribeAudio' });
  });

  it('keep "No workflows registered" (the audio worker runs activities only) out of the warnings', async () => {
    const { levelOf } = await import('../../../src/pipeline/runtime/temporal-logging.ts');
    expect(levelOf({ level: 'WARN', message: 'No workflows registered, not polling for workflow tasks' })).toBe(
      'DEBUG',
    );
    expect(levelOf({ level: 'WARN', message: 'Activity failed' })).toBe('WARN');
  });
});
