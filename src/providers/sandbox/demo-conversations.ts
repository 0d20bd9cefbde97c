import type { ScriptLine } from './conversation-script.ts';

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
  sentiment: { overall: Sentiment; score: number; reason: string; bySpeaker: Record<ScriptSpeaker, { overall: Sentiment; score: number; notes: string }> };
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

/** Every call opens the same way, so the speaker resolver names Ravi (Acme) and Praveen whichever call is heard. */
function call(...texts: string[]): ScriptLine[] {
  return ['Hello, this is Ravi from Acme.', ...texts].map((text, index) => ({ speaker: index % 2 === 0 ? RAVI : PRAVEEN, text }));
}

const people = (ravi: string, praveen: string): DemoStory['people'] => [
  { name: 'Ravi', context: ravi, lines: [0] },
  { name: 'Praveen', context: praveen, lines: [1] },
];

const renewal: DemoConversation = {
  id: 'support-renewal',
  lines: call(
    'Hi Ravi, Praveen here. Do you have a few minutes to talk about our renewal?',
    'Of course. Your support plan ends at the end of this month.',
    'We want to renew, but the new price is twelve percent higher than last year.',
    "I understand. If you sign for two years, I can keep last year's price.",
    'A two year term could work, but I need to check it with our finance director first.',
    'That is fair. I will email you the two year quote today.',
    'Thanks. I will call you with our decision by Thursday.',
    'Great. Then the new contract can start before the current plan ends.',
    'Sounds good. Thanks, Ravi.',
  ),
  story: {
    title: 'Support plan renewal on a two year term',
    callType: 'sales',
    summary: "Ravi from Acme offered to keep last year's support price if Praveen renews for two years; Ravi emails the quote today and Praveen calls back with a decision by Thursday.",
    overview:
      "Praveen wants to renew Acme's support plan, which ends this month, but not at a price twelve percent higher. Ravi offered last year's price for a two year term. Praveen will check the term with the finance director and answer by Thursday.",
    outcome: "Two year renewal offered at last year's price; decision due by Thursday.",
    keyPoints: [
      { text: 'The support plan ends at the end of this month.', topic: 'Renewal', phase: 'opening', importance: 'medium', lines: [2] },
      { text: 'The new price is twelve percent higher than last year.', topic: 'Pricing', phase: 'middle', importance: 'high', lines: [3] },
      { text: "Signing for two years keeps last year's price.", topic: 'Pricing', phase: 'middle', importance: 'high', lines: [4] },
      { text: "Praveen needs the finance director's approval for a two year term.", topic: 'Approval', phase: 'middle', importance: 'medium', lines: [5] },
    ],
    decisions: [],
    openQuestions: [{ text: 'Will the finance director approve a two year term?', lines: [5] }],
    risks: [{ text: 'Support lapses if the renewal is not signed before the plan ends this month.', lines: [2, 8] }],
    opportunities: [{ text: "A two year renewal at last year's price.", lines: [4, 5] }],
    actionItems: [
      { title: 'Email the two year quote', description: "The quote keeps last year's price for a two year term.", line: 6, due: { said: 'today', daysLater: 0 }, intent: 'email', priority: 'high' },
      { title: 'Call back with the renewal decision', description: 'After checking the two year term with the finance director.', line: 7, due: { said: 'by Thursday', weekday: 4 }, intent: 'call', priority: 'medium' },
    ],
    dates: [{ description: 'The current support plan ends', due: { said: 'at the end of this month', monthEnd: 0 }, lines: [2] }],
    amounts: [
      { value: 'twelve percent', context: 'Price increase over last year', lines: [3] },
      { value: 'two years', context: "Term that keeps last year's price", lines: [4] },
    ],
    people: people('Acme, handling the support renewal', 'Renewing the support plan; checks with the finance director'),
    sentiment: {
      overall: 'positive',
      score: 0.3,
      reason: 'Both sides want the renewal; the price concern already has an offer on the table.',
      bySpeaker: {
        SPEAKER_00: { overall: 'positive', score: 0.5, notes: 'Accommodating and keen to keep the customer.' },
        SPEAKER_01: { overall: 'neutral', score: 0.1, notes: 'Interested but cautious about the price.' },
      },
    },
    tone: {
      overall: 'friendly',
      descriptors: ['businesslike', 'collaborative'],
      formality: 'semi-formal',
      energy: 'medium',
      pace: 'normal',
      bySpeaker: { SPEAKER_00: { overall: 'helpful', descriptors: ['flexible'] }, SPEAKER_01: { overall: 'careful', descriptors: ['polite', 'price-conscious'] } },
    },
    tags: ['renewal', 'pricing'],
  },
};

