/** The call was deleted while work on it was under way; the work stops quietly. */
export class CallGoneError extends Error {
  constructor(callId: string) {
    super(`call ${callId} no longer exists`);
    this.name = 'CallGoneError';
  }
}
