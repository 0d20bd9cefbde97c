import type { AnalysisOutput } from '../../analysis/analysis-schema.ts';
import type { AnalysisTranscript } from '../../analysis/analysis-input.ts';
import { redact } from '../../analysis/analysis-prompt.ts';
import {
  emptyIntentMetadata,
  unclearPartySentiment,
  unclearSentiment,
  unknownPartyTone,
  unknownTone,
} from '../../analysis/empty-analysis.ts';
import { foldText } from '../../transcripts/fold-text.ts';
import { castText, SCRIPT_CAST, type Cast } from './cast.ts';
import {
  DEMO_CONVERSATIONS,
  type DemoConversation,
  type ScriptSpeaker,
  type SpokenDue,
  type StoryAction,
  type StoryFact,
} from './demo-conversations.ts';

type ActionItem = AnalysisOutput['actionItems'][number];
type Segment = AnalysisTranscript['segments'][number];
type Role = Segment['role'];

/** What the prompt says about the call besides the transcript. */
export interface SandboxCall {
  recordedAt?: string | undefined;
}

/**
 * A deterministic stand-in for the LLM, used by the sandbox provider in
 * development and by the OpenAI test fake. A transcript of one of the demo
 * calls is summarised as its script's story tells it; any other transcript is
 * restated by rules. Either way it cites only segments that exist and owners
 * who speak, so its output passes grounding unchanged.
 */
export function sandboxAnalysis(transcript: AnalysisTranscript, call: SandboxCall = {}): AnalysisOutput {
  for (const conversation of DEMO_CONVERSATIONS) {
    const segments = segmentsSaying(conversation, transcript.segments);
    if (segments) return storyAnalysis(conversation, segments, callDay(call.recordedAt));
    const cast = castSaying(conversation, transcript.segments);
    if (cast) return storyAnalysis(castConversation(conversation, cast), transcript.segments, callDay(call.recordedAt));
  }
  return ruleBasedAnalysis(transcript);
}

/**
 * The names the transcript says in place of the script's, when it is the
 * conversation cast with other names (the sandbox casts it with the upload's
 * contact and the user's display name): the same lines, names aside.
 */
function castSaying(conversation: DemoConversation, segments: AnalysisTranscript['segments']): Cast | null {
  if (segments.length !== conversation.lines.length) return null;
  const found: Partial<Cast> = {};
  for (const [index, line] of conversation.lines.entries()) {
    const names = namesIn(line.text, segments[index]!.text);
    if (!names) return null;
    for (const [role, name] of Object.entries(names) as Array<[keyof Cast, string]>) {
      if (found[role] !== undefined && found[role] !== name) return null;
      found[role] = name;
    }
  }
  return { ...SCRIPT_CAST, ...found };
}

/** The names `said` has where the script line has Ravi and Praveen; null when the rest differs. */
function namesIn(scripted: string, said: string): Partial<Cast> | null {
  const roles: Array<keyof Cast> = [];
  const source = scripted
    .split(/\b(Ravi|Praveen)\b/)
    .map((part, index) => {
      const escapeRegExp = (piece: string) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (index % 2 === 0) return part.split(/\s+/).map(escapeRegExp).join('\\s+');
      roles.push(part === 'Ravi' ? 'contact' : 'user');
      return '(.+?)';
    })
    .join('');
  const match = new RegExp(`^${source}$`, 'iu').exec(said.trim());
  if (!match) return null;
  return Object.fromEntries(roles.map((role, index) => [role, match[index + 1]!]));
}

function castConversation(conversation: DemoConversation, cast: Cast): DemoConversation {
  // Names go into JSON text, so they are escaped as JSON strings are.
  const escaped = { contact: JSON.stringify(cast.contact).slice(1, -1), user: JSON.stringify(cast.user).slice(1, -1) };
  const story = JSON.parse(castText(JSON.stringify(conversation.story), escaped)) as DemoConversation['story'];
  return { ...conversation, story };
}

/** The segment saying each line of the conversation, when the transcript is that call word for word. */
function segmentsSaying(conversation: DemoConversation, segments: AnalysisTranscript['segments']): Segment[] | null {
  if (segments.length !== conversation.lines.length) return null;
  return conversation.lines.every((line, index) => comparable(line.text) === comparable(segments[index]!.text))
    ? segments
    : null;
}

