import { describe, expect, it } from 'vitest';
import { CALL_STATUSES } from '../../../src/calls/call-record.entity.ts';
import { IN_FLIGHT_STATUSES, isTerminal, TERMINAL_STATUSES } from '../../../src/calls/call-status.ts';

describe('call status vocabulary', () => {
  it('a call is terminal once COMPLETED or FAILED, and in flight before', () => {
    expect(TERMINAL_STATUSES).toEqual(['COMPLETED', 'FAILED']);
    expect(IN_FLIGHT_STATUSES).toEqual(['QUEUED', 'TRANSCRIBING', 'ANALYZING']);
    expect(CALL_STATUSES.filter(isTerminal)).toEqual(TERMINAL_STATUSES);
  });
});