const splitDelivery: DemoConversation = {
  id: 'split-delivery',
  lines: call(
    'Hi Ravi, Praveen here. Thanks for calling.',
    'I am calling about the scanner order. Our supplier is three weeks behind, so we cannot deliver all of it on the fifteenth.',
    'That is a problem. Our new warehouse opens next month and the team needs the scanners for training.',
    'We can ship the first twenty units from our own stock this week and the rest at the end of next month.',
    "That works if the first twenty arrive before training starts. Let's split the delivery.",
    'Agreed. I will send the proposal with the new delivery dates by Friday.',
    'Great, I will review it and confirm the order with our finance team by Tuesday.',
    'Perfect. Thanks for being flexible, Praveen.',
    'Thanks, Ravi. Talk soon.',
  ),
  story: {
    title: 'Split delivery for the delayed scanner order',
    callType: 'business',
    summary: 'Ravi from Acme and Praveen agreed to split the delayed scanner order, twenty units from stock this week and the rest at the end of next month; Ravi sends the new proposal by Friday.',
    overview:
      "Acme's supplier is three weeks behind, so the scanner order cannot arrive in full on the fifteenth. Praveen's team needs scanners to train before the new warehouse opens next month. They agreed that twenty units ship from Acme's stock this week and the rest at the end of next month; Ravi sends the revised proposal by Friday and Praveen confirms the order with finance by Tuesday.",
    outcome: "Split delivery agreed, pending the revised proposal and the finance team's confirmation.",
    keyPoints: [
      { text: "Acme's supplier is three weeks behind, so the full scanner order cannot arrive on the fifteenth.", topic: 'Delivery delay', phase: 'opening', importance: 'high', lines: [2] },
      { text: 'The team needs scanners for training before the new warehouse opens next month.', topic: 'Impact', phase: 'middle', importance: 'high', lines: [3] },
      { text: "Twenty units ship from Acme's stock this week; the rest follow at the end of next month.", topic: 'Split delivery', phase: 'middle', importance: 'high', lines: [4, 5] },
      { text: 'The revised proposal comes by Friday and the order is confirmed with finance by Tuesday.', topic: 'Next steps', phase: 'closing', importance: 'medium', lines: [6, 7] },
    ],
    decisions: [{ text: "Split the scanner delivery: twenty units from Acme's stock this week, the rest at the end of next month.", lines: [4, 5] }],
    openQuestions: [],
    risks: [{ text: 'The supplier delay could leave the new warehouse without scanners for training.', lines: [2, 3] }],
    opportunities: [],
    actionItems: [
      {
        title: 'Send the proposal with the new delivery dates',
        description: 'The proposal covers the split delivery: twenty units from stock this week, the rest at the end of next month.',
        line: 6,
        due: { said: 'by Friday', weekday: 5 },
        intent: 'email',
        priority: 'high',
      },
      { title: 'Review the proposal and confirm the order with finance', description: 'Confirm the split delivery once the revised proposal arrives.', line: 7, due: { said: 'by Tuesday', weekday: 2 }, intent: 'task', priority: 'high' },
    ],
    dates: [{ description: 'The remaining scanners are delivered', due: { said: 'at the end of next month', monthEnd: 1 }, lines: [4] }],
    amounts: [
      { value: 'three weeks', context: "Acme's supplier delay", lines: [2] },
      { value: 'twenty units', context: "Shipped from Acme's stock this week", lines: [4] },
    ],
    people: people('Acme, handling the scanner order', 'Opening a new warehouse next month'),
    sentiment: {
      overall: 'positive',
      score: 0.4,
      reason: 'A delivery delay was resolved with a split delivery both sides accepted.',
      bySpeaker: {
        SPEAKER_00: { overall: 'positive', score: 0.4, notes: 'Upfront about the delay and quick to offer a fix.' },
        SPEAKER_01: { overall: 'mixed', score: 0.2, notes: 'Concerned about training, reassured by the split delivery.' },
      },
    },
    tone: {
      overall: 'cooperative',
      descriptors: ['professional', 'solution-focused'],
      formality: 'semi-formal',
      energy: 'medium',
      pace: 'normal',
      bySpeaker: { SPEAKER_00: { overall: 'accommodating', descriptors: ['candid', 'helpful'] }, SPEAKER_01: { overall: 'pragmatic', descriptors: ['direct', 'appreciative'] } },
    },
    tags: ['delivery', 'supplier delay', 'proposal'],
  },
};