function comparable(text: string): string {
  return foldText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function storyAnalysis({ lines, story }: DemoConversation, segments: Segment[], day: Date | null): AnalysisOutput {
  const cite = (numbers: number[]) => numbers.map((line) => segments[line]!.id);
  const cited = (facts: StoryFact[]) => facts.map((fact) => ({ text: fact.text, sourceSegmentIds: cite(fact.lines) }));
  const dateOf = (due: SpokenDue) => (day ? isoDate(resolveDue(due, day)) : null);
  const actionItems = story.actionItems.map((action) =>
    storyActionItem(action, segments[action.line]!, dateOf(action.due)),
  );
  // The script knows who is Ravi and who Praveen; the transcript knows which of them is the user.
  const roleOf = (speaker: ScriptSpeaker): Role =>
    segments[lines.findIndex((line) => line.speaker === speaker)]?.role ?? 'UNKNOWN';
  const partyIn = (role: Role) => (['SPEAKER_00', 'SPEAKER_01'] as const).find((speaker) => roleOf(speaker) === role);
  const sentimentOf = (speaker: ScriptSpeaker | undefined) =>
    speaker ? { ...story.sentiment.bySpeaker[speaker] } : unclearPartySentiment();
  const toneOf = (speaker: ScriptSpeaker | undefined) =>
    speaker ? { ...story.tone.bySpeaker[speaker], notes: null } : unknownPartyTone();
  return {
    callType: story.callType,
    suggestedTitle: story.title,
    oneLineSummary: story.summary,
    executiveSummary: story.overview,
    executiveSummaryBullets: [],
    conversationOutcome: story.outcome,
    sections: [
      {
        id: 'sec_001',
        title: story.title,
        type: 'topic',
        summary: story.outcome,
        items: story.keyPoints.map((point) => ({
          text: point.text,
          importance: point.importance,
          speaker: null,
          sourceSegmentIds: cite(point.lines),
        })),
      },
    ],
    keyDiscussionPoints: story.keyPoints.map((point) => ({
      text: point.text,
      topic: point.topic,
      phase: point.phase,
      importance: point.importance,
      sourceSegmentIds: cite(point.lines),
    })),
    actionItems,
    nextSteps: [],
    importantDates: [
      ...story.actionItems.map((action) => ({
        description: `${action.title} ${action.due.said}`,
        date: dateOf(action.due),
        sourceSegmentIds: cite([action.line]),
      })),
      ...story.dates.map((date) => ({
        description: `${date.description} ${date.due.said}`,
        date: dateOf(date.due),
        sourceSegmentIds: cite(date.lines),
      })),
    ],
    decisions: cited(story.decisions),
    commitments: actionItems.map((item) => ({
      text: item.title,
      ownerSpeakerId: item.ownerSpeakerId,
      sourceSegmentIds: item.sourceSegmentIds,
    })),
    openQuestions: cited(story.openQuestions),
    risks: cited(story.risks),
    opportunities: cited(story.opportunities),
    peopleMentioned: story.people.map((person) => ({
      name: person.name,
      context: person.context,
      sourceSegmentIds: cite(person.lines),
    })),
    numbersAndAmounts: story.amounts.map((amount) => ({
      value: amount.value,
      context: amount.context,
      sourceSegmentIds: cite(amount.lines),
    })),
    sentiment: {
      overall: story.sentiment.overall,
      score: story.sentiment.score,
      reason: story.sentiment.reason,
      userSentiment: sentimentOf(partyIn('USER')),
      contactSentiment: sentimentOf(partyIn('CONTACT')),
      progression: [],
      emotionalSignals: [],
    },
    tone: {
      overall: story.tone.overall,
      descriptors: [...story.tone.descriptors],
      formality: story.tone.formality,
      energy: story.tone.energy,
      pace: story.tone.pace,
      notes: null,
      byParty: { userTone: toneOf(partyIn('USER')), contactTone: toneOf(partyIn('CONTACT')) },
    },
    tags: [...story.tags],
    qualityWarnings: ['sandbox_analysis'],
    ...judgementsOf(actionItems),
  };
}

/**
 * The judgements a rule can make: a call whose speakers committed to tasks
 * reached an agreement and needs following up, citing those commitments;
 * anything else is unclear, with nothing to cite. Nothing is escalated.
 */
function judgementsOf(
  actionItems: readonly ActionItem[],
): Pick<AnalysisOutput, 'outcome' | 'followUpRequired' | 'escalationRequired'> {
  const committed = [...new Set(actionItems.flatMap((item) => item.sourceSegmentIds))];
  const notEscalated = { value: false, rationale: null, sourceSegmentIds: [] };
  if (committed.length === 0)
    return {
      outcome: { result: 'unclear', rationale: null, sourceSegmentIds: [] },
      followUpRequired: { value: false, rationale: null, sourceSegmentIds: [] },
      escalationRequired: notEscalated,
    };
  return {
    outcome: { result: 'achieved', rationale: 'The call ended with agreed next steps.', sourceSegmentIds: committed },
    followUpRequired: {
      value: true,
      rationale: `${actionItems.length === 1 ? 'A task was' : 'Tasks were'} committed to during the call.`,
      sourceSegmentIds: committed,
    },
    escalationRequired: notEscalated,
  };
}

/** Owned by whoever says the committing line; the label and name are left to grounding, which knows the speakers. */
function storyActionItem(action: StoryAction, segment: Segment, dueDate: string | null): ActionItem {
  const meeting = action.meeting;
  return {
    title: action.title,
    description: action.description,
    ownerSpeakerId: segment.speakerId,
    ownerSpeakerLabel: null,
    ownerDisplayName: null,
    ownerRole: segment.role,
    dueDate,
    priority: action.priority,
    sourceSegmentIds: [segment.id],
    intent: action.intent,
    intentMetadata: meeting
      ? {
          ...emptyIntentMetadata(),
          title: meeting.title,
          durationMinutes: meeting.durationMinutes,
          proposedAt: dueDate ? `${dueDate}T${meeting.atTime}` : null,
          attendees: meeting.attendees.map((name) => ({ name, email: null })),
        }
      : emptyIntentMetadata(),
  };
}

/** The UTC day the call was recorded: the prompt carries no time zone, and a date must not depend on the machine's. */
function callDay(recordedAt: string | undefined): Date | null {
  const time = recordedAt ? Date.parse(recordedAt) : Number.NaN;
  if (Number.isNaN(time)) return null;
  const at = new Date(time);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function resolveDue(due: SpokenDue, day: Date): Date {
  if ('daysLater' in due) return addDays(day, due.daysLater);
  if ('weekday' in due) return addDays(day, ((due.weekday - day.getUTCDay() + 6) % 7) + 1);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + due.monthEnd + 1, 0));
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * 86_400_000);
}

