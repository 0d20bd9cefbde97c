/** One line of a scripted conversation the sandbox "hears" in a recording. */
export interface ScriptLine {
  speaker: string;
  text: string;
}
import storedConversations from './demo-conversations.json' with { type: 'json' };

/** The script's two voices: Ravi from Acme always speaks first, Praveen (the user) second. */
export type ScriptSpeaker = 'SPEAKER_00' | 'SPEAKER_01';

/** A due date as said in the call; the sandbox analysis resolves it against the day the call was recorded. */
export type SpokenDue =
  | { said: string; daysLater: number }
  /** The next such weekday after the call's day (0 = Sunday): "by Friday" said on a Friday means next week. */
  | { said: string; weekday: number }
  /** The last day of this month (0) or the next (1). */
  | { said: string; monthEnd: 0 | 1 };

type Level = 'low' | 'medium' | 'high';
type Sentiment = 'positive' | 'neutral' | 'negative' | 'mixed';

/** Something the analysis states, with the script lines (0-based) that support it. */
export interface StoryFact {
  text: string;
  lines: number[];
}

export interface StoryPoint extends StoryFact {
  topic: string;
  phase: 'opening' | 'middle' | 'closing' | 'followup';
  importance: Level;
}

export interface StoryAction {
  title: string;
  description: string;
  /** The line in which the owner commits to it: its speaker owns the item. */
  line: number;
  due: SpokenDue;
  intent: 'meeting' | 'email' | 'call' | 'message' | 'task';
  priority: Level;
  meeting?: { title: string; durationMinutes: number; atTime: string; attendees: string[] };
}

/** What a person would write about the call: the sandbox analysis restates this, grounded in the transcript. */
export interface DemoStory {
  title: string;
  callType: 'business' | 'sales' | 'finance';
  summary: string;
  overview: string;
  outcome: string;
  keyPoints: StoryPoint[];
  decisions: StoryFact[];
  openQuestions: StoryFact[];
  risks: StoryFact[];
  opportunities: StoryFact[];
  actionItems: StoryAction[];
  dates: Array<{ description: string; due: SpokenDue; lines: number[] }>;
  amounts: Array<{ value: string; context: string; lines: number[] }>;
  people: Array<{ name: string; context: string; lines: number[] }>;
  sentiment: {
    overall: Sentiment;
    score: number;
    reason: string;
    bySpeaker: Record<ScriptSpeaker, { overall: Sentiment; score: number; notes: string }>;
  };
  tone: {
    overall: string;
    descriptors: string[];
    formality: 'formal' | 'semi-formal' | 'informal';
    energy: Level;
    pace: 'slow' | 'normal' | 'fast';
    bySpeaker: Record<ScriptSpeaker, { overall: string; descriptors: string[] }>;
  };
  tags: string[];
}

export interface DemoConversation {
  id: string;
  lines: ScriptLine[];
  story: DemoStory;
}

const RAVI = 'SPEAKER_00';
const PRAVEEN = 'SPEAKER_01';

/** The calls as data: what each side says after the common opening, and the story an analyst would write of it. */
interface StoredConversation {
  id: string;
  replies: string[];
  story: DemoStory;
}

/** Every call opens the same way, so the speaker resolver names Ravi (Acme) and Praveen whichever call is heard. */
function call(replies: string[]): ScriptLine[] {
  return ['Hello, this is Ravi from Acme.', ...replies].map((text, index) => ({
    speaker: index % 2 === 0 ? RAVI : PRAVEEN,
    text,
  }));
}

/**
 * The calls the sandbox hears, chosen by the recording's whole seconds modulo
 * their number. Ordered so the committed 13-second fixture hears the split
 * delivery call, whose opening lines it speaks.
 */
export const DEMO_CONVERSATIONS: readonly DemoConversation[] = (storedConversations as StoredConversation[]).map(
  (stored) => ({
    id: stored.id,
    lines: call(stored.replies),
    story: stored.story,
  }),
);