const invoiceCorrection: DemoConversation = {
  id: 'invoice-correction',
  lines: call(
    'Hi Ravi, Praveen here. I am calling about the invoice you sent last week.',
    'Sure, what seems to be the problem?',
    'We were charged for fifty licences, but our contract covers forty.',
    'You are right, I can see the mistake. I am sorry about that.',
    'No problem. Our accounts team closes the month on Thursday, so we need a corrected invoice before then.',
    'I will send a corrected invoice with a credit note for the ten extra licences tomorrow.',
    'Thank you. I will pay it by Thursday once it arrives.',
    'I will also find out why the count was wrong and let you know by Monday.',
    'Great, thanks for sorting this out so quickly.',
  ),
  story: {
    title: 'Corrected invoice for ten extra licences',
    callType: 'finance',
    summary: 'Praveen flagged that Acme billed fifty licences instead of forty; Ravi sends a corrected invoice with a credit note tomorrow and Praveen pays it by Thursday.',
    overview:
      "Last week's invoice charged fifty licences against a contract for forty. Ravi acknowledged the mistake and will send a corrected invoice with a credit note for the ten extra licences tomorrow, in time for the month-end close on Thursday, and will explain the error by Monday.",
    outcome: 'Billing error acknowledged; corrected invoice on its way.',
    keyPoints: [
      { text: 'The invoice charged fifty licences; the contract covers forty.', topic: 'Billing error', phase: 'opening', importance: 'high', lines: [3] },
      { text: 'Ravi acknowledged the mistake.', topic: 'Billing error', phase: 'middle', importance: 'medium', lines: [4] },
      { text: 'The accounts team closes the month on Thursday.', topic: 'Deadline', phase: 'middle', importance: 'medium', lines: [5] },
      { text: 'Ravi will explain why the licence count was wrong by Monday.', topic: 'Root cause', phase: 'closing', importance: 'medium', lines: [8] },
    ],
    decisions: [{ text: 'Acme credits the ten extra licences.', lines: [4, 6] }],
    openQuestions: [{ text: 'Why was the licence count wrong?', lines: [8] }],
    risks: [{ text: 'The payment misses the month-end close if the corrected invoice is late.', lines: [5] }],
    opportunities: [],
    actionItems: [
      { title: 'Send a corrected invoice with a credit note for ten licences', description: 'Credit the ten licences billed beyond the contract.', line: 6, due: { said: 'tomorrow', daysLater: 1 }, intent: 'email', priority: 'high' },
      { title: 'Pay the corrected invoice', description: 'Before the accounts team closes the month.', line: 7, due: { said: 'by Thursday', weekday: 4 }, intent: 'task', priority: 'high' },
      { title: 'Explain why the licence count was wrong', description: 'Find the cause of the overcharge and report back.', line: 8, due: { said: 'by Monday', weekday: 1 }, intent: 'message', priority: 'medium' },
    ],
    dates: [{ description: 'The accounts team closes the month', due: { said: 'on Thursday', weekday: 4 }, lines: [5] }],
    amounts: [
      { value: 'fifty licences', context: "Billed on last week's invoice", lines: [3] },
      { value: 'forty licences', context: 'Covered by the contract', lines: [3] },
      { value: 'ten licences', context: 'Credited on the corrected invoice', lines: [6] },
    ],
    people: people('Acme, responsible for the account', 'Raised the billing error'),
    sentiment: {
      overall: 'positive',
      score: 0.4,
      reason: 'A billing error was acknowledged and fixed quickly.',
      bySpeaker: {
        SPEAKER_00: { overall: 'neutral', score: 0.2, notes: 'Apologetic and quick to correct the error.' },
        SPEAKER_01: { overall: 'positive', score: 0.4, notes: 'Calm about the error and grateful for the quick fix.' },
      },
    },
    tone: {
      overall: 'constructive',
      descriptors: ['polite', 'efficient'],
      formality: 'semi-formal',
      energy: 'medium',
      pace: 'normal',
      bySpeaker: { SPEAKER_00: { overall: 'apologetic', descriptors: ['responsive'] }, SPEAKER_01: { overall: 'matter-of-fact', descriptors: ['courteous'] } },
    },
    tags: ['billing', 'invoice', 'credit note'],
  },
};

