import type { VoiceMatchResult } from '../transcripts/resolve-speakers.ts';

export interface VoiceThresholds {
  high: number;
  medium: number;
}

interface Turn {
  speaker: string;
  start: number;
  end: number;
}

interface IdentifyOutput {
  diarization?: Array<{ speaker?: unknown; start?: unknown; end?: unknown }>;
  voiceprints?: Array<{ speaker?: unknown; match?: unknown; confidence?: Record<string, unknown> }>;
}

/**
 * Scores the user's voiceprint against the call's speakers. pyannote's
 * identify job diarizes on its own, so its speaker labels are mapped onto the
 * stored diarization by time overlap before thresholds apply: ≥ high → MATCHED
 * HIGH, ≥ medium → MATCHED MEDIUM, more than one speaker at ≥ medium →
 * AMBIGUOUS (no label), otherwise NO_MATCH.
 */
export function scoreVoiceMatch(
  identify: unknown,
  storedTurns: Turn[],
  label: string,
  thresholds: VoiceThresholds,
): VoiceMatchResult {
  const output = unwrap(identify);
  const identifyTurns = turnsOf(output.diarization ?? []);
  const scoreByIdentifySpeaker = new Map<string, number>();
  for (const voiceprint of output.voiceprints ?? []) {
    const confidence = Number(voiceprint.confidence?.[label]);
    if (typeof voiceprint.speaker === 'string' && Number.isFinite(confidence))
      scoreByIdentifySpeaker.set(voiceprint.speaker, confidence / 100);
  }
  const scores = new Map<string, number>();
  for (const speaker of new Set(storedTurns.map((turn) => turn.speaker))) {
    const counterpart =
      bestOverlap(
        storedTurns.filter((turn) => turn.speaker === speaker),
        identifyTurns,
      ) ?? speaker;
    scores.set(speaker, scoreByIdentifySpeaker.get(counterpart) ?? 0);
  }
  const candidates = [...scores.entries()]
    .filter(([, score]) => score >= thresholds.medium)
    .sort((a, b) => b[1] - a[1]);
  if (candidates.length > 1)
    return { status: 'AMBIGUOUS', sourceSpeakerId: null, score: round(candidates[0]![1]), confidence: null };
  const match = candidates[0];
  if (!match)
    return {
      status: 'NO_MATCH',
      sourceSpeakerId: null,
      score: round(Math.max(0, ...scores.values())),
      confidence: null,
    };
  return {
    status: 'MATCHED',
    sourceSpeakerId: match[0],
    score: round(match[1]),
    confidence: match[1] >= thresholds.high ? 'HIGH' : 'MEDIUM',
  };
}

function bestOverlap(ours: Turn[], theirs: Turn[]): string | undefined {
  const overlap = new Map<string, number>();
  for (const a of ours) {
    for (const b of theirs) {
      const shared = Math.min(a.end, b.end) - Math.max(a.start, b.start);
      if (shared > 0) overlap.set(b.speaker, (overlap.get(b.speaker) ?? 0) + shared);
    }
  }
  return [...overlap.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function unwrap(value: unknown): IdentifyOutput {
  const object = (value ?? {}) as { output?: IdentifyOutput } & IdentifyOutput;
  return object.output ?? object;
}

export function turnsOf(entries: Array<{ speaker?: unknown; start?: unknown; end?: unknown }>): Turn[] {
  return entries.flatMap((entry) =>
    typeof entry.speaker === 'string' && Number.isFinite(Number(entry.start)) && Number.isFinite(Number(entry.end))
      ? [{ speaker: entry.speaker, start: Number(entry.start), end: Number(entry.end) }]
      : [],
  );
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
