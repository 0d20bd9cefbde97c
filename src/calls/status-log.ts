import type { ProviderModes } from '../config/provider-modes.ts';

export interface StatusChange {
  callId: string;
  status: string;
  errorReason: string | null;
  /** When the call was uploaded and when it reached this status. */
  uploadedAt: Date;
  changedAt: Date;
}

/**
 * `call 10b3e5a1… COMPLETED in 2.1 s (sandbox)`: what a developer watching the
 * dev log wants from a call moving on. The id is shortened (the full one is a
 * field of the same line); the time counts from the upload.
 */
export function statusLine(change: StatusChange, modes: ProviderModes): string {
  const seconds = Math.max(0, change.changedAt.getTime() - change.uploadedAt.getTime()) / 1000;
  const reason = change.errorReason ? `: ${change.errorReason}` : '';
  const took = `in ${formatSeconds(seconds)} (${providersNote(modes)})`;
  return `call ${change.callId.slice(0, 8)}… ${change.status}${reason} ${took}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** "sandbox", "real providers", or which ones are the sandbox when they are mixed. */
function providersNote(modes: ProviderModes): string {
  const used = Object.entries(modes).filter(([, mode]) => mode !== 'off');
  const sandboxed = used.filter(([, mode]) => mode === 'sandbox').map(([name]) => name);
  if (sandboxed.length === 0) return 'real providers';
  return sandboxed.length === used.length ? 'sandbox' : `sandbox: ${sandboxed.join(', ')}`;
}