function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

const COMMITMENT_VERBS = 'send|call|email|review|share|follow up|book|schedule|check|prepare';
const COMMITMENT = new RegExp(String.raw`\b(?:I'll|I will|we'll|we will|let me)\s+(${COMMITMENT_VERBS})\b[^.?!]*`, 'i');
const INTENT_BY_VERB: Record<string, ActionItem['intent']> = {
  send: 'email',
  email: 'email',
  call: 'call',
  book: 'meeting',
  schedule: 'meeting',
};

/** Any other transcript: its opening as the summary, and each "I will send/call/…" as an action item of its speaker. */
function ruleBasedAnalysis(transcript: AnalysisTranscript): AnalysisOutput {
  const segments = transcript.segments;
  const opening = segments
    .slice(0, 2)
    .map((segment) => redact(segment.text))
    .join(' ');
  const actionItems = segments.flatMap((segment) => {
    const match = COMMITMENT.exec(segment.text);
    if (!match) return [];
    const verb = match[1]!.toLowerCase();
    return [
      {
        title: capitalise(redact(match[0]).replace(/^(I'll|I will|we'll|we will|let me)\s+/i, '')),
        description: null,
        ownerSpeakerId: segment.speakerId,
        ownerSpeakerLabel: null,
        ownerDisplayName: null,
        ownerRole: segment.role,
        dueDate: null,
        priority: 'medium' as const,
        sourceSegmentIds: [segment.id],
        intent: INTENT_BY_VERB[verb] ?? ('task' as const),
        intentMetadata: emptyIntentMetadata(),
      },
    ];
  });
  return {
    callType: 'unknown',
    suggestedTitle: null,
    oneLineSummary: opening ? truncate(opening, 160) : null,
    executiveSummary: opening || null,
    executiveSummaryBullets: [],
    conversationOutcome: null,
    sections: segments.length
      ? [
          {
            id: 'sec_001',
            title: 'Conversation',
            type: 'topic',
            summary: null,
            items: segments.slice(0, 5).map((segment) => ({
              text: redact(segment.text),
              importance: 'medium' as const,
              speaker: null,
              sourceSegmentIds: [segment.id],
            })),
          },
        ]
      : [],
    keyDiscussionPoints: [],
    actionItems,
    nextSteps: [],
    importantDates: [],
    decisions: [],
    commitments: actionItems.map((item) => ({
      text: item.title,
      ownerSpeakerId: item.ownerSpeakerId,
      sourceSegmentIds: item.sourceSegmentIds,
    })),
    openQuestions: [],
    risks: [],
    opportunities: [],
    peopleMentioned: [],
    numbersAndAmounts: [],
    sentiment: unclearSentiment(),
    tone: unknownTone(),
    tags: [],
    qualityWarnings: ['sandbox_analysis'],
    ...judgementsOf(actionItems),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
