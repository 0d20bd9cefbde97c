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
