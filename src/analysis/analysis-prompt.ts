import { EMAIL_PATTERN, PHONE_PATTERN, type AnalysisTranscript } from './analysis-input.ts';

export interface AnalysisPromptInput {
  call: { callId: string; recordedAt: string; durationSeconds: number | null; title?: string | undefined };
  transcript: AnalysisTranscript;
}

const SYSTEM_RULES =
  `You analyse one phone call transcript and answer with JSON matching the given schema.
Rules:
- Cite evidence: every sourceSegmentIds lists the ids (seg_NNNN) of the segments that support the item; use [] when ` +
  `there is no evidence. Never cite an id that is not in the transcript.
- Never invent names, dates, times, emails or phone numbers. Leave intent metadata fields null unless the ` +
  `transcript states them. dueDate is YYYY-MM-DD only when a date was stated.
- Write speaker-neutral prose. Never write "Speaker 1" or "Speaker 2". Use speaker ids only in action-item owner ` +
  `fields; use a real name only when it was said in the call and matters.
- State each fact once across summary, bullets, points and sections. Be specific; avoid generic phrasing.
- Prefer nextSteps for personal plans; actionItems are concrete tasks someone committed to.
- Sentiment and tone must be grounded in what was said: prefer "unclear" and small magnitudes for brief or terse ` +
  `speakers; leave emotionalSignals empty when nothing supports them.
- outcome, followUpRequired and escalationRequired each give a one-sentence rationale and cite the segments it ` +
  `rests on; with nothing to cite, the rationale is null and the verdict cautious (outcome "unclear", false).
- A very short call may have empty lists and null summaries.`;

/**
 * The prompt for one analysis. The user content carries only non-PII call
 * metadata and the post-resolution transcript by speaker id and role: never
 * the contact's name or number, the user's account, and phone numbers or
 * emails spoken in the call are masked before they leave.
 */
export function buildAnalysisPrompt(input: AnalysisPromptInput): { system: string; user: string } {
  const content = {
    call: {
      callId: input.call.callId,
      recordedAt: input.call.recordedAt,
      durationSeconds: input.call.durationSeconds,
      ...(input.call.title ? { title: redact(input.call.title) } : {}),
    },
    transcript: {
      language: input.transcript.language,
      durationSeconds: input.transcript.durationSeconds,
      speakers: input.transcript.speakers.map((speaker) => ({ speakerId: speaker.speakerId, role: speaker.role })),
      segments: input.transcript.segments.map((segment) => ({
        id: segment.id,
        speakerId: segment.speakerId,
        role: segment.role,
        start: segment.startSeconds,
        end: segment.endSeconds,
        text: redact(segment.text),
      })),
    },
  };
  return { system: SYSTEM_RULES, user: JSON.stringify(content) };
}

export function redact(text: string): string {
  return text
    .replace(EMAIL_PATTERN, '[email]')
    .replace(PHONE_PATTERN, (match) => (match.replace(/\D/g, '').length >= 7 ? '[phone]' : match));
}