const kickoff: DemoConversation = {
  id: 'onboarding-kickoff',
  lines: call(
    'Hi Ravi, Praveen here. Thanks for getting back to me.',
    'Good news, the contract is signed, so we can start the onboarding project.',
    'Excellent. Who should join the kickoff from your side?',
    'Our project lead Anita and two engineers. Would a week from today work, in the morning?',
    'A week from today works. I will book a one hour kickoff at ten and invite everyone.',
    'Great. I will send the project plan and the list of data we need tomorrow.',
    'Perfect. I will share our system access details with Anita in the next two days.',
    'Sounds good. Looking forward to working together.',
    'Likewise. Talk to you at the kickoff.',
  ),
  story: {
    title: 'Onboarding kickoff planned',
    callType: 'business',
    summary: "The Acme contract is signed; Praveen books the onboarding kickoff for a week from today, Ravi sends the project plan tomorrow and Praveen shares system access with Acme's project lead.",
    overview:
      "With the contract signed, Ravi and Praveen planned the onboarding project's kickoff: one hour, a week from today at ten, with Acme's project lead Anita and two engineers. Ravi sends the project plan and the data list tomorrow; Praveen shares system access details with Anita within two days.",
    outcome: 'Kickoff scheduled and preparation split between both sides.',
    keyPoints: [
      { text: 'The contract is signed and onboarding can start.', topic: 'Contract', phase: 'opening', importance: 'high', lines: [2] },
      { text: "Acme's project lead Anita and two engineers join the kickoff.", topic: 'Attendees', phase: 'middle', importance: 'medium', lines: [4] },
      { text: 'The kickoff is one hour, a week from today at ten.', topic: 'Kickoff', phase: 'middle', importance: 'high', lines: [4, 5] },
      { text: 'Ravi sends the project plan and data list; Praveen shares system access.', topic: 'Preparation', phase: 'closing', importance: 'medium', lines: [6, 7] },
    ],
    decisions: [{ text: 'Hold a one hour kickoff a week from today at ten.', lines: [4, 5] }],
    openQuestions: [],
    risks: [],
    opportunities: [{ text: 'The signed contract starts the onboarding project.', lines: [2] }],
    actionItems: [
      {
        title: 'Book the one hour kickoff and invite everyone',
        description: "Invite Acme's project lead Anita and two engineers.",
        line: 5,
        due: { said: 'a week from today', daysLater: 7 },
        intent: 'meeting',
        priority: 'high',
        meeting: { title: 'Onboarding kickoff', durationMinutes: 60, atTime: '10:00', attendees: ['Anita'] },
      },
      { title: 'Send the project plan and the list of data needed', description: 'Ahead of the kickoff.', line: 6, due: { said: 'tomorrow', daysLater: 1 }, intent: 'email', priority: 'high' },
      { title: 'Share system access details with Anita', description: "For Acme's project lead, before the kickoff.", line: 7, due: { said: 'in the next two days', daysLater: 2 }, intent: 'task', priority: 'medium' },
    ],
    dates: [],
    amounts: [
      { value: 'one hour', context: 'Kickoff length', lines: [5] },
      { value: 'two engineers', context: "Joining from Acme's side", lines: [4] },
    ],
    people: [...people('Acme, starting the onboarding project', 'Organising the kickoff'), { name: 'Anita', context: "Acme's project lead", lines: [4, 7] }],
    sentiment: {
      overall: 'positive',
      score: 0.7,
      reason: 'A signed contract and a quickly agreed kickoff plan.',
      bySpeaker: {
        SPEAKER_00: { overall: 'positive', score: 0.7, notes: 'Pleased to share the signed contract.' },
        SPEAKER_01: { overall: 'positive', score: 0.6, notes: 'Enthusiastic and quick to organise.' },
      },
    },
    tone: {
      overall: 'upbeat',
      descriptors: ['friendly', 'organised'],
      formality: 'semi-formal',
      energy: 'high',
      pace: 'normal',
      bySpeaker: { SPEAKER_00: { overall: 'cheerful', descriptors: ['helpful'] }, SPEAKER_01: { overall: 'eager', descriptors: ['organised'] } },
    },
    tags: ['onboarding', 'kickoff', 'meeting'],
  },
};

/**
 * The calls the sandbox hears, chosen by the recording's whole seconds modulo
 * their number. Ordered so the committed 13-second fixture hears the split
 * delivery call, whose opening lines it speaks.
 */
export const DEMO_CONVERSATIONS: readonly DemoConversation[] = [renewal, splitDelivery, invoiceCorrection, kickoff];
