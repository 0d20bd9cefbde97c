import type { AnalysisOutput } from './analysis-schema.ts';

/**
 * The lists of an analysis that hold what a call contained, all empty: the
 * start of an analysis written without the LLM (a silent call, a legacy
 * document read into today's shape), which then fills in what it knows.
 */
export function emptyFindings() {
  return {
    executiveSummaryBullets: [],
    sections: [],
    keyDiscussionPoints: [],
    actionItems: [],
    nextSteps: [],
    importantDates: [],
    decisions: [],
    commitments: [],
    openQuestions: [],
    risks: [],
    opportunities: [],
    peopleMentioned: [],
    numbersAndAmounts: [],
  };
}

/** One party's sentiment when nothing could be read from them. */
export function unclearPartySentiment(): AnalysisOutput['sentiment']['userSentiment'] {
  return { overall: 'unclear', score: null, notes: null };
}

/** One party's tone when nothing could be read from them. */
export function unknownPartyTone(): AnalysisOutput['tone']['byParty']['userTone'] {
  return { overall: null, descriptors: [], notes: null };
}

/** A sentiment nothing could be read from: the LLM was not asked, or had nothing to go on. */
export function unclearSentiment(): AnalysisOutput['sentiment'] {
  return {
    overall: 'unclear',
    score: 0,
    reason: null,
    userSentiment: unclearPartySentiment(),
    contactSentiment: unclearPartySentiment(),
    progression: [],
    emotionalSignals: [],
  };
}

/** A tone nothing could be read from, for the same analyses. */
export function unknownTone(): AnalysisOutput['tone'] {
  return {
    overall: null,
    descriptors: [],
    formality: null,
    energy: null,
    pace: null,
    notes: null,
    byParty: { userTone: unknownPartyTone(), contactTone: unknownPartyTone() },
  };
}

/** An action item's intent details with nothing known: an item fills in what its intent needs. */
export function emptyIntentMetadata(): AnalysisOutput['actionItems'][number]['intentMetadata'] {
  return {
    providerHint: null,
    attendees: null,
    proposedAt: null,
    durationMinutes: null,
    title: null,
    location: null,
    toEmail: null,
    toName: null,
    subject: null,
    bodyPreview: null,
    phoneNumber: null,
    contactName: null,
    channel: null,
    handle: null,
    remindAt: null,
    notes: null,
  };
}
